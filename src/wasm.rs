//! The thin `#[wasm_bindgen]` facade: each export deserialises, calls the core, serialises.
//! Plain data crosses as JSON-compatible objects (docs/contracts.md); errors cross as `JsError`.

use crate::settings::{self, Settings};
use crate::{classify as classify_core, parse as parse_core, probe_plan as plan_core, rewrite, Parsed, ProbePlan, ProbeResponse, Target};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// Reads one link: `{status: "launch", launch}`, `{status: "none", reason}` or `{status: "invalid", reason}`.
#[wasm_bindgen]
pub fn parse(url: &str) -> Result<JsValue, JsError> {
    let outcome = match parse_core(url) {
        Ok(Parsed::Launch(launch)) => serde_json::json!({"status": "launch", "launch": launch}),
        Ok(Parsed::NotLaunch(reason)) => serde_json::json!({"status": "none", "reason": reason}),
        Err(e) => serde_json::json!({"status": "invalid", "reason": e.to_string()}),
    };
    to_js(&outcome)
}

/// Rewrites a batch of hrefs for a target: one `Rewrite` per href, in order.
#[wasm_bindgen(js_name = rewriteBatch)]
pub fn rewrite_batch(hrefs: Vec<String>, target: JsValue) -> Result<JsValue, JsError> {
    let target: Target = from_js(target, "target")?;
    let target = target.validated().map_err(|e| JsError::new(&e.to_string()))?;
    let out: Vec<_> = hrefs.iter().map(|h| rewrite(h, &target)).collect();
    to_js(&out)
}

/// The target of the settings' active hub, or `null` when none can launch.
#[wasm_bindgen(js_name = activeTarget)]
pub fn active_target(settings: JsValue) -> Result<JsValue, JsError> {
    let settings: Settings = from_js(settings, "settings")?;
    to_js(&settings.active_target())
}

/// The requests that detect what `input` is; throws on a URL that cannot be a hub.
#[wasm_bindgen(js_name = probePlan)]
pub fn probe_plan(input: &str) -> Result<JsValue, JsError> {
    let plan = plan_core(input).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&plan)
}

/// Classifies the responses to a plan's probes.
#[wasm_bindgen]
pub fn classify(plan: JsValue, responses: JsValue) -> Result<JsValue, JsError> {
    let plan: ProbePlan = from_js(plan, "plan")?;
    let responses: Vec<ProbeResponse> = from_js(responses, "responses")?;
    to_js(&classify_core(&plan, &responses))
}

/// The default settings.
#[wasm_bindgen(js_name = settingsDefaults)]
pub fn settings_defaults() -> Result<JsValue, JsError> {
    to_js(&Settings::default())
}

/// Validates settings of the current version; throws with a message naming the field.
#[wasm_bindgen(js_name = settingsValidate)]
pub fn settings_validate(value: JsValue) -> Result<JsValue, JsError> {
    let value: serde_json::Value = from_js(value, "settings")?;
    let settings = settings::validate(value).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&settings)
}

/// Migrates stored settings of any known version to the current one; throws when it cannot.
#[wasm_bindgen(js_name = settingsMigrate)]
pub fn settings_migrate(value: JsValue) -> Result<JsValue, JsError> {
    let value: serde_json::Value = from_js(value, "settings")?;
    let settings = settings::migrate(value).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&settings)
}

//! The thin `#[wasm_bindgen]` facade: each export deserialises, calls the core, serialises.
//! Plain JSON-compatible objects cross (docs/contracts.md) through the engine's own
//! `JSON.stringify`/`JSON.parse` and serde_json; errors cross as `JsError`.

use crate::settings::{self, Settings};
use crate::{Launch, Parsed, ProbePlan, ProbeResponse, Target};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    to_js_sized(value, 256)
}

/// Serialises into a buffer of `capacity` bytes up front (a batch knows its size roughly),
/// then hands the text to the engine's `JSON.parse`.
fn to_js_sized<T: Serialize>(value: &T, capacity: usize) -> Result<JsValue, JsError> {
    let mut buf = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut buf, value).map_err(|e| JsError::new(&e.to_string()))?;
    let text = String::from_utf8(buf).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("could not hand the result to javascript"))
}

fn json_text(value: &JsValue, what: &str) -> Result<String, JsError> {
    js_sys::JSON::stringify(value)
        .map_err(|_| JsError::new(&format!("{what}: not json-serialisable")))?
        .as_string()
        .ok_or_else(|| JsError::new(&format!("{what}: missing")))
}

fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsError> {
    serde_json::from_str(&json_text(value, what)?)
        .map_err(|e| JsError::new(&format!("{what}: {e}")))
}

fn core_err(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// The outcome of `parse`, as `{status, launch | reason}`.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum ParseOutcome {
    Launch { launch: Launch },
    None { reason: String },
    Invalid { reason: String },
}

/// Reads one link: `{status: "launch", launch}`, `{status: "none", reason}` or `{status: "invalid", reason}`.
#[wasm_bindgen]
pub fn parse(url: &str) -> Result<JsValue, JsError> {
    to_js(&match crate::parse(url) {
        Ok(Parsed::Launch(launch)) => ParseOutcome::Launch { launch },
        Ok(Parsed::NotLaunch(reason)) => ParseOutcome::None { reason },
        Err(e) => ParseOutcome::Invalid {
            reason: e.to_string(),
        },
    })
}

/// Options of `rewriteBatch`.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct BatchOptions {
    /// Include each link's parsed `launch` (the content script does not need it; it is most
    /// of the bytes that cross back).
    launch: bool,
}

/// Rewrites a batch of hrefs for a target: one `Rewrite` per href, in order. `launch` is
/// `null` unless `options.launch` is true.
#[wasm_bindgen(js_name = rewriteBatch)]
pub fn rewrite_batch(
    hrefs: Vec<String>,
    target: JsValue,
    options: JsValue,
) -> Result<JsValue, JsError> {
    let target: Target = from_js(&target, "target")?;
    let target = target.validated().map_err(core_err)?;
    let options: BatchOptions = if options.is_undefined() || options.is_null() {
        BatchOptions::default()
    } else {
        from_js(&options, "options")?
    };
    let out: Vec<_> = hrefs
        .iter()
        .map(|h| {
            let mut r = crate::rewrite(h, &target);
            if !options.launch {
                r.launch = None;
            }
            r
        })
        .collect();
    to_js_sized(&out, 512 * out.len())
}

/// Rewrites a link the reader chose (context menu): a plain GitHub repository or notebook page
/// is launched as its repository; any other link as `rewriteBatch` would.
#[wasm_bindgen(js_name = rewriteRepoLink)]
pub fn rewrite_repo_link(href: &str, target: JsValue) -> Result<JsValue, JsError> {
    let target: Target = from_js(&target, "target")?;
    let target = target.validated().map_err(core_err)?;
    to_js(&crate::rewrite_repo_link(href, &target))
}

/// The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
/// page's `location`; rewrite it like any other launch link. Throws on an unusable config.
#[wasm_bindgen(js_name = mystLink)]
pub fn myst_link(binder: JsValue, location: Option<String>) -> Result<String, JsError> {
    let binder: crate::MystBinder = from_js(&binder, "binder config")?;
    crate::myst_binder_link(&binder, location.as_deref()).map_err(core_err)
}

/// The target of the settings' active hub, or `null` when none can launch.
#[wasm_bindgen(js_name = activeTarget)]
pub fn active_target(settings: JsValue) -> Result<JsValue, JsError> {
    let settings: Settings = from_js(&settings, "settings")?;
    to_js(&settings.active_target())
}

/// The requests that detect what `input` is; throws on a URL that cannot be a hub.
#[wasm_bindgen(js_name = probePlan)]
pub fn probe_plan(input: &str) -> Result<JsValue, JsError> {
    to_js(&crate::probe_plan(input).map_err(core_err)?)
}

/// Classifies the responses to a plan's probes.
#[wasm_bindgen]
pub fn classify(plan: JsValue, responses: JsValue) -> Result<JsValue, JsError> {
    let plan: ProbePlan = from_js(&plan, "plan")?;
    let responses: Vec<ProbeResponse> = from_js(&responses, "responses")?;
    to_js(&crate::classify(&plan, &responses))
}

/// The default settings.
#[wasm_bindgen(js_name = settingsDefaults)]
pub fn settings_defaults() -> Result<JsValue, JsError> {
    to_js(&Settings::default())
}

/// Validates settings of the current version; throws with a message naming the field.
#[wasm_bindgen(js_name = settingsValidate)]
pub fn settings_validate(value: JsValue) -> Result<JsValue, JsError> {
    to_js(&settings::validate(&json_text(&value, "settings")?).map_err(core_err)?)
}

/// Migrates stored settings of any known version to the current one; throws when it cannot.
#[wasm_bindgen(js_name = settingsMigrate)]
pub fn settings_migrate(value: JsValue) -> Result<JsValue, JsError> {
    to_js(&settings::migrate(&json_text(&value, "settings")?).map_err(core_err)?)
}

/// Previews importing a settings file (`file`: the parsed JSON, any known version) over the
/// settings in use: `{settings, changes, refused}`, nothing stored. Throws when the file is not
/// settings, is from a newer version, or its result could not be stored.
#[wasm_bindgen(js_name = settingsImport)]
pub fn settings_import(current: JsValue, file: JsValue) -> Result<JsValue, JsError> {
    let current = settings::migrate(&json_text(&current, "current settings")?).map_err(core_err)?;
    to_js(&settings::import(&current, &json_text(&file, "file")?).map_err(core_err)?)
}

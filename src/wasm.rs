//! The thin `#[wasm_bindgen]` facade: each export deserialises, calls the core, serialises.
//! Plain JSON-compatible objects cross (docs/contracts.md) through the engine's own
//! `JSON.stringify`/`JSON.parse` and serde_json; errors cross as `JsError`.
//!
//! The boundary never traps on a value a page or a file can supply: every export takes
//! `JsValue`s and checks their types itself. wasm-bindgen's own conversions (`&str`,
//! `Vec<String>`) throw from inside Wasm on a value of the wrong type, which leaves the
//! instance's stack pointer where it was; a few thousand such throws and every later call
//! traps. A returned `Err(JsError)` is thrown by the generated JavaScript after Wasm has
//! returned, which is safe. The core never panics (fuzzed); a panic would abort the instance.

use crate::settings::{self, Settings};
use crate::{Launch, Parsed, ProbePlan, ProbeResponse, Rewrite, RewriteStatus, Target};
use js_sys::Array;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    to_js_sized(value, 256)
}

/// What a JavaScript value is, for messages: `a number`, `null`, `an array`, `an object`, ….
fn kind_of(v: &JsValue) -> String {
    if v.is_null() {
        return "null".into();
    }
    if Array::is_array(v) {
        return "an array".into();
    }
    match v.js_typeof().as_string().as_deref() {
        Some("undefined") => "undefined".into(),
        Some("object") => "an object".into(),
        Some(t) => format!("a {t}"),
        None => "a value".into(),
    }
}

/// A string argument, or an error naming the argument and what it was instead.
fn string_arg(v: &JsValue, what: &str) -> Result<String, JsError> {
    v.as_string()
        .ok_or_else(|| JsError::new(&format!("{what}: not a string ({})", kind_of(v))))
}

/// Fails unless `v` is a plain object (not an array, not null).
fn object_arg(v: &JsValue, what: &str) -> Result<(), JsError> {
    if v.is_object() && !Array::is_array(v) && !v.is_function() {
        Ok(())
    } else {
        Err(JsError::new(&format!(
            "{what}: not an object ({})",
            kind_of(v)
        )))
    }
}

/// The reason given for an href that is not a string: it is not a launch link.
fn not_a_string(v: &JsValue) -> String {
    format!("not a launch link: not a string ({})", kind_of(v))
}

/// The result of one batch item that is not a string: `none`, with the reason.
fn not_a_string_rewrite(v: &JsValue) -> Rewrite {
    Rewrite {
        input: String::new(),
        status: RewriteStatus::None,
        output: None,
        reason: Some(not_a_string(v)),
        warnings: Vec::new(),
        launch: None,
    }
}

/// A target argument: an object the core validates.
fn target_arg(v: &JsValue) -> Result<Target, JsError> {
    object_arg(v, "target")?;
    let target: Target = from_js(v, "target")?;
    target.validated().map_err(core_err)
}

/// Serialises into a buffer of `capacity` bytes up front (a batch knows its size roughly,
/// capped at 1 MiB: a huge batch grows the buffer as it goes), then hands the text to the
/// engine's `JSON.parse`.
fn to_js_sized<T: Serialize>(value: &T, capacity: usize) -> Result<JsValue, JsError> {
    let mut buf = Vec::with_capacity(capacity.min(1 << 20));
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
/// Anything that is not a string is `none` ("not a string").
#[wasm_bindgen]
pub fn parse(url: JsValue) -> Result<JsValue, JsError> {
    let Some(url) = url.as_string() else {
        return to_js(&ParseOutcome::None {
            reason: not_a_string(&url),
        });
    };
    to_js(&match crate::parse(&url) {
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
/// `null` unless `options.launch` is true. An href that is not a string gets its own result
/// (status `none`, "not a string"); a link longer than the core's limit gets `invalid`. Throws
/// (after Wasm has returned) only when `hrefs` is not an array, or `target` or `options` is
/// not a usable object.
#[wasm_bindgen(js_name = rewriteBatch)]
pub fn rewrite_batch(
    hrefs: JsValue,
    target: JsValue,
    options: JsValue,
) -> Result<JsValue, JsError> {
    if !Array::is_array(&hrefs) {
        return Err(JsError::new(&format!(
            "hrefs: not an array ({})",
            kind_of(&hrefs)
        )));
    }
    let hrefs: &Array = hrefs.unchecked_ref();
    let target = target_arg(&target)?;
    let options: BatchOptions = if options.is_undefined() || options.is_null() {
        BatchOptions::default()
    } else {
        object_arg(&options, "options")?;
        from_js(&options, "options")?
    };
    let out: Vec<_> = hrefs
        .iter()
        .map(|h| match h.as_string() {
            Some(h) => {
                let mut r = crate::rewrite(&h, &target);
                if !options.launch {
                    r.launch = None;
                }
                r
            }
            None => not_a_string_rewrite(&h),
        })
        .collect();
    to_js_sized(&out, 512 * out.len())
}

/// Rewrites a link the reader chose (context menu): a plain GitHub repository or notebook page
/// is launched as its repository; any other link as `rewriteBatch` would.
#[wasm_bindgen(js_name = rewriteRepoLink)]
pub fn rewrite_repo_link(href: JsValue, target: JsValue) -> Result<JsValue, JsError> {
    let target = target_arg(&target)?;
    match href.as_string() {
        Some(href) => to_js(&crate::rewrite_repo_link(&href, &target)),
        None => to_js(&not_a_string_rewrite(&href)),
    }
}

/// The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
/// page's `location` (a string, or null/undefined for none); rewrite it like any other launch
/// link. Throws on an unusable config.
#[wasm_bindgen(js_name = mystLink)]
pub fn myst_link(binder: JsValue, location: JsValue) -> Result<String, JsError> {
    object_arg(&binder, "binder config")?;
    let binder: crate::MystBinder = from_js(&binder, "binder config")?;
    let location = if location.is_undefined() || location.is_null() {
        None
    } else {
        Some(string_arg(&location, "location")?)
    };
    crate::myst_binder_link(&binder, location.as_deref()).map_err(core_err)
}

/// A Target with its wire text for the hot module (`Target::wire`), as `activeTarget` returns it.
#[derive(Serialize)]
struct TargetWithWire<'a> {
    #[serde(flatten)]
    target: &'a Target,
    wire: String,
}

/// The target of the settings' active hub, or `null` when none can launch. It carries `wire`,
/// the text the hot module reads it from (docs/contracts.md, "The hot module").
#[wasm_bindgen(js_name = activeTarget)]
pub fn active_target(settings: JsValue) -> Result<JsValue, JsError> {
    object_arg(&settings, "settings")?;
    let settings: Settings = from_js(&settings, "settings")?;
    let target = settings.active_target();
    to_js(&target.as_ref().map(|t| TargetWithWire {
        target: t,
        wire: t.wire(),
    }))
}

/// The wire text of a target object (validated as `rewriteBatch` validates it): what the hot
/// module reads. Throws on an unusable target.
#[wasm_bindgen(js_name = targetWire)]
pub fn target_wire(target: JsValue) -> Result<String, JsError> {
    Ok(target_arg(&target)?.wire())
}

/// The requests that detect what `input` is; throws on a URL that cannot be a hub.
#[wasm_bindgen(js_name = probePlan)]
pub fn probe_plan(input: JsValue) -> Result<JsValue, JsError> {
    let input = string_arg(&input, "hub url")?;
    to_js(&crate::probe_plan(&input).map_err(core_err)?)
}

/// Classifies the responses to a plan's probes.
#[wasm_bindgen]
pub fn classify(plan: JsValue, responses: JsValue) -> Result<JsValue, JsError> {
    object_arg(&plan, "plan")?;
    if !Array::is_array(&responses) {
        return Err(JsError::new(&format!(
            "responses: not an array ({})",
            kind_of(&responses)
        )));
    }
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

// ---- Hub kinds (src/hubs.rs): what the options page, the popup and the background show. ----

/// Every hub kind: `{kind, label, target}` (`label`: its message key; `target`: a hub of this
/// kind can be saved and launched on), in the order a reader is offered them.
#[wasm_bindgen(js_name = hubKinds)]
pub fn hub_kinds() -> Result<JsValue, JsError> {
    to_js(&crate::hubs::kinds())
}

/// The hub to save for a detection: where its launches go, with that hub's own version, or a
/// hub of the kind the reader chose (`kind`: a target kind's name; null or undefined for "as
/// detected"). `null` when the detection names no launch target and no kind was chosen.
#[wasm_bindgen(js_name = savedHub)]
pub fn saved_hub(detection: JsValue, kind: JsValue) -> Result<JsValue, JsError> {
    object_arg(&detection, "detection")?;
    let detection: crate::Detection = from_js(&detection, "detection")?;
    let chosen = if kind.is_null() || kind.is_undefined() {
        None
    } else {
        let name = string_arg(&kind, "kind")?;
        Some(crate::hubs::target_kind_named(&name).ok_or_else(|| {
            JsError::new(&format!(
                "kind: '{name}' is not a kind of hub that launches"
            ))
        })?)
    };
    to_js(&crate::hubs::saved_hub(&detection, chosen))
}

/// The saved hubs as the front ends show them: `{url, name, kind, label, version, notes,
/// active, mystTab}` each (`label`, `notes`: message keys), and `managed` (`locked` or
/// `preset`) on the hubs the organisation's `policy` (what `storage.managed` holds; optional)
/// sets.
#[wasm_bindgen(js_name = hubViews)]
pub fn hub_views(settings: JsValue, policy: JsValue) -> Result<JsValue, JsError> {
    object_arg(&settings, "settings")?;
    let settings: Settings = from_js(&settings, "settings")?;
    to_js(&crate::managed::views(&settings, &policy_of(&policy)?))
}

// ---- An institution's presets (src/managed.rs): the policy in the browser's managed storage. ----

/// The policy in what `storage.managed.get()` gave (undefined or null: none), read as untrusted.
fn policy_of(value: &JsValue) -> Result<crate::managed::Policy, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(crate::managed::Policy::default());
    }
    Ok(crate::managed::read(&json_text(value, "policy")?))
}

/// The reader's stored choices about presets (`presets.v1`; undefined or null: none), read leniently.
fn choices_of(value: &JsValue) -> Result<crate::managed::PresetChoices, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(crate::managed::PresetChoices::default());
    }
    Ok(crate::managed::PresetChoices::read(&json_text(
        value, "presets",
    )?))
}

/// The organisation's policy as the extension uses it: `{hubs, locked, problems}` (hubs in its
/// order, its default first; `problems`: `{field, reason}` for each part left out). Never
/// throws on what the policy holds.
#[wasm_bindgen(js_name = policyRead)]
pub fn policy_read(policy: JsValue) -> Result<JsValue, JsError> {
    to_js(&policy_of(&policy)?)
}

/// The settings in use: the `stored` settings (any known version) with the organisation's hubs
/// merged in, and the presets the reader removed (`presets`) left out.
#[wasm_bindgen(js_name = settingsWithPolicy)]
pub fn settings_with_policy(
    stored: JsValue,
    policy: JsValue,
    presets: JsValue,
) -> Result<JsValue, JsError> {
    let stored = settings::migrate(&json_text(&stored, "stored settings")?).map_err(core_err)?;
    let merged = crate::managed::merge(&stored, &policy_of(&policy)?, &choices_of(&presets)?);
    to_js(&merged)
}

/// What to store after a front end changed the settings in use into `next`: `{settings,
/// presets}`, the settings validated (the storage limits included). Throws when `next` removes
/// a hub the organisation locks, or is not valid settings.
#[wasm_bindgen(js_name = settingsToStore)]
pub fn settings_to_store(
    next: JsValue,
    stored: JsValue,
    policy: JsValue,
    presets: JsValue,
) -> Result<JsValue, JsError> {
    let next = settings::migrate(&json_text(&next, "settings")?).map_err(core_err)?;
    let stored = settings::migrate(&json_text(&stored, "stored settings")?).map_err(core_err)?;
    let (out, choices) =
        crate::managed::store(&next, &stored, &policy_of(&policy)?, &choices_of(&presets)?)
            .map_err(core_err)?;
    let out =
        settings::validate(&serde_json::to_string(&out).map_err(|e| JsError::new(&e.to_string()))?)
            .map_err(core_err)?;
    #[derive(Serialize)]
    struct Stored {
        settings: Settings,
        presets: crate::managed::PresetChoices,
    }
    to_js(&Stored {
        settings: out,
        presets: choices,
    })
}

// ---- Hub health (src/health.rs), routes (src/routes.rs), a book's own hubs (src/book_hubs.rs). ----

/// The hubs' health as stored (`{<hub url>: Health}`); `null` or `undefined` for none yet.
fn health_arg(v: &JsValue) -> Result<crate::health::HealthMap, JsError> {
    if v.is_null() || v.is_undefined() {
        return Ok(crate::health::HealthMap::new());
    }
    object_arg(v, "health")?;
    from_js(v, "health")
}

/// A time in milliseconds since the epoch (the caller's clock: the core reads none).
fn time_arg(v: &JsValue) -> Result<u64, JsError> {
    match v.as_f64() {
        Some(t) if (0.0..9.0e15).contains(&t) => Ok(t as u64),
        _ => Err(JsError::new(&format!(
            "now: not a time in milliseconds ({})",
            kind_of(v)
        ))),
    }
}

/// When hubs are checked and what their answers mean: `{checkEveryMinutes, timeoutMs, slowMs,
/// freshMs}` (the background's alarm period, a check's deadline, the answer time above which a
/// hub is slow, how long a check is fresh when a page opens).
#[wasm_bindgen(js_name = healthPolicy)]
pub fn health_policy() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Policy {
        check_every_minutes: u32,
        timeout_ms: u32,
        slow_ms: u32,
        fresh_ms: u64,
    }
    to_js(&Policy {
        check_every_minutes: crate::health::CHECK_EVERY_MINUTES,
        timeout_ms: crate::health::TIMEOUT_MS,
        slow_ms: crate::health::SLOW_MS,
        fresh_ms: crate::health::FRESH_MS,
    })
}

/// The check to make now (`{probes, timeoutMs, maxBody}`, a probe per hub due, its `id` the
/// hub's URL), for `why` (`startup` | `opened` | `pages`) at `now`, given the last `health`.
#[wasm_bindgen(js_name = healthPlan)]
pub fn health_plan(
    settings: JsValue,
    health: JsValue,
    now: JsValue,
    why: JsValue,
) -> Result<JsValue, JsError> {
    object_arg(&settings, "settings")?;
    let settings: Settings = from_js(&settings, "settings")?;
    let health = health_arg(&health)?;
    let now = time_arg(&now)?;
    let why: crate::health::Why = serde_json::from_str(&json_text(&why, "why")?)
        .map_err(|e| JsError::new(&format!("why: {e}")))?;
    let due = crate::health::due(&settings.hubs, &health, now, why);
    let hubs: Vec<crate::Hub> = settings
        .hubs
        .into_iter()
        .filter(|h| due.contains(&h.url))
        .collect();
    to_js(&crate::health::plan(&hubs))
}

/// The hubs' health after a check made at `now`: `previous` with each checked hub's new state
/// (hubs no longer saved are dropped). `answers`: one per probe of the plan, `{response, ms,
/// answersWithoutAccess}` (the runner's response; how long it took; for a `network` failure,
/// whether a request the extension may not read was answered).
#[wasm_bindgen(js_name = healthRead)]
pub fn health_read(
    settings: JsValue,
    previous: JsValue,
    answers: JsValue,
    now: JsValue,
) -> Result<JsValue, JsError> {
    object_arg(&settings, "settings")?;
    let settings: Settings = from_js(&settings, "settings")?;
    let previous = health_arg(&previous)?;
    if !Array::is_array(&answers) {
        return Err(JsError::new(&format!(
            "answers: not an array ({})",
            kind_of(&answers)
        )));
    }
    let answers: Vec<crate::health::Answer> = from_js(&answers, "answers")?;
    let now = time_arg(&now)?;
    to_js(&crate::health::read(
        &previous,
        &settings.hubs,
        &answers,
        now,
    ))
}

/// Where links go: `{default, sites}` (docs/contracts.md "Routes"), from the settings and the
/// hubs' health.
#[wasm_bindgen]
pub fn routes(settings: JsValue, health: JsValue) -> Result<JsValue, JsError> {
    object_arg(&settings, "settings")?;
    let settings: Settings = from_js(&settings, "settings")?;
    let health = health_arg(&health)?;
    to_js(&crate::routes::routes(&settings, &health))
}

/// The hubs a page's launch links point at that the reader could save (not known public
/// BinderHubs, not saved): `[{url, name, linksKind, links}]`. Hrefs that are not strings are
/// skipped.
#[wasm_bindgen(js_name = bookHubs)]
pub fn book_hubs(hrefs: JsValue, settings: JsValue) -> Result<JsValue, JsError> {
    if !Array::is_array(&hrefs) {
        return Err(JsError::new(&format!(
            "hrefs: not an array ({})",
            kind_of(&hrefs)
        )));
    }
    let hrefs: Vec<String> = hrefs
        .unchecked_ref::<Array>()
        .iter()
        .filter_map(|h| h.as_string())
        .collect();
    object_arg(&settings, "settings")?;
    let settings: Settings = from_js(&settings, "settings")?;
    to_js(&crate::book_hubs::book_hubs(&hrefs, &settings))
}

//! The cold Wasm module's facade (`make wasm` builds it as `build/pkg/byob_bg.wasm`): every
//! call the extension makes into the core except the hot module's rewriting. Raw exports over
//! linear memory, as the hot module has (src/hot.rs), no wasm-bindgen: `extension/cold.js`
//! writes a call as text and reads the answer as JSON text (docs/contracts.md, "The cold
//! module").
//!
//! * `byob_input(len) -> ptr`: room for `len` bytes of UTF-8 input, written by the caller;
//! * `byob_call(len) -> i32`: the input is one call ([`call`]); the answer is the output;
//! * `byob_output() -> ptr`: where the last output starts.
//!
//! `byob_call` returns the output's length `n`, or `-1 - n` when the call failed and the
//! output is the message (thrown as an `Error` by the loader).
//!
//! A call is lines: the export's name, then one line per argument, `<kind>\t<json>`: what the
//! value is as JavaScript sees it (`a string`, `null`, `an array`, `an object`, `undefined`,
//! …: [`kind`]) and its `JSON.stringify` text, empty when that gave nothing (`undefined`, a
//! function, a symbol) and `!` when it threw (a cycle, a BigInt). `JSON.stringify` never
//! writes a line break or a tab, so lines and fields cannot be confused. A string that is not
//! well-formed UTF-16, or an array holding one, has a third field, `\t<json>`: its JSON with
//! lone surrogates as U+FFFD (as a browser's own UTF-8 encoding would have them), what
//! [`Arg::as_string`] and the readers of hrefs ([`Arg::strings_text`]) read, while its JSON
//! text (the surrogates escaped, which serde_json refuses) stays what the readers of JSON get,
//! as before. A missing argument is `undefined`.
//!
//! The boundary never traps on a value a page or a file can supply: every export checks the
//! kinds and texts of its arguments itself and names the argument in its message; the core
//! never panics (fuzzed); the loader replaces an instance that traps anyway. The facade itself
//! is plain Rust (only the three exports are wasm32's), so `tests/wasm.rs` runs it natively
//! too.

use crate::settings::read::{self, Fields};
use crate::settings::{self, Settings};
use crate::{Launch, Parsed, ProbePlan, ProbeResponse, Rewrite, RewriteStatus, Target};
use serde::Serialize;
use serde_json::Value;

/// What a call answers: the JSON text of its result, or the message of its error.
type Answer = Result<String, String>;

/// One argument of a call: its kind and its JSON text, as `extension/cold.js` wrote them.
#[derive(Clone, Copy)]
struct Arg<'a> {
    kind: &'a str,
    json: &'a str,
    /// The JSON of a string, or of an array's strings, made well-formed, when they were not.
    well_formed: Option<&'a str>,
}

impl<'a> Arg<'a> {
    const UNDEFINED: Arg<'static> = Arg {
        kind: "undefined",
        json: "",
        well_formed: None,
    };

    fn read(line: &'a str) -> Arg<'a> {
        let (kind, rest) = line.split_once('\t').unwrap_or((line, ""));
        let (json, well_formed) = match rest.split_once('\t') {
            Some((json, well_formed)) => (json, Some(well_formed)),
            None => (rest, None),
        };
        Arg {
            kind,
            json,
            well_formed,
        }
    }

    /// `null` or `undefined`: an optional argument left out.
    fn is_nullish(&self) -> bool {
        matches!(self.kind, "null" | "undefined")
    }

    fn is_array(&self) -> bool {
        self.kind == "an array"
    }

    /// The string it is, if it is one (lone surrogates as U+FFFD).
    fn as_string(&self) -> Option<String> {
        match read::parse(self.well_formed.unwrap_or(self.json)) {
            Ok(Value::String(s)) if self.kind == "a string" => Some(s),
            _ => None,
        }
    }

    /// The number it is, if it is a finite one (`JSON.stringify` writes `NaN` and the
    /// infinities as `null`).
    fn as_f64(&self) -> Option<f64> {
        if self.kind != "a number" {
            return None;
        }
        read::parse(self.json).ok()?.as_f64()
    }

    /// Its JSON text with its strings well-formed: what a list of hrefs is read from (one with
    /// a lone surrogate is one bad href, not a bad list). An error naming it as `what` when
    /// there is no JSON text.
    fn strings_text(&self, what: &str) -> Result<&'a str, String> {
        let text = self.json_text(what)?;
        Ok(self.well_formed.unwrap_or(text))
    }

    /// Its JSON text, or an error naming it as `what`.
    fn json_text(&self, what: &str) -> Result<&'a str, String> {
        match self.json {
            "" => Err(format!("{what}: missing")),
            "!" => Err(format!("{what}: not json-serialisable")),
            text => Ok(text),
        }
    }
}

/// What a JavaScript value is, for messages: `a number`, `null`, `an array`, `an object`, …
/// (the loader's `kindOf` says it; anything else is `a value`).
fn kind<'a>(v: &Arg<'a>) -> &'a str {
    match v.kind {
        k @ ("null" | "undefined" | "an array" | "an object" | "a string" | "a number"
        | "a boolean" | "a bigint" | "a symbol" | "a function") => k,
        _ => "a value",
    }
}

/// The kind of an element of an array argument, from its JSON (an element `JSON.stringify`
/// cannot write, `undefined` or a function, reads as `null`).
fn kind_of_value(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// One call: the export named on the first line of `input`, with the arguments on the others.
pub fn call(input: &str) -> Answer {
    let mut lines = input.split('\n');
    let name = lines.next().unwrap_or_default();
    let args: Vec<Arg> = lines.map(Arg::read).collect();
    let a = |i: usize| args.get(i).copied().unwrap_or(Arg::UNDEFINED);
    match name {
        "parse" => parse(a(0)),
        "rewriteBatch" => rewrite_batch(a(0), a(1)),
        "rewriteRepoLink" => rewrite_repo_link(a(0), a(1)),
        "mystLink" => myst_link(a(0), a(1)),
        "activeTarget" => active_target(a(0)),
        "targetWire" => target_wire(a(0)),
        "probePlan" => probe_plan(a(0)),
        "classify" => classify(a(0), a(1)),
        "settingsDefaults" => to_json(&Settings::default()),
        "settingsValidate" => settings_validate(a(0)),
        "settingsMigrate" => settings_migrate(a(0)),
        "settingsImport" => settings_import(a(0), a(1)),
        "hubKinds" => to_json(&crate::hubs::kinds()),
        "savedHub" => saved_hub(a(0), a(1)),
        "hubViews" => hub_views(a(0), a(1)),
        "policyRead" => to_json(&policy_of(a(0))?),
        "settingsWithPolicy" => settings_with_policy(a(0), a(1), a(2)),
        "settingsToStore" => settings_to_store(a(0), a(1), a(2), a(3)),
        "healthPolicy" => health_policy(),
        "healthPlan" => health_plan(a(0), a(1), a(2), a(3)),
        "healthRead" => health_read(a(0), a(1), a(2), a(3)),
        "routes" => routes(a(0), a(1)),
        "bookHubs" => book_hubs(a(0), a(1)),
        _ => Err(format!("no export named '{name}'")),
    }
}

/// The raw exports (wasm32 only): the call's text in, its answer out, through linear memory.
#[cfg(target_arch = "wasm32")]
mod exports {
    use crate::raw::{failed, Io};
    use std::cell::RefCell;

    thread_local! {
        static IO: RefCell<Io> = const { RefCell::new(Io::new()) };
    }

    /// Room for `len` bytes of input; returns where to write them.
    #[no_mangle]
    pub extern "C" fn byob_input(len: usize) -> *mut u8 {
        IO.with_borrow_mut(|io| io.room(len))
    }

    /// Where the last output starts (its length was returned by the call that wrote it).
    #[no_mangle]
    pub extern "C" fn byob_output() -> *const u8 {
        IO.with_borrow(|io| io.output_ptr())
    }

    /// Answers the call in the first `len` bytes of the input: the answer's length, or
    /// `-1 - n` with the message (`n` bytes) in the output.
    #[no_mangle]
    pub extern "C" fn byob_call(len: usize) -> i32 {
        IO.with_borrow_mut(|io| {
            let (text, output) = io.take(len);
            match text.and_then(super::call) {
                Ok(answer) => {
                    *output = answer;
                    i32::try_from(output.len()).unwrap_or(i32::MAX)
                }
                Err(message) => {
                    *output = message;
                    failed(output)
                }
            }
        })
    }
}

fn to_json<T: Serialize>(value: &T) -> Answer {
    to_json_sized(value, 256)
}

/// Serialises into a buffer of `capacity` bytes up front (a batch knows its size roughly,
/// capped at 1 MiB: a huge batch grows the buffer as it goes).
/// The text is src/json_out.rs's, which writes what serde_json writes with less code; tests and
/// fuzz builds check every answer against serde_json's own.
fn to_json_sized<T: Serialize>(value: &T, capacity: usize) -> Answer {
    let text = crate::json_out::to_string_sized(value, capacity.min(1 << 20));
    #[cfg(any(test, feature = "fuzzing"))]
    assert_eq!(
        text.as_ref().ok(),
        serde_json::to_string(value).as_ref().ok(),
        "src/json_out.rs wrote other text than serde_json"
    );
    text.map_err(|e| e.to_string())
}

/// A string argument, or an error naming the argument and what it was instead.
fn string_arg(v: Arg, what: &str) -> Result<String, String> {
    v.as_string()
        .ok_or_else(|| format!("{what}: not a string ({})", kind(&v)))
}

/// Fails unless `v` is a plain object (not an array, not null, not a function).
fn object_arg(v: Arg, what: &str) -> Result<(), String> {
    if v.kind == "an object" {
        Ok(())
    } else {
        Err(format!("{what}: not an object ({})", kind(&v)))
    }
}

/// Fails unless `v` is an array.
fn array_arg(v: Arg, what: &str) -> Result<(), String> {
    if v.is_array() {
        Ok(())
    } else {
        Err(format!("{what}: not an array ({})", kind(&v)))
    }
}

/// The reason given for an href that is not a string: it is not a launch link.
fn not_a_string(kind: &str) -> String {
    format!("not a launch link: not a string ({kind})")
}

/// The result of one batch item that is not a string: `none`, with the reason.
fn not_a_string_rewrite(kind: &str) -> Rewrite {
    Rewrite {
        input: String::new(),
        status: RewriteStatus::None,
        output: None,
        reason: Some(not_a_string(kind)),
        warnings: Vec::new(),
        launch: None,
    }
}

/// A target argument: an object the core validates.
fn target_arg(v: Arg) -> Result<Target, String> {
    object_arg(v, "target")?;
    target_of(&from_json(v, "target")?)
}

/// A `Target` read as serde's derived reader read it (`kind` and `url` needed; the preferences
/// default; unknown fields ignored), then checked and normalised as [`Target::validated`]
/// does (`Target::new` normalises the URL and checks it reads back, `with_env_repo` checks
/// the environment repository).
fn target_of(v: &Value) -> Result<Target, String> {
    let wrong = |e: String| format!("target: {e}");
    let f = Fields::open(
        v,
        "",
        "Target",
        &["kind", "url", "interface", "envRepo", "linkKinds"],
        2,
        false,
    )
    .map_err(wrong)?;
    let kind = f.required("kind", |v, at| {
        read::variant_at(
            v,
            at,
            "TargetKind",
            &[
                ("binderhub", crate::TargetKind::BinderHub),
                ("jupyterhub", crate::TargetKind::JupyterHub),
                ("jupyter-server", crate::TargetKind::JupyterServer),
            ],
        )
    });
    let kind = kind.map_err(wrong)?;
    let url = f.required("url", read::string_at).map_err(wrong)?;
    let interface = f
        .or("interface", read::interface_at, Default::default())
        .map_err(wrong)?;
    let env_repo = f.or("envRepo", read::opt_string_at, None).map_err(wrong)?;
    let link_kinds = f
        .or("linkKinds", read::link_kinds_at, Default::default())
        .map_err(wrong)?;
    // The checks' own messages, as before (`invalid settings: envRepo: …`).
    let mut target = Target::new(kind, &url).map_err(core_err)?;
    target.interface = interface;
    target.link_kinds = link_kinds;
    target.with_env_repo(env_repo.as_deref()).map_err(core_err)
}

/// An array of hrefs (strings, and whatever else a caller put there), its strings well-formed.
fn hrefs_of(hrefs: Arg) -> Result<Vec<Value>, String> {
    match read::parse(hrefs.strings_text("hrefs")?) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(other) => Err(format!("hrefs: not an array ({})", kind_of_value(&other))),
        Err(e) => Err(format!("hrefs: {e}")),
    }
}

/// An argument's JSON as a `Value` (one reader of JSON text for every argument: serde_json's
/// parser is instantiated once in the module), or its syntax error naming it as `what`.
fn from_json(value: Arg, what: &str) -> Result<Value, String> {
    read::parse(value.json_text(what)?).map_err(|e| format!("{what}: {e}"))
}
/// A settings argument (the current schema, as stored; not checked), read without serde's
/// derived readers (src/settings/read.rs); messages name the field.
fn settings_arg(v: Arg) -> Result<Settings, String> {
    settings::settings_from_json(v.json_text("settings")?).map_err(|e| format!("settings: {e}"))
}

fn core_err(e: crate::Error) -> String {
    e.to_string()
}

/// The outcome of `parse`, as `{status, launch | reason}`.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum ParseOutcome {
    Launch { launch: Box<Launch> },
    None { reason: String },
    Invalid { reason: String },
}

/// Reads one link: `{status: "launch", launch}`, `{status: "none", reason}` or `{status: "invalid", reason}`.
/// Anything that is not a string is `none` ("not a string").
fn parse(url: Arg) -> Answer {
    let Some(url) = url.as_string() else {
        return to_json(&ParseOutcome::None {
            reason: not_a_string(kind(&url)),
        });
    };
    to_json(&match crate::parse(&url) {
        Ok(Parsed::Launch(launch)) => ParseOutcome::Launch {
            launch: Box::new(launch),
        },
        Ok(Parsed::NotLaunch(reason)) => ParseOutcome::None { reason },
        Err(e) => ParseOutcome::Invalid {
            reason: e.to_string(),
        },
    })
}

/// Rewrites a batch of hrefs for a target: one `Rewrite` per href, in order, each without its
/// `launch` (`null`: the pages need the outcome, and the launch model would be most of the
/// bytes that cross back; `parse` gives a link's launch). An href that is not a string gets its
/// own result (status `none`, "not a string"); a link longer than the core's limit gets
/// `invalid`. Fails only when `hrefs` is not an array or `target` is not a usable target.
fn rewrite_batch(hrefs: Arg, target: Arg) -> Answer {
    array_arg(hrefs, "hrefs")?;
    let target = target_arg(target)?;
    let hrefs = hrefs_of(hrefs)?;
    let out: Vec<_> = hrefs
        .iter()
        .map(|h| match h {
            serde_json::Value::String(h) => {
                let mut r = crate::rewrite(h, &target);
                r.launch = None;
                r
            }
            other => not_a_string_rewrite(kind_of_value(other)),
        })
        .collect();
    to_json_sized(&out, 512 * out.len())
}

/// Rewrites a link the reader chose (context menu): a plain GitHub repository or notebook page
/// is launched as its repository; any other link as `rewriteBatch` would.
fn rewrite_repo_link(href: Arg, target: Arg) -> Answer {
    let target = target_arg(target)?;
    match href.as_string() {
        Some(href) => to_json(&crate::rewrite_repo_link(&href, &target)),
        None => to_json(&not_a_string_rewrite(kind(&href))),
    }
}

/// The Binder link a Jupyter Book 2 (MyST) page means, from its `thebe.binder` config and the
/// page's `location` (a string, or null/undefined for none); rewrite it like any other launch
/// link. Fails on an unusable config.
fn myst_link(binder: Arg, location: Arg) -> Answer {
    object_arg(binder, "binder config")?;
    let binder = myst_binder_of(&from_json(binder, "binder config")?)
        .map_err(|e| format!("binder config: {e}"))?;
    let location = if location.is_nullish() {
        None
    } else {
        Some(string_arg(location, "location")?)
    };
    to_json(&crate::myst_binder_link(&binder, location.as_deref()).map_err(core_err)?)
}

/// A MyST `thebe.binder` config as serde's derived reader read it: every field may be missing
/// (`repo` then empty), unknown ones are ignored.
fn myst_binder_of(v: &Value) -> Result<crate::MystBinder, String> {
    let f = Fields::open(
        v,
        "",
        "MystBinder",
        &["url", "provider", "repo", "ref"],
        0,
        false,
    )?;
    Ok(crate::MystBinder {
        url: f.or("url", read::opt_string_at, None)?,
        provider: f.or("provider", read::opt_string_at, None)?,
        repo: f.or("repo", read::string_at, String::new())?,
        git_ref: f.or("ref", read::opt_string_at, None)?,
    })
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
fn active_target(settings: Arg) -> Answer {
    object_arg(settings, "settings")?;
    let settings = settings_arg(settings)?;
    let target = settings.active_target();
    to_json(&target.as_ref().map(|t| TargetWithWire {
        target: t,
        wire: t.wire(),
    }))
}

/// The wire text of a target object (validated as `rewriteBatch` validates it): what the hot
/// module reads. Fails on an unusable target.
fn target_wire(target: Arg) -> Answer {
    to_json(&target_arg(target)?.wire())
}

/// The requests that detect what `input` is; fails on a URL that cannot be a hub.
fn probe_plan(input: Arg) -> Answer {
    let input = string_arg(input, "hub url")?;
    to_json(&crate::probe_plan(&input).map_err(core_err)?)
}

/// Classifies the responses to a plan's probes.
fn classify(plan: Arg, responses: Arg) -> Answer {
    object_arg(plan, "plan")?;
    array_arg(responses, "responses")?;
    let plan = ProbePlan::read(&from_json(plan, "plan")?).map_err(|e| format!("plan: {e}"))?;
    let responses = ProbeResponse::read_all(&from_json(responses, "responses")?)
        .map_err(|e| format!("responses: {e}"))?;
    to_json(&crate::classify(&plan, &responses))
}

/// Validates settings of the current version; fails with a message naming the field.
fn settings_validate(value: Arg) -> Answer {
    to_json(&settings::validate(value.json_text("settings")?).map_err(core_err)?)
}

/// Migrates stored settings of any known version to the current one; fails when it cannot.
fn settings_migrate(value: Arg) -> Answer {
    to_json(&settings::migrate(value.json_text("settings")?).map_err(core_err)?)
}

/// Previews importing a settings file (`file`: the parsed JSON, any known version) over the
/// settings in use: `{settings, changes, refused}`, nothing stored. Fails when the file is not
/// settings, is from a newer version, or its result could not be stored.
fn settings_import(current: Arg, file: Arg) -> Answer {
    let current = settings::migrate(current.json_text("current settings")?).map_err(core_err)?;
    to_json(&settings::import(&current, file.json_text("file")?).map_err(core_err)?)
}

// ---- Hub kinds (src/hubs.rs): what the options page, the popup and the background show. ----

/// The hub to save for a detection: where its launches go, with that hub's own version, or a
/// hub of the kind the reader chose (`kind`: a target kind's name; null or undefined for "as
/// detected"). `null` when the detection names no launch target and no kind was chosen.
fn saved_hub(detection: Arg, kind: Arg) -> Answer {
    object_arg(detection, "detection")?;
    let detection = crate::Detection::read(&from_json(detection, "detection")?)
        .map_err(|e| format!("detection: {e}"))?;
    let chosen = if kind.is_nullish() {
        None
    } else {
        let name = string_arg(kind, "kind")?;
        Some(
            crate::hubs::target_kind_named(&name)
                .ok_or_else(|| format!("kind: '{name}' is not a kind of hub that launches"))?,
        )
    };
    to_json(&crate::hubs::saved_hub(&detection, chosen))
}

/// The saved hubs as the front ends show them: `{url, name, kind, label, version, notes,
/// active, mystTab}` each (`label`, `notes`: message keys), and `managed` (`locked` or
/// `preset`) on the hubs the organisation's `policy` (what `storage.managed` holds; optional)
/// sets.
fn hub_views(settings: Arg, policy: Arg) -> Answer {
    object_arg(settings, "settings")?;
    let settings = settings_arg(settings)?;
    to_json(&crate::managed::views(&settings, &policy_of(policy)?))
}

// ---- An institution's presets (src/managed.rs): the policy in the browser's managed storage. ----

/// The policy in what `storage.managed.get()` gave (undefined or null: none), read as
/// untrusted. As `policyRead`: `{hubs, locked, problems}` (hubs in its order, its default
/// first; `problems`: `{field, reason}` for each part left out); never fails on what the
/// policy holds.
fn policy_of(value: Arg) -> Result<crate::managed::Policy, String> {
    if value.is_nullish() {
        return Ok(crate::managed::Policy::default());
    }
    Ok(crate::managed::read(value.json_text("policy")?))
}

/// The reader's stored choices about presets (`presets.v1`; undefined or null: none), read leniently.
fn choices_of(value: Arg) -> Result<crate::managed::PresetChoices, String> {
    if value.is_nullish() {
        return Ok(crate::managed::PresetChoices::default());
    }
    Ok(crate::managed::PresetChoices::read(
        value.json_text("presets")?,
    ))
}

/// The settings in use: the `stored` settings (any known version) with the organisation's hubs
/// merged in, and the presets the reader removed (`presets`) left out.
fn settings_with_policy(stored: Arg, policy: Arg, presets: Arg) -> Answer {
    let stored = settings::migrate(stored.json_text("stored settings")?).map_err(core_err)?;
    let merged = crate::managed::merge(&stored, &policy_of(policy)?, &choices_of(presets)?);
    to_json(&merged)
}

/// What to store after a front end changed the settings in use into `next`: `{settings,
/// presets}`, the settings validated (the storage limits included). Fails when `next` removes
/// a hub the organisation locks, or is not valid settings.
fn settings_to_store(next: Arg, stored: Arg, policy: Arg, presets: Arg) -> Answer {
    let next = settings::migrate(next.json_text("settings")?).map_err(core_err)?;
    let stored = settings::migrate(stored.json_text("stored settings")?).map_err(core_err)?;
    let (out, choices) =
        crate::managed::store(&next, &stored, &policy_of(policy)?, &choices_of(presets)?)
            .map_err(core_err)?;
    let out = settings::validate(&crate::json_out::to_string(&out).map_err(|e| e.to_string())?)
        .map_err(core_err)?;
    #[derive(Serialize)]
    struct Stored {
        settings: Settings,
        presets: crate::managed::PresetChoices,
    }
    to_json(&Stored {
        settings: out,
        presets: choices,
    })
}

// ---- Hub health (src/health.rs), routes (src/routes.rs), a book's own hubs (src/book_hubs.rs). ----

/// The hubs' health as stored (`{<hub url>: Health}`); `null` or `undefined` for none yet.
fn health_arg(v: Arg) -> Result<crate::health::HealthMap, String> {
    if v.is_nullish() {
        return Ok(crate::health::HealthMap::new());
    }
    object_arg(v, "health")?;
    crate::health::health_map_at(&from_json(v, "health")?).map_err(|e| format!("health: {e}"))
}

/// A time in milliseconds since the epoch (the caller's clock: the core reads none).
fn time_arg(v: Arg) -> Result<u64, String> {
    match v.as_f64() {
        Some(t) if (0.0..9.0e15).contains(&t) => Ok(t as u64),
        _ => Err(format!("now: not a time in milliseconds ({})", kind(&v))),
    }
}

/// When hubs are checked and what their answers mean: `{checkEveryMinutes, timeoutMs, slowMs,
/// freshMs}` (the background's alarm period, a check's deadline, the answer time above which a
/// hub is slow, how long a check is fresh when a page opens).
fn health_policy() -> Answer {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Policy {
        check_every_minutes: u32,
        timeout_ms: u32,
        slow_ms: u32,
        fresh_ms: u64,
    }
    to_json(&Policy {
        check_every_minutes: crate::health::CHECK_EVERY_MINUTES,
        timeout_ms: crate::health::TIMEOUT_MS,
        slow_ms: crate::health::SLOW_MS,
        fresh_ms: crate::health::FRESH_MS,
    })
}

/// The check to make now (`{probes, timeoutMs, maxBody}`, a probe per hub due, its `id` the
/// hub's URL), for `why` (`startup` | `opened` | `pages`) at `now`, given the last `health`.
fn health_plan(settings: Arg, health: Arg, now: Arg, why: Arg) -> Answer {
    object_arg(settings, "settings")?;
    let settings = settings_arg(settings)?;
    let health = health_arg(health)?;
    let now = time_arg(now)?;
    let why = read::variant_at(
        &from_json(why, "why")?,
        "why",
        "Why",
        &[
            ("startup", crate::health::Why::Startup),
            ("opened", crate::health::Why::Opened),
            ("pages", crate::health::Why::Pages),
        ],
    )?;
    let due = crate::health::due(&settings.hubs, &health, now, why);
    let hubs: Vec<crate::Hub> = settings
        .hubs
        .into_iter()
        .filter(|h| due.contains(&h.url))
        .collect();
    to_json(&crate::health::plan(&hubs))
}

/// The hubs' health after a check made at `now`: `previous` with each checked hub's new state
/// (hubs no longer saved are dropped). `answers`: one per probe of the plan, `{response, ms,
/// answersWithoutAccess}` (the runner's response; how long it took; for a `network` failure,
/// whether a request the extension may not read was answered).
fn health_read(settings: Arg, previous: Arg, answers: Arg, now: Arg) -> Answer {
    object_arg(settings, "settings")?;
    let settings = settings_arg(settings)?;
    let previous = health_arg(previous)?;
    array_arg(answers, "answers")?;
    let answers = crate::health::Answer::read_all(&from_json(answers, "answers")?)
        .map_err(|e| format!("answers: {e}"))?;
    let now = time_arg(now)?;
    to_json(&crate::health::read(
        &previous,
        &settings.hubs,
        &answers,
        now,
    ))
}

/// Where links go: `{default, sites}` (docs/contracts.md "Routes"), from the settings and the
/// hubs' health.
fn routes(settings: Arg, health: Arg) -> Answer {
    object_arg(settings, "settings")?;
    let settings = settings_arg(settings)?;
    let health = health_arg(health)?;
    to_json(&crate::routes::routes(&settings, &health))
}

/// The hubs a page's launch links point at that the reader could save (not known public
/// BinderHubs, not saved): `[{url, name, linksKind, links}]`. Hrefs that are not strings are
/// skipped.
fn book_hubs(hrefs: Arg, settings: Arg) -> Answer {
    array_arg(hrefs, "hrefs")?;
    let hrefs = hrefs_of(hrefs)?;
    let hrefs: Vec<&str> = hrefs.iter().filter_map(|h| h.as_str()).collect();
    object_arg(settings, "settings")?;
    let settings = settings_arg(settings)?;
    to_json(&crate::book_hubs::book_hubs(&hrefs, &settings))
}

/// The cold module's allocator: talc, made for WebAssembly, smaller than the standard dlmalloc
/// (ARCHITECTURE.md, dependencies). Not in `fuzzing` builds (the integration tests' and fuzz
/// targets' copy of the crate), so that a test compiled for wasm32 may declare its own
/// (tests/limits.rs counts allocations).
#[cfg(all(
    target_arch = "wasm32",
    not(target_feature = "atomics"),
    not(feature = "fuzzing")
))]
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

//! `byob detect`: the core's probe plan, performed by the native runner, classified by the
//! core, printed for a person (everything the hub said shown as text) or as JSON.

use crate::cli::fail;
use crate::{http, terminal};
use byob::{Detection, HubKind};
use std::process::ExitCode;

/// Why detection could not run: the exit code and the message.
pub struct NotRun(pub u8, pub String);

/// Detects what `hub` is, within `timeout_ms` (the core's default when `None`).
pub fn detection(hub: &str, timeout_ms: Option<u32>) -> Result<Detection, NotRun> {
    let mut plan = byob::probe_plan(hub).map_err(|e| NotRun(2, e.to_string()))?;
    if let Some(ms) = timeout_ms {
        plan.timeout_ms = ms;
    }
    if plan.known.is_some() {
        return Ok(byob::classify(&plan, &[]));
    }
    let tls = http::tls_config().map_err(|e| NotRun(2, e))?;
    let responses = http::perform(&plan, &tls);
    Ok(byob::classify(&plan, &responses))
}

/// The `detect` command.
pub fn run(hub: &str, json: bool, timeout_ms: Option<u32>) -> ExitCode {
    let d = match detection(hub, timeout_ms) {
        Ok(d) => d,
        Err(NotRun(code, message)) => return fail(code, &message),
    };
    if json {
        match serde_json::to_string_pretty(&d) {
            Ok(s) => terminal::out(&format!("{}\n", terminal::json(&s))),
            Err(e) => return fail(1, &e.to_string()),
        }
    } else if d.kind == HubKind::Unknown {
        eprintln!("byob: {}", terminal::text(&d.message));
    } else {
        terminal::out(&text(&d));
    }
    if d.kind == HubKind::Unknown {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The detection as lines for a person: what it is, where launches go, the notes.
fn text(d: &Detection) -> String {
    let mut lines = vec![if d.message.contains(&d.url) {
        d.message.clone()
    } else {
        format!("{}: {}", d.url, d.message)
    }];
    if let Some(launch) = d.launch_url.as_deref().filter(|l| *l != d.url) {
        lines.push(format!("  launches go to {launch}"));
    }
    lines.extend(d.notes.iter().map(|note| format!("  note: {note}")));
    // Each line escaped on its own: a newline the hub sent is shown, not obeyed.
    lines.iter().map(|l| terminal::text(l) + "\n").collect()
}

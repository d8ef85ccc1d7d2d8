//! The cold module's facade at the boundary (src/wasm.rs, `byob::wasm_api::call`): what
//! extension/cold.js passes in and gets back. Runs natively with `cargo test`, and compiled to
//! Wasm in Node with `make test-wasm`. Arguments are written here as cold.js writes them: a
//! line `<kind>\t<json>` each.

use byob::wasm_api as api;
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// An argument that is this JSON text, with the kind JavaScript would give its value.
fn json(text: &str) -> String {
    let v: Value = serde_json::from_str(text).unwrap();
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("{kind}\t{v}")
}
/// A string argument.
fn s(text: &str) -> String {
    format!("a string\t{}", serde_json::to_string(text).unwrap())
}
fn num(x: f64) -> String {
    format!("a number\t{x}")
}
fn undefined() -> String {
    "undefined\t".into()
}
fn null() -> String {
    "null\tnull".into()
}
fn truth() -> String {
    "a boolean\ttrue".into()
}
fn hrefs(list: &[&str]) -> String {
    json(&serde_json::to_string(list).unwrap())
}
/// Calls `name` with these argument lines: the answer's JSON text, or the error's message.
fn call(name: &str, args: &[String]) -> Result<String, String> {
    let mut input = name.to_string();
    for a in args {
        input.push('\n');
        input.push_str(a);
    }
    api::call(&input)
}
/// An answer as text (the answers are JSON text already).
fn text(answer: &str) -> String {
    answer.to_string()
}
/// Element `i` of an answer that is a JSON array, as its own text (key order kept).
fn item(answer: &str, i: usize) -> String {
    let (mut depth, mut in_string, mut escaped, mut start, mut n) = (0, false, false, 1, 0);
    for (at, c) in answer.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' if depth == 1 && c == ']' => break,
            ']' | '}' => depth -= 1,
            ',' if depth == 1 => {
                if n == i {
                    return answer[start..at].to_string();
                }
                n += 1;
                start = at + 1;
            }
            _ => {}
        }
    }
    assert_eq!(n, i, "no item {i} in {answer}");
    answer[start..answer.len() - 1].to_string()
}
fn len(answer: &str) -> usize {
    let v: Value = serde_json::from_str(answer).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn parse_returns_launch_none_or_invalid() {
    let v = text(
        &call(
            "parse",
            &[s(
                "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
            )],
        )
        .unwrap(),
    );
    assert!(
        v.starts_with(
            r#"{"status":"launch","launch":{"kind":"binder","hub":"https://mybinder.org/""#
        ),
        "{v}"
    );
    assert!(
        text(&call("parse", &[s("https://github.com/o/r")]).unwrap())
            .starts_with(r#"{"status":"none","reason":"not a launch link"#)
    );
    assert!(
        text(&call("parse", &[s("https://mybinder.org/v2/gh/x")]).unwrap())
            .starts_with(r#"{"status":"invalid""#)
    );
}

#[test]
fn rewrite_batch_answers_one_result_per_href_in_order() {
    let hrefs = hrefs(&[
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
        "https://example.org/",
        "https://mybinder.org/v2/zenodo/10.5281/zenodo.1/",
    ]);
    let target = json(r#"{"kind": "jupyterhub", "url": "hub.example.edu"}"#);
    let out = call(
        "rewriteBatch",
        &[hrefs.clone(), target.clone(), undefined()],
    )
    .unwrap();
    assert_eq!(len(&out), 3);
    let first = text(&item(&out, 0));
    assert!(first.contains(r#""status":"rewritten","output":"https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr%2Fx.ipynb""#), "{first}");
    assert!(text(&item(&out, 1)).contains(r#""status":"none""#));
    assert!(text(&item(&out, 2)).contains(r#""status":"refused""#));
    assert!(first.contains(r#""launch":null"#), "{first}");
    // A third argument (once `{launch: true}`) is ignored: the answer never carries the launch.
    let with = call(
        "rewriteBatch",
        &[hrefs, target, json(r#"{"launch": true}"#)],
    )
    .unwrap();
    assert!(text(&item(&with, 0)).contains(r#""launch":null"#));
    let bad = call(
        "rewriteBatch",
        &[json("[]"), json(r#"{"kind": "nope", "url": "h"}"#), null()],
    );
    assert!(bad.is_err());
}

#[test]
fn detection_plan_and_classification_cross_the_boundary() {
    let plan = call("probePlan", &[s("http://127.0.0.1:8000/hub/home")]).unwrap();
    let p = text(&plan);
    assert!(
        p.contains(r#""candidates":["http://127.0.0.1:8000/"]"#),
        "{p}"
    );
    let responses = json(
        r#"[{"id": "0:hub-api", "status": 200, "url": "http://127.0.0.1:8000/hub/api/", "redirected": false,
        "headers": {"x-jupyterhub-version": "5.2.1"}, "body": "{\"version\": \"5.2.1\"}", "error": null}]"#,
    );
    let d = text(&call("classify", &[json(&plan), responses]).unwrap());
    assert!(
        d.contains(r#""kind":"jupyterhub","version":"5.2.1","cors":false"#),
        "{d}"
    );
    assert!(call("probePlan", &[s("ftp://x")]).is_err());
    let known = text(&call("probePlan", &[s("mybinder.org")]).unwrap());
    assert!(
        known.contains(r#""known":{"#) && known.contains(r#""probes":[]"#),
        "{known}"
    );
}

#[test]
fn settings_defaults_validate_and_migrate() {
    let d = call("settingsDefaults", &[]).unwrap();
    assert!(text(&d).starts_with(r#"{"version":2,"hubs":[],"fallback":true,"siteHubs":[]"#));
    assert_eq!(
        text(&call("settingsValidate", &[json(&d)]).unwrap()),
        text(&call("settingsDefaults", &[]).unwrap())
    );
    let migrated = text(
        &call(
            "settingsMigrate",
            &[json(
                r#"{"hub": "hub.example.edu", "hubKind": "jupyterhub"}"#,
            )],
        )
        .unwrap(),
    );
    assert!(
        migrated.contains(r#""hubs":[{"url":"https://hub.example.edu/""#),
        "{migrated}"
    );
    assert!(call("settingsValidate", &[json(r#"{"version": 2}"#)]).is_err());
    let target = text(&call("activeTarget", &[json(&migrated)]).unwrap());
    assert!(
        target.contains(r#""kind":"jupyterhub","url":"https://hub.example.edu/""#),
        "{target}"
    );
}

#[test]
fn settings_import_previews_changes_and_refusals() {
    let current = call("settingsDefaults", &[]).unwrap();
    let file = json(
        r#"{"version": 1, "hubs": [{"url": "hub.example.edu", "name": "Uni", "kind": "jupyterhub"}], "mode": "loud"}"#,
    );
    let preview = text(&call("settingsImport", &[json(&current), file]).unwrap());
    assert!(
        preview.contains(r#""changes":[{"field":"hubs[https://hub.example.edu/]","from":"null""#),
        "{preview}"
    );
    assert!(
        preview.contains(r#""refused":[{"field":"mode","reason":"unknown variant `loud`"#),
        "{preview}"
    );
    assert!(call("settingsImport", &[json(&current), json("{}")]).is_err());
}

/// An institution's policy crosses as the browser's managed storage holds it; the settings in
/// use come back merged, a change comes back as what to store, removing a locked hub throws.
#[test]
fn presets_from_a_policy_cross_the_boundary() {
    let policy = json(
        r#"{"hubs": [{"url": "https://hub.uni.example.edu/", "kind": "jupyterhub", "name": "Uni"}, {"url": "ftp://x", "kind": "jupyterhub"}], "locked": true}"#,
    );
    let read = text(&call("policyRead", std::slice::from_ref(&policy)).unwrap());
    assert!(read.contains(r#""locked":true"#), "{read}");
    assert!(
        read.contains(
            r#""problems":[{"field":"hubs[1]","reason":"url: invalid hub url: 'ftp://x'"#
        ),
        "{read}"
    );
    assert_eq!(
        text(&call("policyRead", &[null()]).unwrap()),
        r#"{"hubs":[],"locked":false,"problems":[]}"#
    );
    let stored = call("settingsDefaults", &[]).unwrap();
    let merged = call(
        "settingsWithPolicy",
        &[json(&stored), policy.clone(), null()],
    )
    .unwrap();
    assert!(text(&merged).contains(r#""hubs":[{"url":"https://hub.uni.example.edu/","name":"Uni""#));
    let views = text(&call("hubViews", &[json(&merged), policy.clone()]).unwrap());
    assert!(
        views.contains(r#""active":true,"mystTab":"jupyterhub","managed":"locked""#),
        "{views}"
    );
    let out = text(
        &call(
            "settingsToStore",
            &[json(&merged), json(&stored), policy.clone(), null()],
        )
        .unwrap(),
    );
    assert!(
        out.contains(r#""settings":{"version":2,"hubs":[]"#),
        "{out}"
    );
    assert!(out.ends_with(r#""presets":{"removed":[]}}"#), "{out}");
    let err = call(
        "settingsToStore",
        &[json(&stored), json(&stored), policy, null()],
    )
    .unwrap_err();
    assert_eq!(
        err,
        "invalid settings: hubs: https://hub.uni.example.edu/ is set by your organisation and cannot be removed"
    );
}

/// Issue 9, defect 2: no value a page or a file can supply makes an export throw from inside
/// Wasm (which, a few thousand times over, killed the instance for good). Wrong types are
/// per-item results or clear errors; a good call still works after thousands of bad ones.
#[test]
fn bad_values_are_results_or_clear_errors_never_a_dead_instance() {
    let target = json(r#"{"kind": "jupyterhub", "url": "hub.example.edu"}"#);
    let good = "https://mybinder.org/v2/gh/o/r/main";
    let mixed = json(r#"["https://mybinder.org/v2/gh/o/r/main", 1, null, {}]"#);
    for _ in 0..5000 {
        let out = call(
            "rewriteBatch",
            &[mixed.clone(), target.clone(), undefined()],
        )
        .unwrap();
        assert_eq!(len(&out), 4);
        assert!(text(&item(&out, 0)).contains(r#""status":"rewritten""#));
        assert_eq!(
            text(&item(&out, 1)),
            r#"{"input":"","status":"none","output":null,"reason":"not a launch link: not a string (a number)","warnings":[],"launch":null}"#
        );
        assert!(text(&item(&out, 2)).contains("not a string (null)"));
        assert!(text(&item(&out, 3)).contains("not a string (an object)"));
        assert!(text(&call("parse", &[num(42.0)]).unwrap()).contains("not a string (a number)"));
        assert!(text(&call("parse", &[undefined()]).unwrap()).contains("not a string (undefined)"));
    }
    let errors = [
        call("rewriteBatch", &[s(good), target.clone(), undefined()]).err(),
        call(
            "rewriteBatch",
            &[mixed.clone(), s("hub.example.edu"), undefined()],
        )
        .err(),
        call("rewriteBatch", &[mixed.clone(), null(), undefined()]).err(),
        call("rewriteBatch", &[mixed.clone(), json("[]"), undefined()]).err(),
        call("rewriteRepoLink", &[s(good), truth()]).err(),
        call("mystLink", &[s("o/r"), undefined()]).err(),
        call("mystLink", &[json(r#"{"repo": "o/r"}"#), num(3.0)]).err(),
        call("probePlan", &[num(1.0)]).err(),
        call("classify", &[s("plan"), json("[]")]).err(),
        call("activeTarget", &[undefined()]).err(),
        call("settingsValidate", &[undefined()]).err(),
        call("settingsMigrate", &[json("[1, 2]")]).err(),
    ];
    assert!(
        errors.iter().all(Option::is_some),
        "{}",
        errors.iter().filter(|e| e.is_none()).count()
    );
    let out = call("rewriteBatch", &[hrefs(&[good]), target.clone(), null()]).unwrap();
    assert!(text(&item(&out, 0)).contains(r#""status":"rewritten""#));
    let r = text(&call("rewriteRepoLink", &[num(7.0), target]).unwrap());
    assert!(r.contains("not a string (a number)"), "{r}");
}

/// The call's text itself (extension/cold.js writes it): an argument left out is `undefined`;
/// a value `JSON.stringify` gave nothing for or threw on is named so; a string that was not
/// well-formed is read from its third field; an unknown export or kind is named, not a trap.
#[test]
fn the_text_of_a_call_is_read_part_by_part() {
    assert_eq!(
        call("settingsValidate", &[]).unwrap_err(),
        "settings: missing"
    );
    assert_eq!(
        call("settingsValidate", &["an object\t!".into()]).unwrap_err(),
        "settings: not json-serialisable"
    );
    assert_eq!(
        call("activeTarget", &["a function\t".into()]).unwrap_err(),
        "settings: not an object (a function)"
    );
    assert_eq!(
        call("probePlan", &["something new\t1".into()]).unwrap_err(),
        "hub url: not a string (a value)"
    );
    // '\ud800x': its JSON text escapes the lone surrogate (serde_json refuses it), the third
    // field has U+FFFD where it was.
    let lone = "a string\t\"\\ud800x\"\t\"\u{FFFD}x\"".to_string();
    assert_eq!(
        call("probePlan", std::slice::from_ref(&lone)).unwrap_err(),
        "invalid hub url: '\u{FFFD}x': host '\u{FFFD}x' is not ascii: byob reads host names in their xn-- (punycode) form"
    );
    assert!(call("settingsValidate", &[lone])
        .unwrap_err()
        .starts_with("invalid settings: unexpected end of hex escape"));
    // An array of hrefs holding one such string: the hrefs are read from the third field, so
    // that one bad href is one `none`, not a refused batch.
    let hrefs = "an array\t[\"\\ud800\",\"https://mybinder.org/v2/gh/o/r/main\"]\t[\"\u{FFFD}\",\"https://mybinder.org/v2/gh/o/r/main\"]";
    let target = json(r#"{"kind": "jupyterhub", "url": "hub.example.edu"}"#);
    let out = call("rewriteBatch", &[hrefs.to_string(), target]).unwrap();
    assert!(item(&out, 0).contains(r#""status":"none""#), "{out}");
    assert!(item(&out, 1).contains(r#""status":"rewritten""#), "{out}");
    assert_eq!(
        call("noSuchCall", &[]).unwrap_err(),
        "no export named 'noSuchCall'"
    );
    assert_eq!(
        api::call("hubKinds").unwrap(),
        call("hubKinds", &[s("ignored")]).unwrap()
    );
}

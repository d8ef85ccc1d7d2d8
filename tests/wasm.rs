//! The Wasm facade at the boundary, in Node (`make test-wasm`): what JavaScript passes in and
//! gets back. Compiled only for wasm32; a native `cargo test` has nothing to run here.
#![cfg(target_arch = "wasm32")]

use byob::wasm_api as api;
use js_sys::{Array, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}
fn text(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}
fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}
fn hrefs(list: &[&str]) -> JsValue {
    list.iter().map(|h| s(h)).collect::<Array>().into()
}

#[wasm_bindgen_test]
fn parse_returns_launch_none_or_invalid() {
    let v = text(
        &api::parse(s(
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
        ))
        .unwrap(),
    );
    assert!(
        v.starts_with(
            r#"{"status":"launch","launch":{"kind":"binder","hub":"https://mybinder.org/""#
        ),
        "{v}"
    );
    assert!(text(&api::parse(s("https://github.com/o/r")).unwrap())
        .starts_with(r#"{"status":"none","reason":"not a launch link"#));
    assert!(
        text(&api::parse(s("https://mybinder.org/v2/gh/x")).unwrap())
            .starts_with(r#"{"status":"invalid""#)
    );
}

#[wasm_bindgen_test]
fn rewrite_batch_answers_one_result_per_href_in_order() {
    let hrefs = hrefs(&[
        "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
        "https://example.org/",
        "https://mybinder.org/v2/zenodo/10.5281/zenodo.1/",
    ]);
    let target = json(r#"{"kind": "jupyterhub", "url": "hub.example.edu"}"#);
    let out: Array = api::rewrite_batch(hrefs.clone(), target.clone(), JsValue::UNDEFINED)
        .unwrap()
        .into();
    assert_eq!(out.length(), 3);
    let first = text(&out.get(0));
    assert!(first.contains(r#""status":"rewritten","output":"https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr%2Fx.ipynb""#), "{first}");
    assert!(text(&out.get(1)).contains(r#""status":"none""#));
    assert!(text(&out.get(2)).contains(r#""status":"refused""#));
    assert!(first.contains(r#""launch":null"#), "{first}");
    let with: Array = api::rewrite_batch(hrefs, target, json(r#"{"launch": true}"#))
        .unwrap()
        .into();
    assert!(text(&with.get(0)).contains(r#""launch":{"kind":"binder""#));
    let bad = api::rewrite_batch(
        Array::new().into(),
        json(r#"{"kind": "nope", "url": "h"}"#),
        JsValue::NULL,
    );
    assert!(bad.is_err());
}

#[wasm_bindgen_test]
fn detection_plan_and_classification_cross_the_boundary() {
    let plan = api::probe_plan(s("http://127.0.0.1:8000/hub/home")).unwrap();
    let p = text(&plan);
    assert!(
        p.contains(r#""candidates":["http://127.0.0.1:8000/"]"#),
        "{p}"
    );
    let responses = json(
        r#"[{"id": "0:hub-api", "status": 200, "url": "http://127.0.0.1:8000/hub/api/", "redirected": false,
        "headers": {"x-jupyterhub-version": "5.2.1"}, "body": "{\"version\": \"5.2.1\"}", "error": null}]"#,
    );
    let d = text(&api::classify(plan, responses).unwrap());
    assert!(
        d.contains(r#""kind":"jupyterhub","version":"5.2.1","cors":false"#),
        "{d}"
    );
    assert!(api::probe_plan(s("ftp://x")).is_err());
    let known = text(&api::probe_plan(s("mybinder.org")).unwrap());
    assert!(
        known.contains(r#""known":{"#) && known.contains(r#""probes":[]"#),
        "{known}"
    );
}

#[wasm_bindgen_test]
fn settings_defaults_validate_and_migrate() {
    let d = api::settings_defaults().unwrap();
    assert!(text(&d).starts_with(r#"{"version":2,"hubs":[],"fallback":true,"siteHubs":[]"#));
    assert_eq!(
        text(&api::settings_validate(d).unwrap()),
        text(&api::settings_defaults().unwrap())
    );
    let migrated = text(
        &api::settings_migrate(json(
            r#"{"hub": "hub.example.edu", "hubKind": "jupyterhub"}"#,
        ))
        .unwrap(),
    );
    assert!(
        migrated.contains(r#""hubs":[{"url":"https://hub.example.edu/""#),
        "{migrated}"
    );
    assert!(api::settings_validate(json(r#"{"version": 2}"#)).is_err());
    let target = text(&api::active_target(json(&migrated)).unwrap());
    assert!(
        target.contains(r#""kind":"jupyterhub","url":"https://hub.example.edu/""#),
        "{target}"
    );
}

#[wasm_bindgen_test]
fn settings_import_previews_changes_and_refusals() {
    let current = api::settings_defaults().unwrap();
    let file = json(
        r#"{"version": 1, "hubs": [{"url": "hub.example.edu", "name": "Uni", "kind": "jupyterhub"}], "mode": "loud"}"#,
    );
    let preview = text(&api::settings_import(current.clone(), file).unwrap());
    assert!(
        preview.contains(r#""changes":[{"field":"hubs[https://hub.example.edu/]","from":"null""#),
        "{preview}"
    );
    assert!(
        preview.contains(r#""refused":[{"field":"mode","reason":"unknown variant `loud`"#),
        "{preview}"
    );
    assert!(api::settings_import(current, json("{}")).is_err());
}

/// An institution's policy crosses as the browser's managed storage holds it; the settings in
/// use come back merged, a change comes back as what to store, removing a locked hub throws.
#[wasm_bindgen_test]
fn presets_from_a_policy_cross_the_boundary() {
    let policy = json(
        r#"{"hubs": [{"url": "https://hub.uni.example.edu/", "kind": "jupyterhub", "name": "Uni"}, {"url": "ftp://x", "kind": "jupyterhub"}], "locked": true}"#,
    );
    let read = text(&api::policy_read(policy.clone()).unwrap());
    assert!(read.contains(r#""locked":true"#), "{read}");
    assert!(
        read.contains(
            r#""problems":[{"field":"hubs[1]","reason":"url: invalid hub url: 'ftp://x'"#
        ),
        "{read}"
    );
    assert_eq!(
        text(&api::policy_read(JsValue::NULL).unwrap()),
        r#"{"hubs":[],"locked":false,"problems":[]}"#
    );
    let stored = api::settings_defaults().unwrap();
    let merged = api::settings_with_policy(stored.clone(), policy.clone(), JsValue::NULL).unwrap();
    assert!(text(&merged).contains(r#""hubs":[{"url":"https://hub.uni.example.edu/","name":"Uni""#));
    let views = text(&api::hub_views(merged.clone(), policy.clone()).unwrap());
    assert!(
        views.contains(r#""active":true,"mystTab":"jupyterhub","managed":"locked""#),
        "{views}"
    );
    let out = text(
        &api::settings_to_store(merged, stored.clone(), policy.clone(), JsValue::NULL).unwrap(),
    );
    assert!(
        out.contains(r#""settings":{"version":2,"hubs":[]"#),
        "{out}"
    );
    assert!(out.ends_with(r#""presets":{"removed":[]}}"#), "{out}");
    let err = api::settings_to_store(stored.clone(), stored, policy, JsValue::NULL).unwrap_err();
    assert_eq!(
        String::from(js_sys::Error::from(JsValue::from(err)).message()),
        "invalid settings: hubs: https://hub.uni.example.edu/ is set by your organisation and cannot be removed"
    );
}

/// Issue 9, defect 2: no value a page or a file can supply makes an export throw from inside
/// Wasm (which, a few thousand times over, killed the instance for good). Wrong types are
/// per-item results or clear errors; a good call still works after thousands of bad ones.
#[wasm_bindgen_test]
fn bad_values_are_results_or_clear_errors_never_a_dead_instance() {
    let target = json(r#"{"kind": "jupyterhub", "url": "hub.example.edu"}"#);
    let good = "https://mybinder.org/v2/gh/o/r/main";
    let mixed: Array = [s(good), JsValue::from_f64(1.0), JsValue::NULL, json("{}")]
        .into_iter()
        .collect();
    for _ in 0..5000 {
        let out: Array =
            api::rewrite_batch(mixed.clone().into(), target.clone(), JsValue::UNDEFINED)
                .unwrap()
                .into();
        assert_eq!(out.length(), 4);
        assert!(text(&out.get(0)).contains(r#""status":"rewritten""#));
        assert_eq!(
            text(&out.get(1)),
            r#"{"input":"","status":"none","output":null,"reason":"not a launch link: not a string (a number)","warnings":[],"launch":null}"#
        );
        assert!(text(&out.get(2)).contains("not a string (null)"));
        assert!(text(&out.get(3)).contains("not a string (an object)"));
        assert!(
            text(&api::parse(JsValue::from_f64(42.0)).unwrap()).contains("not a string (a number)")
        );
        assert!(text(&api::parse(JsValue::UNDEFINED).unwrap()).contains("not a string (undefined)"));
    }
    let errors = [
        api::rewrite_batch(s(good), target.clone(), JsValue::UNDEFINED).err(),
        api::rewrite_batch(
            mixed.clone().into(),
            s("hub.example.edu"),
            JsValue::UNDEFINED,
        )
        .err(),
        api::rewrite_batch(mixed.clone().into(), JsValue::NULL, JsValue::UNDEFINED).err(),
        api::rewrite_batch(
            mixed.clone().into(),
            Array::new().into(),
            JsValue::UNDEFINED,
        )
        .err(),
        api::rewrite_batch(mixed.clone().into(), target.clone(), JsValue::from_f64(1.0)).err(),
        api::rewrite_batch(
            mixed.clone().into(),
            target.clone(),
            json(r#"{"launch": "yes"}"#),
        )
        .err(),
        api::rewrite_repo_link(s(good), JsValue::TRUE).err(),
        api::myst_link(s("o/r"), JsValue::UNDEFINED).err(),
        api::myst_link(json(r#"{"repo": "o/r"}"#), JsValue::from_f64(3.0)).err(),
        api::probe_plan(JsValue::from_f64(1.0)).err(),
        api::classify(s("plan"), Array::new().into()).err(),
        api::active_target(JsValue::UNDEFINED).err(),
        api::settings_validate(JsValue::UNDEFINED).err(),
        api::settings_migrate(json("[1, 2]")).err(),
    ];
    assert!(
        errors.iter().all(Option::is_some),
        "{}",
        errors.iter().filter(|e| e.is_none()).count()
    );
    let out: Array = api::rewrite_batch(hrefs(&[good]), target.clone(), JsValue::NULL)
        .unwrap()
        .into();
    assert!(text(&out.get(0)).contains(r#""status":"rewritten""#));
    let r = text(&api::rewrite_repo_link(JsValue::from_f64(7.0), target).unwrap());
    assert!(r.contains("not a string (a number)"), "{r}");
}

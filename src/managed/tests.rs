use super::*;
use crate::detect::HubKind;
use crate::settings::{self, SiteHub};
use serde_json::json;

const UNI: &str = "https://hub.uni.example.edu/";
const BINDER: &str = "https://binder.uni.example.edu/";
const OWN: &str = "https://mybinder.org/";

/// The policy of docs/it-departments.md's examples: two hubs, the JupyterHub the default, locked.
fn policy(locked: bool) -> Policy {
    read(
        &json!({
            "hubs": [
                {"url": BINDER, "name": "Uni Binder", "kind": "binderhub"},
                {"url": "https://hub.uni.example.edu/hub/home", "name": "Uni JupyterHub", "kind": "jupyterhub"}
            ],
            "defaultHub": UNI,
            "locked": locked
        })
        .to_string(),
    )
}

fn hub(url: &str, kind: HubKind) -> Hub {
    Hub {
        url: url.into(),
        name: display_name(url),
        kind,
        version: None,
        cors: None,
    }
}

/// The reader's own settings: mybinder.org, then a copy of the university's hub they saved
/// themselves before any policy (with the version "Check again" found).
fn stored() -> Settings {
    let mut copy = hub(UNI, HubKind::JupyterHub);
    copy.version = Some("5.2.1".into());
    copy.cors = Some(false);
    Settings {
        hubs: vec![hub(OWN, HubKind::BinderHub), copy],
        ..Settings::default()
    }
}

fn urls(s: &Settings) -> Vec<&str> {
    s.hubs.iter().map(|h| h.url.as_str()).collect()
}

/// Settings the core would store: valid as a whole.
fn valid(s: &Settings) -> Settings {
    settings::validate(&serde_json::to_string(s).unwrap()).unwrap()
}

#[test]
fn reads_the_organisations_hubs_in_its_order_its_default_first() {
    let p = policy(true);
    assert_eq!(p.problems, []);
    assert!(p.locked);
    assert_eq!(
        p.hubs,
        [
            Hub {
                url: UNI.into(),
                name: "Uni JupyterHub".into(),
                kind: HubKind::JupyterHub,
                version: None,
                cors: None
            },
            Hub {
                url: BINDER.into(),
                name: "Uni Binder".into(),
                kind: HubKind::BinderHub,
                version: None,
                cors: None
            },
        ]
    );
    // No default: the first; no name: the URL's; not locked unless it says so.
    let p =
        read(&json!({"hubs": [{"url": "hub.example.org", "kind": "jupyter-server"}]}).to_string());
    assert_eq!(p.problems, []);
    assert!(!p.locked);
    assert_eq!(p.hubs[0].url, "https://hub.example.org/");
    assert_eq!(p.hubs[0].name, "hub.example.org");
    assert_eq!(p.hubs[0].kind, HubKind::JupyterServer);
    // No policy at all (Chrome's managed storage without one is `{}`).
    assert_eq!(read("{}"), Policy::default());
}

#[test]
fn a_bad_policy_is_read_part_by_part_with_the_reason_for_each_part_left_out() {
    let p = read(
        &json!({
            "hubs": [
                {"url": "ftp://hub.example.org/", "kind": "jupyterhub"},
                {"url": "https://a.example.org/", "kind": "binderhub-service"},
                {"url": "https://b.example.org/"},
                {"kind": "jupyterhub"},
                "https://c.example.org/",
                {"url": "https://d.example.org/", "kind": "jupyterhub", "colour": "red", "name": "x".repeat(81)},
                {"url": "https://D.example.org", "kind": "jupyterhub"},
                {"url": 5, "kind": "jupyterhub"},
                {"url": "https://e.example.org/", "kind": "jupyterhub", "name": "two\nlines"}
            ],
            "defaultHub": "https://elsewhere.example.org/",
            "locked": "yes",
            "lockEverything": true
        })
        .to_string(),
    );
    let problems: Vec<(&str, &str)> = p
        .problems
        .iter()
        .map(|x| (x.field.as_str(), x.reason.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            ("hubs[0]", "url: invalid hub url: 'ftp://hub.example.org/': only http and https hubs are supported"),
            ("hubs[1]", "kind: 'binderhub-service' is not binderhub, jupyterhub or jupyter-server"),
            ("hubs[2]", "kind: missing (binderhub, jupyterhub or jupyter-server)"),
            ("hubs[3]", "url: missing"),
            ("hubs[4]", "not an object: \"https://c.example.org/\""),
            ("hubs[5].name", "longer than 80 characters or not one line; the hub is shown as d.example.org"),
            ("hubs[5].colour", "not a field of a hub"),
            ("hubs[6]", "https://d.example.org/ is listed twice"),
            ("hubs[7]", "url: not a string: 5"),
            ("hubs[8].name", "longer than 80 characters or not one line; the hub is shown as e.example.org"),
            // (json! writes the members sorted)
            ("lockEverything", "not a policy of this extension"),
            ("locked", "not true or false: \"yes\"; the reader may change the hubs"),
            ("defaultHub", "\"https://elsewhere.example.org/\" is not one of hubs; the first of hubs is the default"),
        ]
    );
    // What could be used is used.
    assert_eq!(
        p.hubs
            .iter()
            .map(|h| (h.url.as_str(), h.name.as_str()))
            .collect::<Vec<_>>(),
        [
            ("https://d.example.org/", "d.example.org"),
            ("https://e.example.org/", "e.example.org")
        ]
    );
    assert!(!p.locked);
    for (json, field, reason) in [
        ("[1, 2]", "policy", "not a json object: [1, 2]"),
        ("\"x\"", "policy", "not a json object: \"x\""),
        (
            r#"{"hubs": {"url": "x"}}"#,
            "hubs",
            "not a list: {\"url\": \"x\"}",
        ),
        (r#"{"defaultHub": 1}"#, "defaultHub", "not a string: 1"),
    ] {
        let p = read(json);
        assert_eq!(
            (p.problems[0].field.as_str(), p.problems[0].reason.as_str()),
            (field, reason),
            "{json}"
        );
        assert!(p.hubs.is_empty());
    }
}

#[test]
fn a_hostile_policy_costs_little_and_says_so_briefly() {
    let many: Vec<_> = (0..500)
        .map(|i| json!({"url": format!("https://h{i}.example.org/"), "kind": "jupyterhub"}))
        .collect();
    let p = read(&json!({"hubs": many}).to_string());
    assert_eq!(p.hubs.len(), MAX_POLICY_HUBS);
    assert_eq!(p.problems[0].reason, "500 hubs; only the first 20 are used");
    let keys: serde_json::Map<String, serde_json::Value> =
        (0..1000).map(|i| (format!("k{i}"), json!(i))).collect();
    let p = read(&serde_json::Value::Object(keys).to_string());
    assert_eq!(p.problems.len(), MAX_PROBLEMS + 1);
    assert_eq!(
        p.problems.last().unwrap().reason,
        "more than 20 problems; the rest are not listed"
    );
    // A megabyte of a value is quoted short.
    let p = read(&json!({"defaultHub": ["x".repeat(1 << 20)]}).to_string());
    assert!(p.problems[0].reason.len() < 100, "{}", p.problems[0].reason);
    let p = read(&"[".repeat(100_000));
    assert_eq!(p.problems[0].field, "policy");
}

#[test]
fn locked_the_organisations_hubs_come_first_and_the_readers_follow() {
    let p = policy(true);
    let s = merge(&stored(), &p, &PresetChoices::default());
    assert_eq!(urls(&s), [UNI, BINDER, OWN]);
    // The reader's copy of the same hub lends what "Check again" found; the policy names it.
    assert_eq!(s.hubs[0].name, "Uni JupyterHub");
    assert_eq!(s.hubs[0].version.as_deref(), Some("5.2.1"));
    assert_eq!(s.active_target().unwrap().url(), UNI);
    assert_eq!(valid(&s), s);
    let views = views(&s, &p);
    assert_eq!(
        views
            .iter()
            .map(|v| (v.url.as_str(), v.managed, v.active))
            .collect::<Vec<_>>(),
        [
            (UNI, Some(Managed::Locked), true),
            (BINDER, Some(Managed::Locked), false),
            (OWN, None, false)
        ]
    );
    let shown = serde_json::to_value(&views).unwrap();
    assert_eq!(shown[0]["managed"], "locked");
    assert!(shown[2].get("managed").is_none(), "not managed: no member");
}

#[test]
fn locked_a_hub_of_the_organisation_cannot_be_removed_nor_put_after_the_readers() {
    let p = policy(true);
    let (before, choices) = (stored(), PresetChoices::default());
    let mut next = merge(&before, &p, &choices);
    next.hubs.retain(|h| h.url != BINDER);
    assert_eq!(
        store(&next, &before, &p, &choices).unwrap_err().to_string(),
        "invalid settings: hubs: https://binder.uni.example.edu/ is set by your organisation and cannot be removed"
    );
    // The reader puts their own hub first (the popup's switch, a hub just saved): stored as
    // their order, but in use it still comes after the organisation's.
    let mut next = merge(&before, &p, &choices);
    let own = next.hubs.remove(2);
    next.hubs.insert(0, own);
    let added = hub("https://lab.example.org/", HubKind::JupyterServer);
    next.hubs.insert(0, added);
    let (kept, _) = store(&next, &before, &p, &choices).unwrap();
    assert_eq!(
        urls(&kept),
        ["https://lab.example.org/", OWN, UNI],
        "the reader's copy of UNI kept as it was"
    );
    assert_eq!(kept.hubs[2], before.hubs[1]);
    assert_eq!(valid(&kept), kept);
    assert_eq!(
        urls(&merge(&kept, &p, &choices)),
        [UNI, BINDER, "https://lab.example.org/", OWN]
    );
    // "Check again" on the organisation's hub: what it found is kept on the reader's copy.
    let mut next = merge(&before, &p, &choices);
    next.hubs[0].version = Some("6.1.1".into());
    let (kept, _) = store(&next, &before, &p, &choices).unwrap();
    assert_eq!(kept.hubs[1].version.as_deref(), Some("6.1.1"));
    assert_eq!(
        kept.hubs[1].name, before.hubs[1].name,
        "the copy keeps the reader's name"
    );
    assert_eq!(
        merge(&kept, &p, &choices).hubs[0].version.as_deref(),
        Some("6.1.1")
    );
}

#[test]
fn locked_the_organisations_hubs_are_not_stored_unless_the_reader_needs_them() {
    let p = policy(true);
    let none = Settings::default();
    let choices = PresetChoices::default();
    let mut next = merge(&none, &p, &choices);
    assert_eq!(urls(&next), [UNI, BINDER]);
    next.mode = settings::Mode::Private;
    let (kept, _) = store(&next, &none, &p, &choices).unwrap();
    assert_eq!(
        urls(&kept),
        Vec::<&str>::new(),
        "nothing of the organisation's is stored"
    );
    assert_eq!(kept.mode, settings::Mode::Private, "the reader's change is");
    // "On this site, use Uni Binder": the rule needs the hub, so it is stored with it.
    next.site_hubs = vec![SiteHub {
        site: "books.example.org".into(),
        hub: BINDER.into(),
    }];
    let (kept, _) = store(&next, &none, &p, &choices).unwrap();
    assert_eq!(urls(&kept), [BINDER]);
    assert_eq!(valid(&kept), kept);
    // The policy goes: the reader has what they had, and their own choices.
    let after = merge(&kept, &Policy::default(), &choices);
    assert_eq!(urls(&after), [BINDER]);
    assert_eq!(after.site_hubs.len(), 1);
}

#[test]
fn presets_come_first_until_the_reader_orders_or_removes_them() {
    let p = policy(false);
    let before = Settings {
        hubs: vec![hub(OWN, HubKind::BinderHub)],
        ..Settings::default()
    };
    let none = PresetChoices::default();
    let s = merge(&before, &p, &none);
    assert_eq!(
        urls(&s),
        [UNI, BINDER, OWN],
        "new presets first, the default first of all"
    );
    assert_eq!(
        views(&s, &p).iter().map(|v| v.managed).collect::<Vec<_>>(),
        [Some(Managed::Preset), Some(Managed::Preset), None]
    );
    // The reader chooses their own hub: stored in their order, presets with it.
    let mut next = s.clone();
    let own = next.hubs.remove(2);
    next.hubs.insert(0, own);
    let (kept, choices) = store(&next, &before, &p, &none).unwrap();
    assert_eq!(urls(&kept), [OWN, UNI, BINDER]);
    assert_eq!(choices, none);
    assert_eq!(urls(&merge(&kept, &p, &choices)), [OWN, UNI, BINDER]);
    // The reader removes a preset: it stays away while the policy names it.
    let mut next = merge(&kept, &p, &choices);
    next.hubs.retain(|h| h.url != BINDER);
    let (kept2, choices2) = store(&next, &kept, &p, &choices).unwrap();
    assert_eq!(urls(&kept2), [OWN, UNI]);
    assert_eq!(choices2.removed, [BINDER]);
    assert_eq!(urls(&merge(&kept2, &p, &choices2)), [OWN, UNI]);
    // ... even removed before it was ever stored.
    let mut next = merge(&before, &p, &none);
    next.hubs.retain(|h| h.url != UNI);
    let (kept3, choices3) = store(&next, &before, &p, &none).unwrap();
    assert_eq!(choices3.removed, [UNI]);
    assert_eq!(urls(&merge(&kept3, &p, &choices3)), [BINDER, OWN]);
    // Saved again by the reader: no longer removed.
    let mut next = merge(&kept2, &p, &choices2);
    next.hubs.insert(0, hub(BINDER, HubKind::BinderHub));
    let (_, choices4) = store(&next, &kept2, &p, &choices2).unwrap();
    assert_eq!(choices4.removed, Vec::<String>::new());
    // A preset the policy no longer names is forgotten.
    let smaller = read(&json!({"hubs": [{"url": UNI, "kind": "jupyterhub"}]}).to_string());
    let (_, choices5) = store(
        &merge(&kept2, &smaller, &choices2),
        &kept2,
        &smaller,
        &choices2,
    )
    .unwrap();
    assert_eq!(choices5.removed, Vec::<String>::new());
}

#[test]
fn without_a_policy_nothing_changes() {
    let s = stored();
    let choices = PresetChoices {
        removed: vec![BINDER.into()],
    };
    assert_eq!(merge(&s, &Policy::default(), &choices), s);
    let mut next = s.clone();
    next.hubs.pop();
    assert_eq!(
        store(&next, &s, &Policy::default(), &choices).unwrap(),
        (next.clone(), choices.clone())
    );
    // A policy whose hubs are all unusable is no policy.
    let broken = read(r#"{"hubs": [{"url": "ftp://x", "kind": "jupyterhub"}], "locked": true}"#);
    assert_eq!(merge(&s, &broken, &choices), s);
    assert_eq!(
        views(&s, &broken)
            .iter()
            .filter(|v| v.managed.is_some())
            .count(),
        0
    );
}

#[test]
fn preset_choices_are_read_leniently() {
    assert_eq!(
        PresetChoices::read(r#"{"removed": ["https://B.example.org", "ftp://x", "https://a.example.org/hub/home", "https://b.example.org/"]}"#).removed,
        ["https://a.example.org/", "https://b.example.org/"]
    );
    for bad in [
        "",
        "null",
        "[]",
        r#"{"removed": "x"}"#,
        r#"{"removed": [1]}"#,
    ] {
        assert_eq!(PresetChoices::read(bad), PresetChoices::default(), "{bad}");
    }
}

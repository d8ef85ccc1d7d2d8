//! Classification of the response shapes in docs/protocols.md §1, traps included.

use super::*;

fn resp(id: &str, status: u16, url: &str, body: &str, headers: &[(&str, &str)]) -> ProbeResponse {
    ProbeResponse {
        id: id.into(),
        status,
        url: url.into(),
        redirected: false,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: Some(body.into()),
        error: None,
        cors_checked: false,
    }
}

fn redirected(mut r: ProbeResponse) -> ProbeResponse {
    r.redirected = true;
    r
}

const HTML: &str = "<html><script>window.pageConfig = {\"baseUrl\": \"/\"}</script></html>";
const VERSIONS: &str = r#"{"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:2024.07.0"}, "binderhub": "0.2.0+1763.gfaafab2", "builder": "x"}"#;

fn jupyterhub(version: &str, cors: bool) -> Vec<ProbeResponse> {
    let h = [("x-jupyterhub-version", version)];
    let mut api_headers = vec![
        ("x-jupyterhub-version", version),
        ("content-type", "application/json"),
    ];
    if cors {
        api_headers.push(("access-control-allow-origin", "*"));
    }
    vec![
        redirected(resp("0:versions", 404, "http://h/hub/versions", "", &h)),
        resp(
            "0:hub-api",
            200,
            "http://h/hub/api/",
            &format!("{{\"version\": \"{version}\"}}"),
            &api_headers,
        ),
        redirected(resp(
            "0:api",
            200,
            "http://h/hub/api",
            &format!("{{\"version\": \"{version}\"}}"),
            &h,
        )),
        redirected(resp(
            "0:root",
            200,
            "http://h/hub/login",
            "<html>login</html>",
            &h,
        )),
        redirected(resp(
            "0:service",
            404,
            "http://h/hub/services/binder/versions",
            "",
            &h,
        )),
    ]
}

#[test]
fn plans_parallel_probes_for_every_candidate() {
    let plan = probe_plan("https://hub.example.edu/jupyter/hub/home").unwrap();
    assert_eq!(
        plan.candidates,
        [
            "https://hub.example.edu/jupyter/",
            "https://hub.example.edu/"
        ]
    );
    assert_eq!(plan.probes.len(), 10);
    assert_eq!(
        plan.probes[1].url,
        "https://hub.example.edu/jupyter/hub/api/"
    );
    for (typed, base) in [
        ("hub.example.edu", "https://hub.example.edu/"),
        ("localhost:8888", "http://localhost:8888/"),
        (
            "https://h.org/user/alice/lab/tree/x.ipynb",
            "https://h.org/",
        ),
        (
            "https://b.org/binder/v2/gh/o/r/HEAD?urlpath=lab",
            "https://b.org/binder/",
        ),
        ("https://h.org/services/binder/", "https://h.org/"),
    ] {
        assert_eq!(probe_plan(typed).unwrap().candidates[0], base, "{typed}");
    }
    assert_eq!(
        probe_plan("https://h.org/services/binder/")
            .unwrap()
            .service
            .as_deref(),
        Some("services/binder/")
    );
    assert_eq!(
        probe_plan("ftp://x").unwrap_err().to_string(),
        "invalid hub url: 'ftp://x': only http and https hubs are supported"
    );
}

#[test]
fn knows_public_binderhubs_offline() {
    for typed in [
        "mybinder.org",
        "https://gesis.mybinder.org/v2/gh/o/r/HEAD",
        "https://notebooks.gesis.org/binder/",
    ] {
        let plan = probe_plan(typed).unwrap();
        assert!(plan.probes.is_empty(), "{typed}");
        let d = classify(&plan, &[]);
        assert_eq!((d.kind, d.known), (HubKind::BinderHub, true), "{typed}");
    }
    assert!(!probe_plan("https://notebooks.gesis.org/")
        .unwrap()
        .probes
        .is_empty());
}

#[test]
fn classifies_jupyterhub_with_and_without_cors() {
    let plan = probe_plan("http://h/").unwrap();
    let d = classify(&plan, &jupyterhub("6.1.1", true));
    assert_eq!(
        (d.kind, d.version.as_deref(), d.cors),
        (HubKind::JupyterHub, Some("6.1.1"), Some(true))
    );
    let d = classify(&plan, &jupyterhub("5.2.1", false));
    assert_eq!((d.kind, d.cors), (HubKind::JupyterHub, Some(false)));
    // Read under CORS in a browser: the header is hidden, but the browser checked it.
    let mut under_cors = jupyterhub("6.1.1", false);
    under_cors[1].cors_checked = true;
    assert_eq!(classify(&plan, &under_cors).cors, Some(true));
    assert_eq!(
        d.message,
        "JupyterHub 5.2.1 — no CORS on /hub/api/: books' own launch buttons cannot detect it; this extension can"
    );
}

#[test]
fn classifies_binderhub_full_and_api_only() {
    let plan = probe_plan("http://b/").unwrap();
    let full = vec![
        resp("0:versions", 200, "http://b/versions", VERSIONS, &[]),
        resp("0:hub-api", 200, "http://b/hub/api/", HTML, &[]),
        resp("0:api", 200, "http://b/api", HTML, &[]),
        resp("0:root", 200, "http://b/", HTML, &[]),
        resp(
            "0:service",
            200,
            "http://b/services/binder/versions",
            HTML,
            &[],
        ),
    ];
    let d = classify(&plan, &full);
    assert_eq!(
        (d.kind, d.version.as_deref()),
        (HubKind::BinderHub, Some("0.2.0+1763.gfaafab2"))
    );
    // The trap: hub/api/ answers 200 HTML, which must not read as a JupyterHub.
    let api_only: Vec<_> = full
        .iter()
        .map(|r| {
            if r.id == "0:versions" {
                r.clone()
            } else {
                resp(&r.id, 404, &r.url, "not found", &[])
            }
        })
        .collect();
    let d = classify(&plan, &api_only);
    assert_eq!((d.kind, d.launch_url), (HubKind::BinderHubService, None));
    // The 2019–2023 interface: no pageConfig, hub/api/ 404, but an HTML home page.
    let old_ui: Vec<_> = api_only
        .iter()
        .map(|r| match r.id.as_str() {
            "0:root" => resp(
                "0:root",
                200,
                "http://b/",
                "<!DOCTYPE html><html><div id=\"base-url\" data-url=\"/\"></div></html>",
                &[],
            ),
            _ => r.clone(),
        })
        .collect();
    assert_eq!(classify(&plan, &old_ui).kind, HubKind::BinderHub);
    let plan = probe_plan("http://h/services/binder/").unwrap();
    let mut behind_hub = jupyterhub("6.1.1", true);
    behind_hub[4] = resp(
        "0:service",
        200,
        "http://h/services/binder/versions",
        VERSIONS,
        &[],
    );
    let d = classify(&plan, &behind_hub);
    assert_eq!(
        (d.kind, d.launch_url.as_deref()),
        (HubKind::BinderHubService, Some("http://h/"))
    );
}

#[test]
fn classifies_jupyter_server_and_its_traps() {
    let plan = probe_plan("http://s/").unwrap();
    let server = vec![
        resp("0:versions", 404, "http://s/versions", "", &[]),
        redirected(resp("0:hub-api", 404, "http://s/hub/api/", "", &[])),
        resp(
            "0:api",
            200,
            "http://s/api",
            r#"{"version": "2.17.0"}"#,
            &[],
        ),
        redirected(resp("0:root", 200, "http://s/lab", "<html>", &[])),
        resp(
            "0:service",
            404,
            "http://s/services/binder/versions",
            "",
            &[],
        ),
    ];
    let d = classify(&plan, &server);
    assert_eq!(
        (d.kind, d.version.as_deref()),
        (HubKind::JupyterServer, Some("2.17.0"))
    );
    // A foreign Origin gets 404 from a server without allow_origin: unknown, with the hint.
    let refused: Vec<_> = server
        .iter()
        .map(|r| resp(&r.id, 404, &r.url, "", &[]))
        .collect();
    let d = classify(&plan, &refused);
    assert_eq!(d.kind, HubKind::Unknown);
    assert!(d.message.contains("allow_origin"), "{}", d.message);
}

#[test]
fn reports_unreachable_hubs() {
    let plan = probe_plan("http://127.0.0.1:9/").unwrap();
    let failed: Vec<_> = plan
        .probes
        .iter()
        .map(|p| ProbeResponse {
            id: p.id.clone(),
            error: Some("connection refused".into()),
            ..Default::default()
        })
        .collect();
    let d = classify(&plan, &failed);
    assert_eq!(d.kind, HubKind::Unknown);
    assert_eq!(
        d.message,
        "could not reach http://127.0.0.1:9/: connection refused"
    );
}

#[test]
fn reads_versions_leniently() {
    for (v, want) in [
        ("5.3.0", (5, 3, 0)),
        ("6.0.0b2", (6, 0, 0)),
        ("0.2.0+1763.gfaafab2", (0, 2, 0)),
        ("1.0.0-0.dev.git.3673.h040c9bbe", (1, 0, 0)),
        ("4", (4, 0, 0)),
    ] {
        let got = lenient_version(v).unwrap();
        assert_eq!((got.major, got.minor, got.patch), want, "{v}");
    }
    assert!(lenient_version("dev").is_none());
}

//! Classification of the response shapes in docs/protocols.md §1, traps included.

use super::read::lenient_version;
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
        error_kind: None,
        cors_checked: false,
    }
}

/// The responses an example's answers stand for, as candidate `index` of `plan`.
fn responses_of(plan: &ProbePlan, index: usize, answers: &[Answer]) -> Vec<ProbeResponse> {
    let base = &plan.candidates[index];
    answers
        .iter()
        .map(|a| {
            let id = format!("{index}:{}", a.probe);
            let planned = plan
                .probes
                .iter()
                .find(|p| p.id == id)
                .unwrap_or_else(|| panic!("no probe {id} in the plan"));
            let mut r = resp(&id, a.status, &planned.url, a.body, a.headers);
            if let Some(to) = a.redirected_to {
                r.url = format!("{base}{to}");
                r.redirected = true;
            }
            r
        })
        .collect()
}

/// Every example of every classifier, as the responses of the plan for `http://h/`.
fn example_responses(example: &Example) -> (ProbePlan, Vec<ProbeResponse>) {
    let plan = probe_plan("http://h/").unwrap();
    let responses = responses_of(&plan, 0, example.answers);
    (plan, responses)
}

#[test]
fn every_example_is_claimed_by_its_own_classifier_only() {
    for own in CLASSIFIERS {
        assert!(!own.examples.is_empty(), "{} has no examples", own.name);
        for example in own.examples {
            let (_, responses) = example_responses(example);
            let answers = Answers::of_candidate(0, &responses);
            let found = (own.classify)(&answers).unwrap_or_else(|| {
                panic!("{} does not claim its example: {}", own.name, example.what)
            });
            assert_eq!(
                (
                    found.kind,
                    found.version.as_deref(),
                    found.launch_problem.is_some()
                ),
                (example.kind, example.version, example.launch_problem),
                "{}: {}",
                own.name,
                example.what
            );
            for other in CLASSIFIERS.iter().filter(|c| c.name != own.name) {
                assert!(
                    (other.classify)(&answers).is_none(),
                    "{} also claims {}'s example: {}",
                    other.name,
                    own.name,
                    example.what
                );
            }
        }
    }
}

#[test]
fn base_examples_read_the_same_through_classify() {
    // The service classifier's examples are read through a typed service URL instead.
    for c in [
        &binderhub::AT_BASE,
        &jupyterhub::HUB,
        &jupyter_server::SERVER,
    ] {
        for example in c.examples {
            let (plan, responses) = example_responses(example);
            let d = classify(&plan, &responses);
            assert_eq!(
                (d.kind, d.version.as_deref(), d.launch_problem.is_some()),
                (example.kind, example.version, example.launch_problem),
                "{}",
                example.what
            );
        }
    }
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
    let urls: Vec<(&str, &str)> = plan
        .probes
        .iter()
        .map(|p| (p.id.as_str(), p.url.as_str()))
        .collect();
    assert_eq!(
        urls[..7],
        [
            ("0:versions", "https://hub.example.edu/jupyter/versions"),
            ("0:hub-api", "https://hub.example.edu/jupyter/hub/api/"),
            ("0:api", "https://hub.example.edu/jupyter/api"),
            ("0:root", "https://hub.example.edu/jupyter/"),
            (
                "0:service-versions",
                "https://hub.example.edu/jupyter/services/binder/versions"
            ),
            (
                "0:service-root",
                "https://hub.example.edu/jupyter/services/binder/"
            ),
            ("0:git-pull", "https://hub.example.edu/jupyter/git-pull"),
        ]
    );
    assert_eq!(plan.probes.len(), 14);
    assert_eq!((plan.timeout_ms, plan.max_body), (5000, 65536));
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
    // A typed service is probed where it is: its versions and its home page.
    let plan = probe_plan("https://h.org/services/my-binder/v2/gh/o/r/HEAD").unwrap();
    assert_eq!(plan.service.as_deref(), Some("services/my-binder/"));
    assert!(plan
        .probes
        .iter()
        .any(|p| p.id == "0:service-root" && p.url == "https://h.org/services/my-binder/"));
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

/// The answers of a JupyterHub at `http://h/`, `service` the answers under `services/binder/`.
fn hub_with(plan: &ProbePlan, version: &str, cors: bool, service: &[Answer]) -> Vec<ProbeResponse> {
    let example = if version == "6.1.1" { 0 } else { 1 };
    let mut responses = responses_of(plan, 0, jupyterhub::HUB.examples[example].answers);
    responses.retain(|r| !r.id.contains("service"));
    if !cors {
        for r in &mut responses {
            r.headers.remove("access-control-allow-origin");
        }
    }
    responses.extend(responses_of(plan, 0, service));
    responses
}

#[test]
fn classifies_jupyterhub_with_and_without_cors() {
    let plan = probe_plan("http://h/").unwrap();
    let d = classify(&plan, &hub_with(&plan, "6.1.1", true, &[]));
    assert_eq!(
        (
            d.kind,
            d.version.as_deref(),
            d.cors,
            d.launch_url.as_deref()
        ),
        (
            HubKind::JupyterHub,
            Some("6.1.1"),
            Some(true),
            Some("http://h/")
        )
    );
    assert_eq!(
        d.message,
        "JupyterHub 6.1.1 — CORS on /hub/api/: books' own launch buttons can detect it too"
    );
    let d = classify(&plan, &hub_with(&plan, "5.2.1", false, &[]));
    assert_eq!((d.kind, d.cors), (HubKind::JupyterHub, Some(false)));
    assert_eq!(
        d.message,
        "JupyterHub 5.2.1 — no CORS on /hub/api/: books' own launch buttons cannot detect it; this extension can"
    );
    // Read under CORS in a browser: the header is hidden, but the browser checked it.
    let mut under_cors = hub_with(&plan, "6.1.1", false, &[]);
    under_cors[1].cors_checked = true;
    assert_eq!(classify(&plan, &under_cors).cors, Some(true));
    // 6.1.1 without the header: the admin removed it.
    let d = classify(&plan, &hub_with(&plan, "6.1.1", false, &[]));
    assert_eq!(
        d.notes[0],
        "JupyterHub 5.3 and later send CORS on /hub/api/ unless the admin set that header"
    );
}

const VERSIONS: &str = r#"{"binderhub": "0.2.0+1763.gfaafab2"}"#;
const FULL_SERVICE: &[Answer] = &[
    Answer::json("service-versions", VERSIONS),
    Answer::html(
        "service-root",
        200,
        "<!DOCTYPE html><html><script>window.pageConfig = {}</script>",
    ),
];
const API_ONLY_SERVICE: &[Answer] = &[
    Answer::json("service-versions", VERSIONS),
    Answer::html("service-root", 404, "404: Not Found"),
];

/// Issue 13: a full BinderHub running as a JupyterHub service is a launch target at the
/// service's URL; the API-only one is not, and launches go to the hub in front.
#[test]
fn tells_a_full_binderhub_service_from_an_api_only_one() {
    let plan = probe_plan("http://h/services/binder/").unwrap();
    let d = classify(&plan, &hub_with(&plan, "6.1.1", true, FULL_SERVICE));
    assert_eq!(
        (d.kind, d.url.as_str(), d.launch_url.as_deref()),
        (
            HubKind::BinderHub,
            "http://h/services/binder/",
            Some("http://h/services/binder/")
        )
    );
    assert_eq!(
        d.message,
        "BinderHub 0.2.0+1763.gfaafab2, running as a service of the JupyterHub 6.1.1 at http://h/"
    );

    let d = classify(&plan, &hub_with(&plan, "6.1.1", true, API_ONLY_SERVICE));
    assert_eq!(
        (d.kind, d.url.as_str(), d.launch_url.as_deref(), d.cors),
        (
            HubKind::BinderHubService,
            "http://h/services/binder/",
            Some("http://h/"),
            Some(true)
        )
    );
    assert_eq!(
        d.message,
        "BinderHub 0.2.0+1763.gfaafab2 in API-only mode (no launch pages): launches go to the JupyterHub 6.1.1 in front of it"
    );
    assert_eq!(
        d.notes[0],
        "JupyterHub 6.1.1 — CORS on /hub/api/: books' own launch buttons can detect it too"
    );

    // The hub itself, typed: a JupyterHub, with a note naming the service for what it is.
    let plan = probe_plan("http://h/").unwrap();
    let d = classify(&plan, &hub_with(&plan, "6.1.1", true, FULL_SERVICE));
    assert_eq!(
        (d.kind, d.launch_url.as_deref()),
        (HubKind::JupyterHub, Some("http://h/"))
    );
    assert_eq!(
        d.notes.last().map(String::as_str),
        Some("a full BinderHub 0.2.0+1763.gfaafab2 runs at http://h/services/binder/: save that URL as your hub to launch Binder links in the environments their repositories specify")
    );
    let d = classify(&plan, &hub_with(&plan, "6.1.1", true, API_ONLY_SERVICE));
    assert_eq!(
        d.notes.last().map(String::as_str),
        Some("a BinderHub 0.2.0+1763.gfaafab2 in API-only mode runs at http://h/services/binder/: not a launch target (no launch pages)")
    );
}

/// Each detection message is one sentence: no message nested inside another.
#[test]
fn messages_read_as_one_sentence_each() {
    let mut all = Vec::new();
    for typed in ["http://h/services/binder/", "http://h/"] {
        let plan = probe_plan(typed).unwrap();
        for service in [FULL_SERVICE, API_ONLY_SERVICE, &[]] {
            for (version, cors) in [("6.1.1", true), ("5.2.1", false)] {
                let d = classify(&plan, &hub_with(&plan, version, cors, service));
                all.push(d.message.clone());
                all.extend(d.notes);
            }
        }
    }
    for text in all {
        let hubs = text.matches("JupyterHub ").count() + text.matches("BinderHub ").count();
        assert!(
            hubs <= 2
                && text.matches(" — ").count() <= 1
                && !text.contains(
                    " — CORS on /hub/api/: books' own launch buttons can detect it too in"
                ),
            "not one sentence: {text}"
        );
        assert!(
            !(text.contains(" — ") && text.contains("in front of it")),
            "a detection message inside another: {text}"
        );
    }
}

#[test]
fn a_typed_service_that_is_not_there_is_the_hub_itself() {
    let plan = probe_plan("http://h/services/nothere/").unwrap();
    let d = classify(&plan, &hub_with(&plan, "5.2.1", false, &[]));
    assert_eq!((d.kind, d.url.as_str()), (HubKind::JupyterHub, "http://h/"));
    assert_eq!(
        d.notes[0],
        "nothing answered as a BinderHub at http://h/services/nothere/"
    );
}

#[test]
fn an_api_only_service_alone_is_no_launch_target() {
    // The binderhub-service shape with nothing in front (tests/servers' binder-service).
    let plan = probe_plan("http://b/services/binder/").unwrap();
    let mut responses = responses_of(&plan, 0, API_ONLY_SERVICE);
    for probe in ["versions", "hub-api", "api", "root"] {
        responses.push(resp(&format!("0:{probe}"), 404, "http://b/", "", &[]));
    }
    let d = classify(&plan, &responses);
    assert_eq!((d.kind, d.launch_url), (HubKind::BinderHubService, None));
    assert_eq!(
        d.message,
        "BinderHub 0.2.0+1763.gfaafab2 in API-only mode (no launch pages), with no JupyterHub answering in front of it: not a launch target"
    );
    // The same API-only mode at a base of its own.
    let plan = probe_plan("http://b/").unwrap();
    let d = classify(
        &plan,
        &responses_of(&plan, 0, binderhub::AT_BASE.examples[3].answers),
    );
    assert_eq!(
        (d.kind, d.launch_url, d.message.as_str()),
        (HubKind::BinderHubService, None, "BinderHub 0+unknown in API-only mode: it has no launch pages, so it is not a launch target")
    );
}

#[test]
fn classifies_jupyter_server_and_its_traps() {
    let plan = probe_plan("http://s/").unwrap();
    // 404 to every probe: unknown, and the message ends with the answers. No advice about
    // `allow_origin`: a refusal for the Origin never reaches the core as an answer
    // (docs/protocols.md §1).
    let refused: Vec<_> = plan
        .probes
        .iter()
        .map(|p| resp(&p.id, 404, &p.url, "", &[]))
        .collect();
    let d = classify(&plan, &refused);
    assert_eq!(d.kind, HubKind::Unknown);
    assert!(d.message.ends_with("404 http://s/)"), "{}", d.message);
    assert!(!d.message.contains("allow_origin"), "{}", d.message);
}

/// The header jupyter_server sends with every page of its own.
const OWN: &[(&str, &str)] = &[(
    "content-security-policy",
    "frame-ancestors 'self'; report-uri /api/security/csp-report",
)];

/// A Jupyter Server's nbgitpuller, from its `git-pull` page: a 404 of its own (its CSP header)
/// says it is missing, in the message and as the launch problem; the login page, a 404 after a
/// redirect, a 404 without the server's name, or no answer say nothing either way.
#[test]
fn says_whether_a_jupyter_server_has_nbgitpuller() {
    let plan = probe_plan("http://s/").unwrap();
    let with = |pull: Option<ProbeResponse>| {
        let mut out = vec![resp(
            "0:api",
            200,
            "http://s/api",
            r#"{"version": "2.21.1"}"#,
            &[],
        )];
        out.extend(pull);
        classify(&plan, &out)
    };
    let login = ProbeResponse {
        redirected: true,
        ..resp(
            "0:git-pull",
            200,
            "http://s/login?next=%2Fgit-pull",
            "<html>",
            &[],
        )
    };
    let missing = with(Some(resp("0:git-pull", 404, "http://s/git-pull", "", OWN)));
    assert_eq!(
        (missing.kind, missing.launch_url.as_deref()),
        (HubKind::JupyterServer, Some("http://s/"))
    );
    assert!(
        missing.message.starts_with(
            "Jupyter Server 2.21.1 — nbgitpuller is not installed or not enabled (git-pull answers 404)"
        ),
        "{}",
        missing.message
    );
    assert!(
        missing.message.contains("pip install nbgitpuller"),
        "{}",
        missing.message
    );
    // The problem on its own, for a front end to warn with; the message says it too.
    let problem = missing.launch_problem.as_deref().unwrap_or_default();
    assert!(
        problem.starts_with("nbgitpuller is not installed"),
        "{problem}"
    );
    assert!(missing.message.ends_with(problem), "{}", missing.message);
    let failed = ProbeResponse {
        error_kind: Some(ProbeErrorKind::Timeout),
        ..resp("0:git-pull", 0, "http://s/git-pull", "", &[])
    };
    let elsewhere = ProbeResponse {
        redirected: true,
        ..resp("0:git-pull", 404, "http://sso.example/login", "", OWN)
    };
    // A 404 without the server's name: a proxy's, or another program's.
    let unnamed = resp("0:git-pull", 404, "http://s/git-pull", "", &[]);
    for unread in [
        with(Some(login)),
        with(Some(elsewhere)),
        with(Some(unnamed)),
        with(None),
        with(Some(failed)),
    ] {
        assert_eq!(unread.message, "Jupyter Server 2.21.1");
        assert_eq!(unread.launch_problem, None);
        assert!(
            unread.notes[0].contains("must have it installed"),
            "{:?}",
            unread.notes
        );
    }
}

/// A hub's strings are data: an odd version is cut, an odd body is no answer, never a panic.
#[test]
fn reads_hostile_bodies_as_data() {
    let plan = probe_plan("http://h/").unwrap();
    let long = format!("{{\"version\": \"{}\"}}", "9".repeat(10_000));
    let hostile = [
        r#"{"version": "6.1.1\u001b[2J\u001b]0;pwned\u0007"}"#,
        r#"{"version": 6}"#,
        r#"{"version": {"nested": "6.1.1"}}"#,
        r#"{"version": "6.1.1""#,
        r#"[{"version": "6.1.1"}]"#,
        "",
        long.as_str(),
    ];
    for body in hostile {
        let responses = vec![resp("0:hub-api", 200, "http://h/hub/api/", body, &[])];
        let d = classify(&plan, &responses);
        if let Some(v) = &d.version {
            assert!(v.chars().count() <= 65, "{v}");
        }
    }
    // The escape sequence is kept as text (the CLI escapes it on output), not interpreted.
    let d = classify(
        &plan,
        &[resp("0:hub-api", 200, "http://h/hub/api/", hostile[0], &[])],
    );
    assert_eq!(
        d.version.as_deref(),
        Some("6.1.1\u{1b}[2J\u{1b}]0;pwned\u{7}")
    );
    let d = classify(
        &plan,
        &[resp("0:hub-api", 200, "http://h/hub/api/", &long, &[])],
    );
    assert_eq!(d.version.map(|v| v.chars().count()), Some(65));
    // A `binderhub` key of any value marks a BinderHub of unknown version.
    let d = classify(
        &plan,
        &[
            resp(
                "0:versions",
                200,
                "http://h/versions",
                r#"{"binderhub": null}"#,
                &[],
            ),
            resp("0:root", 200, "http://h/", "<html>", &[]),
        ],
    );
    assert_eq!(
        (d.kind, d.version.as_deref()),
        (HubKind::BinderHub, Some("(unknown version)"))
    );
}

fn failed(plan: &ProbePlan, kind: Option<ProbeErrorKind>, error: &str) -> Vec<ProbeResponse> {
    plan.probes
        .iter()
        .map(|p| ProbeResponse {
            id: p.id.clone(),
            url: p.url.clone(),
            error: Some(error.into()),
            error_kind: kind,
            ..Default::default()
        })
        .collect()
}

/// Issue 9 defect 6: each way of not answering has its own sentence.
#[test]
fn says_why_a_hub_could_not_be_reached() {
    let plan = probe_plan("http://127.0.0.1:9/").unwrap();
    for (kind, error, want) in [
        (Some(ProbeErrorKind::Refused), "connection refused", "could not reach http://127.0.0.1:9/: connection refused (nothing listens at 127.0.0.1:9)"),
        (Some(ProbeErrorKind::Dns), "x", "could not reach http://127.0.0.1:9/: the host name 127.0.0.1 was not found (DNS)"),
        (Some(ProbeErrorKind::Unreachable), "x", "could not reach http://127.0.0.1:9/: no route to 127.0.0.1 (network unreachable)"),
        (Some(ProbeErrorKind::ConnectTimeout), "x", "could not reach http://127.0.0.1:9/: no connection within 5 s (the host is down, or drops connections)"),
        (Some(ProbeErrorKind::Timeout), "x", "http://127.0.0.1:9/ accepted the connection but sent no answer within 5 s"),
        (Some(ProbeErrorKind::NoAnswer), "x", "could not reach http://127.0.0.1:9/: no answer within 5 s (the host is down, drops connections, or never answers)"),
        (Some(ProbeErrorKind::Incomplete), "x", "http://127.0.0.1:9/ started to answer, but the answer was still arriving after 5 s"),
        (Some(ProbeErrorKind::Closed), "x", "http://127.0.0.1:9/ closed the connection without an answer"),
        (Some(ProbeErrorKind::Tls), "the certificate is not trusted (self-signed, or signed by an unknown authority)", "could not reach http://127.0.0.1:9/ securely: the certificate is not trusted (self-signed, or signed by an unknown authority)"),
        (Some(ProbeErrorKind::Redirects), "a redirect loop: http://127.0.0.1:9/a → http://127.0.0.1:9/a", "http://127.0.0.1:9/ never stops redirecting: a redirect loop: http://127.0.0.1:9/a → http://127.0.0.1:9/a"),
        (Some(ProbeErrorKind::BadResponse), "not an HTTP response", "http://127.0.0.1:9/ answered, but not in HTTP: not an HTTP response"),
        (Some(ProbeErrorKind::Network), "TypeError", "could not reach http://127.0.0.1:9/: no answer (the address is wrong, the host is down or refuses connections, or its certificate is not trusted)"),
        (Some(ProbeErrorKind::Other), "something odd", "could not reach http://127.0.0.1:9/: something odd"),
        (None, "connection refused", "could not reach http://127.0.0.1:9/: connection refused"),
    ] {
        let d = classify(&plan, &failed(&plan, kind, error));
        assert_eq!((d.kind, d.message.as_str()), (HubKind::Unknown, want), "{kind:?}");
    }
    // The deadline the plan had, and the redirects a failed request had followed.
    let mut plan = probe_plan("http://h/").unwrap();
    plan.timeout_ms = 1500;
    let mut responses = failed(&plan, Some(ProbeErrorKind::Timeout), "timed out");
    responses[0].redirected = true;
    responses[0].url = "http://h/hop/3".into();
    assert_eq!(
        classify(&plan, &responses).message,
        "http://h/ accepted the connection but sent no answer within 1.5 s, after redirects to http://h/hop/3"
    );
    // The most telling failure wins: a certificate over a refused second guess.
    let mut mixed = failed(&plan, Some(ProbeErrorKind::Refused), "refused");
    mixed[2].error_kind = Some(ProbeErrorKind::Tls);
    mixed[2].error = Some("the certificate is for another host".into());
    assert_eq!(
        classify(&plan, &mixed).message,
        "could not reach http://h/ securely: the certificate is for another host"
    );
}

#[test]
fn says_when_a_server_only_fails() {
    let plan = probe_plan("http://h/").unwrap();
    let errors: Vec<_> = plan
        .probes
        .iter()
        .map(|p| resp(&p.id, 500, &p.url, "Internal Server Error", &[]))
        .collect();
    let d = classify(&plan, &errors);
    assert_eq!(d.kind, HubKind::Unknown);
    assert!(
        d.message.starts_with("http://h/ answered every request with a server error (500 http://h/versions, 500 http://h/hub/api/"),
        "{}",
        d.message
    );
}

/// The wire format stays readable by and for older runners.
#[test]
fn probe_responses_read_with_or_without_an_error_kind() {
    let read =
        |text: &str| ProbeResponse::read(&serde_json::from_str(text).unwrap(), "[0]").unwrap();
    let old = read(r#"{"id": "0:api", "status": 0, "error": "timed out"}"#);
    assert_eq!(old.error_kind, None);
    let new = read(r#"{"id": "0:api", "errorKind": "connect-timeout"}"#);
    assert_eq!(new.error_kind, Some(ProbeErrorKind::ConnectTimeout));
    let newer = read(r#"{"id": "0:api", "errorKind": "quantum-foam"}"#);
    assert_eq!(newer.error_kind, Some(ProbeErrorKind::Other));
    let json = serde_json::to_string(&new).unwrap();
    assert!(json.contains(r#""errorKind":"connect-timeout""#), "{json}");
}

/// The readers of src/detect/wire.rs take back what the serialisers wrote, and name the field
/// that is wrong in what they cannot read.
#[test]
fn wire_json_reads_back_as_written_and_names_what_is_wrong() {
    for k in ProbeErrorKind::ALL {
        assert_eq!(
            serde_json::to_value(k).unwrap(),
            serde_json::json!(k.name()),
            "{k:?}"
        );
    }
    let plan = crate::probe_plan("http://127.0.0.1:8000/hub/home").unwrap();
    let back = ProbePlan::read(&serde_json::to_value(&plan).unwrap()).unwrap();
    assert_eq!(back, plan);
    let known = crate::probe_plan("mybinder.org").unwrap();
    assert!(known.known.is_some());
    assert_eq!(
        ProbePlan::read(&serde_json::to_value(&known).unwrap()).unwrap(),
        known
    );
    let detection = known.known.clone().unwrap();
    assert_eq!(
        Detection::read(&serde_json::to_value(&detection).unwrap()).unwrap(),
        detection
    );
    // A detection with every optional field set, a launch problem among them.
    let s = crate::probe_plan("http://s/").unwrap();
    let nopull = classify(
        &s,
        &[
            resp(
                "0:api",
                200,
                "http://s/api",
                r#"{"version": "2.21.1"}"#,
                &[],
            ),
            resp("0:git-pull", 404, "http://s/git-pull", "", OWN),
        ],
    );
    assert!(nopull.launch_problem.is_some() && nopull.launch_version.is_some());
    assert_eq!(
        Detection::read(&serde_json::to_value(&nopull).unwrap()).unwrap(),
        nopull
    );
    let response = ProbeResponse {
        id: "0:hub-api".into(),
        status: 200,
        url: "http://h/hub/api/".into(),
        redirected: true,
        headers: [("x-jupyterhub-version".to_string(), "5.2.1".to_string())]
            .into_iter()
            .collect(),
        body: Some("{}".into()),
        error: None,
        error_kind: Some(ProbeErrorKind::NoAnswer),
        cors_checked: true,
    };
    let all = serde_json::json!([response, {}]);
    assert_eq!(
        ProbeResponse::read_all(&all).unwrap(),
        vec![response.clone(), ProbeResponse::default()]
    );
    let mut plan_json = serde_json::to_value(&plan).unwrap();
    plan_json["probes"][1]["url"] = serde_json::json!(5);
    for (value, message) in [
        (plan_json, "probes[1].url: not a string (a number)"),
        (serde_json::json!([]), "not an object (an array)"),
        (
            serde_json::json!({"input": "x", "candidates": []}),
            "probes: missing",
        ),
    ] {
        assert_eq!(ProbePlan::read(&value).unwrap_err(), message);
    }
    for (value, message) in [
        (serde_json::json!({}), "not an array (an object)"),
        (
            serde_json::json!([{}, {"status": "200"}]),
            "[1].status: not an http status (a string)",
        ),
        (
            serde_json::json!([{"status": 70000}]),
            "[0].status: not an http status (a number)",
        ),
        (
            serde_json::json!([{"headers": {"a": 1}}]),
            "[0].headers.a: not a string (a number)",
        ),
        (
            serde_json::json!([{"errorKind": 3}]),
            "[0].errorKind: not an error kind (a number)",
        ),
        (
            serde_json::json!([{"redirected": null}]),
            "[0].redirected: not a boolean (null)",
        ),
    ] {
        assert_eq!(ProbeResponse::read_all(&value).unwrap_err(), message);
    }
    let mut d = serde_json::to_value(&detection).unwrap();
    d["kind"] = serde_json::json!("mainframe");
    assert_eq!(
        Detection::read(&d).unwrap_err(),
        "kind: not a hub kind (a string)"
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

/// The version reader against the `semver` crate (a dev-dependency since the core reads
/// versions itself): the same strings are SemVer, with the same numbers and pre-release, and
/// the 5.3.0 comparison JupyterHub's CORS note makes gives the same answer.
#[test]
fn reads_versions_as_the_semver_crate_does() {
    use super::read::semver_of;
    let parts = [
        "0",
        "1",
        "5",
        "3",
        "00",
        "01",
        "10",
        "18446744073709551615",
        "18446744073709551616",
        ".",
        ".",
        ".",
        "-",
        "+",
        "a",
        "b2",
        "x-y",
        "-0",
        "rc",
        "",
        "é",
        " ",
        "_",
        "0a",
        "007",
    ];
    let mut seed = 5u32;
    let mut cases: Vec<String> = [
        "5.3.0",
        "5.3.0-rc.1",
        "5.3.0+build",
        "5.3.0-",
        "5.3.0+",
        "5.3",
        "5.3.0.1",
        "05.3.0",
        "5.3.0-01",
        "5.3.0-0",
        "5.3.0-a.01",
        "5.3.0+01",
        "5.3.0-a..b",
        "5.3.1-beta",
        "6.0.0b2",
        "5.2.9",
        "1.2.3-a_b",
        "1-2.3.4",
        "1.2.3+b-c",
        "1.2.3+b+c",
        " 5.3.0 ",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as usize % n
    };
    let numbers = ["0", "1", "3", "5", "6", "10", "01", "18446744073709551616"];
    let ids = ["a", "rc", "0", "1", "01", "x-y", "-", "b2", "", "é"];
    for _ in 0..20_000 {
        let mut s = String::new();
        if next(3) == 0 {
            // Parts in any order.
            for _ in 0..next(9) {
                s.push_str(parts[next(parts.len())]);
            }
        } else {
            // Shaped like a version, with now and then a bad part.
            for i in 0..3 {
                if i > 0 {
                    s.push('.');
                }
                s.push_str(numbers[next(numbers.len())]);
            }
            for sign in ["-", "+"] {
                if next(2) == 0 {
                    s.push_str(sign);
                    for i in 0..=next(3) {
                        if i > 0 {
                            s.push('.');
                        }
                        s.push_str(ids[next(ids.len())]);
                    }
                }
            }
        }
        cases.push(s);
    }
    let mut semver_ones = 0;
    for v in &cases {
        let theirs = semver::Version::parse(v).ok();
        let ours = semver_of(v);
        assert_eq!(ours.is_some(), theirs.is_some(), "{v:?}");
        if let (Some(o), Some(t)) = (ours, &theirs) {
            semver_ones += 1;
            assert_eq!(
                (o.major, o.minor, o.patch, o.pre_release),
                (t.major, t.minor, t.patch, !t.pre.is_empty()),
                "{v:?}"
            );
            assert_eq!(
                o.at_least(5, 3, 0),
                *t >= semver::Version::new(5, 3, 0),
                "{v:?}"
            );
        }
    }
    assert!(semver_ones > 500, "only {semver_ones} SemVer strings");
}

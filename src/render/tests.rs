//! The rewrite table of docs/design.md §3, one test per row, with exact outputs.

use super::*;
use crate::Target;

fn hub() -> Target {
    Target::new(TargetKind::JupyterHub, "https://hub.example.edu/").unwrap()
}
fn server() -> Target {
    Target::new(TargetKind::JupyterServer, "http://localhost:8888/").unwrap()
}
fn binder() -> Target {
    Target::new(TargetKind::BinderHub, "https://binder.example.edu/").unwrap()
}
fn out(link: &str, target: &Target) -> (RewriteStatus, String, Vec<String>) {
    let r = rewrite(link, target);
    (
        r.status,
        r.output.or(r.reason).unwrap_or_default(),
        r.warnings,
    )
}

#[test]
fn binder_on_a_binderhub_keeps_path_and_query_byte_for_byte() {
    let link = "https://mybinder.org/v2/gh/o/r/main?labpath=notebooks%2Fx.ipynb&foo=1";
    assert_eq!(
        out(link, &binder()),
        (
            RewriteStatus::Rewritten,
            "https://binder.example.edu/v2/gh/o/r/main?labpath=notebooks%2Fx.ipynb&foo=1".into(),
            vec![]
        )
    );
}

#[test]
fn binder_on_a_jupyterhub_and_a_server_becomes_a_pull() {
    let link = "https://notebooks.gesis.org/binder/v2/gl/a%2Fb%2Fc/v1?urlpath=tree/x.ipynb";
    let (s, url, w) = out(link, &hub());
    assert_eq!(s, RewriteStatus::Rewritten);
    assert_eq!(url, "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgitlab.com%2Fa%2Fb%2Fc&branch=v1&urlpath=tree%2Fc%2Fx.ipynb");
    assert_eq!(
        w,
        ["runs in the hub's environment, not the one the repository specifies"]
    );
    let (_, url, _) = out("https://mybinder.org/v2/gh/o/r/HEAD", &server());
    assert_eq!(url, "http://localhost:8888/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab%2Ftree%2Fr");
}

#[test]
fn pinned_commits_are_dropped_with_a_warning() {
    let (_, url, w) = out(
        "https://mybinder.org/v2/gh/o/r/0123abcd?urlpath=lab/tree/x.ipynb",
        &hub(),
    );
    assert!(!url.contains("branch="), "{url}");
    assert!(
        w.iter()
            .any(|w| w.starts_with("pinned commit 0123abcd dropped")),
        "{w:?}"
    );
}

#[test]
fn data_providers_are_refused_on_hubs_and_servers() {
    for target in [hub(), server()] {
        assert_eq!(
            out(
                "https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/",
                &target
            ),
            (
                RewriteStatus::Refused,
                "zenodo content cannot be pulled with nbgitpuller: only a BinderHub can launch it"
                    .into(),
                vec![]
            )
        );
    }
    assert_eq!(
        out(
            "https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/",
            &binder()
        )
        .0,
        RewriteStatus::Rewritten
    );
}

#[test]
fn binder_plus_pull_keeps_its_environment_on_a_binderhub_and_pulls_on_a_hub() {
    let link = "https://mybinder.org/v2/gh/e/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26urlpath%3Dlab%252Ftree%252Fc%252Fx.ipynb%26branch%3Ddev";
    assert_eq!(
        out(link, &binder()).1,
        link.replace("https://mybinder.org/", "https://binder.example.edu/")
    );
    let (_, url, w) = out(link, &hub());
    assert_eq!(url, "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&branch=dev&urlpath=lab%2Ftree%2Fc%2Fx.ipynb");
    assert_eq!(
        w,
        ["runs in the hub's environment, not the author's environment repository gh/e/env"]
    );
}

#[test]
fn nbgitpuller_keeps_its_query_on_hubs_and_builds_on_a_binderhub() {
    let link = "https://other.edu/jupyter/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=lab%2Ftree%2Fc%2Fx.ipynb&branch=main&depth=1";
    assert_eq!(out(link, &hub()).1, "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=lab%2Ftree%2Fc%2Fx.ipynb&branch=main&depth=1");
    assert_eq!(out(link, &server()).1, "http://localhost:8888/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=lab%2Ftree%2Fc%2Fx.ipynb&branch=main&depth=1");
    let (_, url, w) = out(link, &binder());
    assert_eq!(
        url,
        "https://binder.example.edu/v2/gh/o/c/main?urlpath=lab/tree/x.ipynb"
    );
    assert_eq!(w, ["no environment repository set: BinderHub builds the content repository's own environment"]);
    let with_env = binder()
        .with_env_repo(Some("https://github.com/org/env"))
        .unwrap();
    assert_eq!(
        out(link, &with_env).1,
        // BinderHub's launch page decodes its query twice (decodeURI, then URLSearchParams):
        // every `%` of the nested query is written `%2525` so that nbgitpuller gets its escapes.
        "https://binder.example.edu/v2/gh/org/env/HEAD?urlpath=git-pull%3Frepo%3Dhttps%25253A%25252F%25252Fgithub.com%25252Fo%25252Fc%26branch%3Dmain%26urlpath%3Dlab%25252Ftree%25252Fc%25252Fx.ipynb"
    );
    let other_server = "http://127.0.0.1:9999/git-pull?repo=https%3A%2F%2Fframagit.org%2Fa%2Fb.git";
    assert_eq!(
        out(other_server, &binder()).1,
        "https://binder.example.edu/v2/git/https%3A%2F%2Fframagit.org%2Fa%2Fb.git/HEAD"
    );
}

#[test]
fn colab_becomes_a_binder_launch_or_a_pull() {
    let link = "https://colab.research.google.com/github/o/r/blob/main/nb/x.ipynb";
    assert_eq!(
        out(link, &binder()).1,
        "https://binder.example.edu/v2/gh/o/r/main?urlpath=lab/tree/nb/x.ipynb"
    );
    assert_eq!(out(link, &hub()).1, "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr%2Fnb%2Fx.ipynb");
}

#[test]
fn the_interface_preference_changes_the_urlpath_with_a_warning() {
    let mut t = hub();
    t.interface = Interface::Notebook;
    let (_, url, w) = out(
        "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/x.ipynb",
        &t,
    );
    assert_eq!(url, "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=tree%2Fr%2Fx.ipynb");
    assert!(
        w.contains(
            &"opens in Jupyter Notebook (your preference) instead of JupyterLab".to_string()
        ),
        "{w:?}"
    );
    let mut b = binder();
    b.interface = Interface::Lab;
    assert_eq!(
        out("https://mybinder.org/v2/gh/o/r/HEAD?filepath=x.ipynb", &b).1,
        "https://binder.example.edu/v2/gh/o/r/HEAD?urlpath=lab/tree/x.ipynb"
    );
}

#[test]
fn links_on_the_target_hub_and_turned_off_kinds_are_left_alone() {
    assert_eq!(
        out(
            "https://hub.example.edu/hub/user-redirect/git-pull?repo=x",
            &hub()
        )
        .0,
        RewriteStatus::Unchanged
    );
    let mut t = hub();
    t.link_kinds.colab = false;
    assert_eq!(
        out(
            "https://colab.research.google.com/github/o/r/blob/main/x.ipynb",
            &t
        ),
        (
            RewriteStatus::Skipped,
            "colab links are turned off in settings".into(),
            vec![]
        )
    );
    assert_eq!(out("https://github.com/o/r", &t).0, RewriteStatus::None);
    assert_eq!(
        out("https://mybinder.org/v2/gh/x", &t).0,
        RewriteStatus::Invalid
    );
}

#[test]
fn rewrites_never_leave_the_hub_or_http() {
    for hostile in [
        "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=javascript:alert(1)",
        "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=%2F%2Fevil.example%2F",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=//evil.example/x",
        "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=../../../evil",
    ] {
        for t in [hub(), server(), binder()] {
            let r = rewrite(hostile, &t);
            if let Some(o) = r.output {
                assert!(o.starts_with(t.url()), "{hostile} → {o}");
                let parsed = url::Url::parse(&o).unwrap();
                assert_eq!(parsed.host_str(), url::Url::parse(t.url()).unwrap().host_str(), "{hostile} → {o}");
            }
        }
    }
}

#[test]
fn github_pages_rewrite_only_when_asked() {
    let page = "https://github.com/o/r/blob/main/x.ipynb";
    assert_eq!(rewrite(page, &hub()).status, RewriteStatus::None);
    let r = rewrite_repo_link(page, &hub());
    assert_eq!(r.output.as_deref(), Some("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr%2Fx.ipynb"));
    assert_eq!(
        rewrite_repo_link(page, &binder()).output.as_deref(),
        Some("https://binder.example.edu/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb")
    );
    assert_eq!(
        rewrite_repo_link("https://mybinder.org/v2/gh/o/r/HEAD", &binder()).status,
        RewriteStatus::Rewritten
    );
}

#[test]
fn rebuilt_links_encode_decoded_names_again() {
    let mut b = binder();
    b.interface = Interface::Lab;
    for link in [
        "https://mybinder.org/v2/gh/o/r%3Fx",
        "https://mybinder.org/v2/gh/o/r%23x/HEAD?urlpath=tree/a.ipynb",
        "https://mybinder.org/v2/zenodo/10.5281/zenodo.1%3Fx?urlpath=tree/a.ipynb",
    ] {
        let before = match crate::parse(link).unwrap() {
            crate::Parsed::Launch(l) => l.repo,
            other => panic!("{other:?}"),
        };
        let out = rewrite(link, &b).output.unwrap();
        let after = match crate::parse(&out).unwrap() {
            crate::Parsed::Launch(l) => l.repo,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            before.map(|r| r.spec),
            after.map(|r| r.spec),
            "{link} → {out}"
        );
    }
}

/// Issue 9, defect 1: a page's link must not steer the rewrite elsewhere on the reader's hub.
/// Every source of a path (nbgitpuller branch, targetPath, urlpath; legacy `repo/` links;
/// Colab and GitHub path segments and refs; Binder refs, specs, urlpaths), in every encoding.
#[test]
fn dot_segments_never_reach_the_hub_from_any_source() {
    let issue = "https://hub.example.edu/hub/user-redirect/git-pull?repo=https://github.com/o/r&branch=../../../../../hub/logout";
    let on = Target::new(TargetKind::BinderHub, "https://example.org/binder/").unwrap();
    assert_eq!(
        out(issue, &on),
        (
            RewriteStatus::Refused,
            "ref '../../../../../hub/logout' has a '.' or '..' path segment: left unchanged so that it cannot lead elsewhere on your hub".into(),
            vec![]
        )
    );
    let hostile = [
        issue,
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&branch=%2e%2E/%2E./hub",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&branch=.%252e%252fhub",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&targetPath=..&urlpath=lab/tree/x",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=lab/tree/r/..%2F..%2Fhub",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/..",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=lab%2Ftree%2F.%09.%2Fx",
        "http://mybinder.org/repo/o/r%2F..%2F..%2Fhub",
        "https://mybinder.org/repo/o/r/..%2F..%2Fhub%2Flogout",
        "https://colab.research.google.com/github/o/r/blob/main/..%2F..%2Fhub%2Flogout",
        "https://colab.research.google.com/github/o/r/blob/..%2F..%2Fhub/x.ipynb",
        "https://colab.research.google.com/github/o/..%2F..%2Fhub/blob/main/x.ipynb",
        "https://mybinder.org/v2/gh/o/r/..%2F..%2Fhub%2Flogout",
        "https://mybinder.org/v2/gh/o/r/%252e%252e%252f%252e%252e",
        "https://mybinder.org/v2/gl/a%2F..%2F..%2Fhub/main",
        "https://mybinder.org/v2/git/https%3A%2F%2Fh.org%2F..%2F..%2Fx/main",
        "https://mybinder.org/v2/zenodo/10.5281/..%2F..%2Fhub",
        "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=..%2F..%2Fhub%2Flogout",
        "https://mybinder.org/v2/gh/o/r/HEAD?labpath=..%5C..%5Chub",
        "https://mybinder.org/v2/gh/e/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26branch%3D..%252F..",
        "https://mybinder.org/v2/gh/e/env/main?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26targetPath%3D%252E%252E",
        // An escape spelt with escaped hex digits: `%%32e` and `%2%65` decode to `%2e`, then `.`.
        "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/%25%2532e%25%2532e/hub",
        "https://mybinder.org/v2/gh/o/r/%%32e%%32e%2F%%32e%%32e%2Fhub",
        "https://mybinder.org/v2/gh/o/r/%2%65%2%65",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&branch=%%32E%%32E",
        "https://h.org/hub/user-redirect/git-pull?repo=https://github.com/o/r&urlpath=lab/tree/r/%2%45%2%45/x",
    ];
    let mut lab = binder();
    lab.interface = Interface::Lab;
    let env = binder().with_env_repo(Some("gh/org/env/main")).unwrap();
    let prefixed = Target::new(TargetKind::JupyterHub, "https://h.example/prefix/").unwrap();
    for link in hostile {
        for t in [
            binder(),
            lab.clone(),
            env.clone(),
            hub(),
            prefixed.clone(),
            server(),
        ] {
            let r = rewrite(link, &t);
            // Rewritten without the culprit (a targetPath a BinderHub launch drops), or refused.
            crate::invariants::check_rewrite(link, &t, &r)
                .unwrap_or_else(|e| panic!("{link} → {}: {e}", t.url()));
        }
    }
    let github = "https://github.com/o/r/blob/..%2F..%2Fhub%2Flogout/x.ipynb";
    for t in [binder(), hub(), server()] {
        let r = rewrite_repo_link(github, &t);
        assert!(crate::invariants::is_dot_segment_refusal(&r), "{r:?}");
    }
    // An environment repository with `..` is refused when it is set, not at every link.
    assert_eq!(
        binder()
            .with_env_repo(Some("gh/o/env/..%2F..%2Fhub"))
            .unwrap_err()
            .to_string(),
        "invalid settings: envRepo: ref '../../hub' has a '.' or '..' path segment: left unchanged so that it cannot lead elsewhere on your hub"
    );
}

/// Issue 9, defect 14: a link must not come out broken or read back as something else.
#[test]
fn an_nbgitpuller_repo_that_is_not_a_url_is_refused_on_a_binderhub() {
    let link = "https://other.edu/hub/user-redirect/git-pull?repo=notaurl";
    let (status, reason, _) = out(link, &binder());
    assert_eq!(
        (status, reason.as_str()),
        (
            RewriteStatus::Refused,
            "git repository 'notaurl' is not a clone url a BinderHub can build"
        )
    );
    // On a JupyterHub it is the same query, read by the same nbgitpuller.
    assert_eq!(out(link, &hub()).0, RewriteStatus::Rewritten);
}

#[test]
fn a_question_mark_or_percent_in_a_file_name_is_not_cut_off() {
    for (link, file) in [
        (
            "https://colab.research.google.com/github/o/r/blob/main/a%3Fb.ipynb",
            "a?b.ipynb",
        ),
        (
            "https://github.com/o/r/blob/main/50%25%23.ipynb",
            "50%#.ipynb",
        ),
        // BinderHub's page decodes the query twice: a `?` in a name is `%25253F` there.
        (
            "https://mybinder.org/v2/gh/o/r/HEAD?urlpath=lab/tree/a%25253Fb.ipynb",
            "a?b.ipynb",
        ),
    ] {
        let mut lab = binder();
        lab.interface = Interface::Notebook;
        for t in [binder(), lab, hub(), server()] {
            let r = rewrite_repo_link(link, &t);
            let o = r.output.clone().unwrap_or_else(|| panic!("{link}: {r:?}"));
            let Ok(crate::Parsed::Launch(l)) = crate::parse(&o) else {
                panic!("{o}")
            };
            assert_eq!(l.open.path.as_deref(), Some(file), "{link} → {o}");
        }
    }
}

#[test]
fn a_ref_holding_v2_gh_is_not_read_back_as_another_repository() {
    let link = "https://mybinder.org/v2/gh/o/r/x%2Fv2%2Fgh%2Fevil%2Fevil?urlpath=tree/a.ipynb";
    // Copied byte for byte, the encoded ref stays one ref.
    assert_eq!(
        out(link, &binder()).1,
        "https://binder.example.edu/v2/gh/o/r/x%2Fv2%2Fgh%2Fevil%2Fevil?urlpath=tree/a.ipynb"
    );
    // Rendered (the reader prefers JupyterLab), it cannot be written so that it reads back.
    let mut lab = binder();
    lab.interface = Interface::Lab;
    assert_eq!(
        out(link, &lab).1,
        "gh repository 'o/r' at 'x/v2/gh/evil/evil' would be read back as another link: left unchanged"
    );
    let doi = "https://mybinder.org/v2/zenodo/10.5281%2Fv2%2Fgh%2Fevil%2Fevil?urlpath=tree/a.ipynb";
    assert_eq!(out(doi, &lab).0, RewriteStatus::Refused);
}

/// Issue 13: BinderHub's launch page reads its query with `decodeURI`, then `URLSearchParams`;
/// a `+`, `&` or `%` in a nested nbgitpuller value must reach nbgitpuller intact.
#[test]
fn nested_values_arrive_intact_through_binderhubs_page() {
    let env = binder().with_env_repo(Some("gh/org/env/main")).unwrap();
    for file in [
        "a+b c.ipynb",
        "a&b=c.ipynb",
        "50%.ipynb",
        "%41.ipynb",
        "a#b.ipynb",
    ] {
        let link = format!(
            "https://h.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&branch=a%2Bb&urlpath={}",
            crate::encoding::encode_component(&format!("lab/tree/c/{}", crate::encoding::escape_path(file)))
        );
        let r = rewrite(&link, &env);
        let o = r.output.clone().unwrap_or_else(|| panic!("{link}: {r:?}"));
        let page = crate::invariants::binderhub_page_urlpath(&o).unwrap();
        let inner = page.strip_prefix("git-pull?").unwrap();
        let ps = crate::invariants::form_pairs(inner);
        let get = |k: &str| ps.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("repo"), Some("https://github.com/o/c"), "{o}");
        assert_eq!(get("branch"), Some("a+b"), "{o}");
        let urlpath = get("urlpath").unwrap();
        assert_eq!(
            crate::parse::split_urlpath(Some(urlpath)).rest.as_deref(),
            Some(format!("c/{file}").as_str()),
            "{o}"
        );
        crate::invariants::check_rewrite(&link, &env, &r).unwrap();
        // A plain urlpath (no nested query) with a `%` arrives intact too.
        let mut lab = binder();
        lab.interface = Interface::Lab;
        let plain = format!(
            "https://mybinder.org/v2/gh/o/c/HEAD?urlpath={}",
            crate::encoding::encode_binder_value(
                &format!("tree/{}", crate::encoding::escape_path(file)),
                true
            )
        );
        let o = rewrite(&plain, &lab).output.unwrap();
        let page = crate::invariants::binderhub_page_urlpath(&o).unwrap();
        assert_eq!(
            crate::parse::split_urlpath(Some(&page)).rest.as_deref(),
            Some(file),
            "{o}"
        );
    }
}

/// Found by libFuzzer: a rewrite longer than byob reads was not idempotent (read again, it
/// was `invalid`). Such a rewrite is refused.
#[test]
fn a_rewrite_longer_than_the_limit_is_refused() {
    let link = format!(
        "https://colab.research.google.com/github/o/r/blob/main/{}",
        "%25".repeat(2600)
    );
    assert!(link.len() <= crate::MAX_LINK_LEN);
    for t in [hub(), binder()] {
        let r = rewrite(&link, &t);
        assert_eq!(
            r.status,
            RewriteStatus::Refused,
            "{:?}",
            r.output.map(|o| o.len())
        );
        assert!(
            r.reason
                .as_deref()
                .is_some_and(|m| m.ends_with("bytes long, more than the 8192 byob reads")),
            "{:?}",
            r.reason
        );
        crate::invariants::check_rewrite(&link, &t, &r).unwrap();
    }
}

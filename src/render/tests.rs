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
        "https://binder.example.edu/v2/gh/org/env/HEAD?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26branch%3Dmain%26urlpath%3Dlab%252Ftree%252Fc%252Fx.ipynb"
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

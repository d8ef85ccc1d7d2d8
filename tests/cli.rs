//! The `byob` command as a user runs it: output, stderr and exit codes (docs/design.md §7).
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn byob(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_byob"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run byob");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.stdin.take();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn parse_prints_the_launch_json_or_the_reason() {
    let o = byob(
        &[
            "parse",
            "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb",
        ],
        None,
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["repo"]["spec"], "o/r");
    assert_eq!(v["open"]["path"], "x.ipynb");
    let o = byob(&["parse", "https://github.com/o/r"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "byob: not a launch link: no binder, nbgitpuller or colab form matches\n"
    );
}

#[test]
fn rewrite_converts_arguments_and_stdin_one_line_each() {
    let args = [
        "rewrite",
        "--hub",
        "hub.example.edu",
        "--kind",
        "jupyterhub",
    ];
    let o = byob(
        &[&args[..], &["https://mybinder.org/v2/gh/o/r/main"]].concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr\n");
    let input = "https://mybinder.org/v2/gh/o/r/main\n\nhttps://mybinder.org/v2/zenodo/10.5281/zenodo.1/\nhttps://example.org/\n";
    let o = byob(&args, Some(input));
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<String> = text(&o.stdout).lines().map(String::from).collect();
    assert_eq!(
        lines.len(),
        4,
        "one output line per input line, blank ones too"
    );
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], "https://mybinder.org/v2/zenodo/10.5281/zenodo.1/");
    let err = text(&o.stderr);
    assert!(
        err.contains("zenodo content cannot be pulled with nbgitpuller"),
        "{err}"
    );
    assert!(
        err.contains("https://example.org/: not a launch link"),
        "{err}"
    );
}

#[test]
fn rewrite_to_a_known_binderhub_needs_no_network_and_bad_hubs_exit_2() {
    let o = byob(
        &[
            "rewrite",
            "--hub",
            "gesis.mybinder.org",
            "https://mybinder.org/v2/gh/o/r/HEAD?labpath=x.ipynb",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "https://gesis.mybinder.org/v2/gh/o/r/HEAD?labpath=x.ipynb\n"
    );
    let o = byob(
        &[
            "rewrite",
            "--hub",
            "ftp://x",
            "--kind",
            "jupyterhub",
            "https://mybinder.org/v2/gh/o/r/HEAD",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "byob: invalid hub url: 'ftp://x': only http and https hubs are supported\n"
    );
}

#[test]
fn warnings_that_change_what_opens_are_printed_unless_quiet() {
    let link = "https://mybinder.org/v2/gh/o/r/0123456789abcdef0123456789abcdef01234567";
    let o = byob(
        &[
            "rewrite",
            "--hub",
            "hub.example.edu",
            "--kind",
            "jupyterhub",
            link,
        ],
        None,
    );
    assert!(o.status.success());
    assert!(text(&o.stderr).contains("byob: warning: https://mybinder.org/v2/gh/o/r/0123456789abcdef0123456789abcdef01234567: pinned commit"), "{}", text(&o.stderr));
    let o = byob(
        &[
            "rewrite",
            "-q",
            "--hub",
            "hub.example.edu",
            "--kind",
            "jupyterhub",
            link,
        ],
        None,
    );
    assert_eq!(text(&o.stderr), "");
    let o = byob(
        &[
            "rewrite",
            "--hub",
            "hub.example.edu",
            "--kind",
            "jupyterhub",
            "--env-repo",
            "org/env",
            link,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--env-repo 'org/env' is not a binder link"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn an_unreachable_hub_exits_1_in_detect_and_rewrite() {
    let o = byob(
        &[
            "rewrite",
            "--hub",
            "http://127.0.0.1:9/",
            "https://mybinder.org/v2/gh/o/r/HEAD",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).starts_with("byob: could not reach http://127.0.0.1:9/"),
        "{}",
        text(&o.stderr)
    );
    let o = byob(&["detect", "http://127.0.0.1:9/"], None);
    assert_eq!((o.status.code(), text(&o.stdout).as_str()), (Some(1), ""));
    assert!(text(&o.stderr).starts_with("byob: could not reach"));
    let o = byob(
        &[
            "detect",
            "https://colab.research.google.com/github/o/r/blob/main/x.ipynb",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("is a colab page, not a hub"));
}

#[test]
fn detect_reports_unreachable_hubs_with_exit_1() {
    let o = byob(&["detect", "--json", "http://127.0.0.1:9/"], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "unknown");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("could not reach http://127.0.0.1:9/"));
    let o = byob(&["detect", "mybinder.org"], None);
    assert!(o.status.success());
    assert_eq!(
        text(&o.stdout),
        "https://mybinder.org/: BinderHub (known public BinderHub, recognised without a request)\n"
    );
}

#[test]
fn help_documents_every_command() {
    let o = byob(&["--help"], None);
    let help = text(&o.stdout);
    for word in ["parse", "rewrite", "detect", "Exit status"] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
}

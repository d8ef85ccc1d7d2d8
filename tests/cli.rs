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

/// `byob rewrite -q` to a JupyterHub at hub.example.edu: `links` as arguments, `input` on
/// stdin (read when there are none).
fn rewrite_quietly(links: &[&str], input: &[u8]) -> Output {
    let mut args = vec!["-q"];
    args.extend_from_slice(links);
    byob_bytes(&[&REWRITE_TO_HUB[..], &args].concat(), input)
}

/// `byob rewrite` to a JupyterHub, without detection; the links follow.
const REWRITE_TO_HUB: [&str; 5] = [
    "rewrite",
    "--hub",
    "hub.example.edu",
    "--kind",
    "jupyterhub",
];

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
    let o = byob(
        &[
            &REWRITE_TO_HUB[..],
            &["https://mybinder.org/v2/gh/o/r/main"],
        ]
        .concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&branch=main&urlpath=lab%2Ftree%2Fr\n");
    let input = "https://mybinder.org/v2/gh/o/r/main\n\nhttps://mybinder.org/v2/zenodo/10.5281/zenodo.1/\nhttps://example.org/\n";
    let o = byob(&REWRITE_TO_HUB, Some(input));
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
    // Links read from stdin are named with their line numbers.
    assert!(
        err.contains("byob: line 3: https://mybinder.org/v2/zenodo/10.5281/zenodo.1/: zenodo content cannot be pulled with nbgitpuller"),
        "{err}"
    );
    assert!(
        err.contains("byob: line 4: https://example.org/: not a launch link"),
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
    let o = byob(&[&REWRITE_TO_HUB[..], &[link]].concat(), None);
    assert!(o.status.success());
    assert!(text(&o.stderr).contains("byob: warning: https://mybinder.org/v2/gh/o/r/0123456789abcdef0123456789abcdef01234567: pinned commit"), "{}", text(&o.stderr));
    let o = rewrite_quietly(&[link], b"");
    assert_eq!(text(&o.stderr), "");
    // From stdin, a warning names the line too.
    let o = byob(&REWRITE_TO_HUB, Some(&format!("\n{link}\n")));
    assert!(o.status.success());
    assert!(
        text(&o.stderr).contains(&format!("byob: warning: line 2: {link}: pinned commit")),
        "{}",
        text(&o.stderr)
    );
    let o = byob(
        &[&REWRITE_TO_HUB[..], &["--env-repo", "org/env", link]].concat(),
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--env-repo 'org/env' is not a binder link"),
        "{}",
        text(&o.stderr)
    );
    // An environment repository for a JupyterHub is ignored with a warning, which -q silences.
    let env = [
        "--env-repo",
        "gh/org/env/main",
        "https://mybinder.org/v2/gh/o/r/main",
    ];
    let o = byob(&[&REWRITE_TO_HUB[..], &env].concat(), None);
    assert!(
        o.status.success()
            && text(&o.stderr).contains("--env-repo is used only for a BinderHub; ignored"),
        "{}",
        text(&o.stderr)
    );
    let o = byob(&[&REWRITE_TO_HUB[..], &["-q"], &env].concat(), None);
    assert!(
        o.status.success() && o.stderr.is_empty(),
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

/// `SSL_CERT_FILE` set but empty names no file; one that names no readable PEM file stops
/// detection with a usage error that says so (exit 2), before any request.
#[test]
fn ssl_cert_file_empty_is_unset_and_unreadable_is_a_usage_error() {
    let detect = |value: &str| {
        Command::new(env!("CARGO_BIN_EXE_byob"))
            .args(["detect", "http://127.0.0.1:9/"])
            .env("SSL_CERT_FILE", value)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let o = detect("");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).starts_with("byob: could not reach http://127.0.0.1:9/"));
    let missing = std::env::temp_dir().join("byob-cli-test-no-such-file.pem");
    let o = detect(missing.to_str().unwrap());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).starts_with(&format!(
            "byob: SSL_CERT_FILE {}: not a readable PEM file of CA certificates (",
            missing.display()
        )),
        "{}",
        text(&o.stderr)
    );
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

fn byob_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_byob"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run byob");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// A hub on 127.0.0.1: each request's path gets `answer(path)` (a whole HTTP response), or,
/// for `None`, no answer at all (the connection is held open).
fn hub(answer: fn(&str) -> Option<String>) -> String {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                reader.read_line(&mut first).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let path = first.split(' ').nth(1).unwrap_or("/").to_string();
                match answer(&path) {
                    Some(response) => {
                        let mut stream = stream;
                        stream.write_all(response.as_bytes()).unwrap();
                    }
                    None => std::thread::sleep(std::time::Duration::from_secs(60)),
                }
            });
        }
    });
    url
}

fn http(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
        body.len()
    )
}

/// Issue 9 defect 7: what a hub says is printed as text, never run by the terminal.
#[test]
fn detect_prints_a_hubs_escape_sequences_as_text() {
    let url = hub(|path| {
        Some(if path == "/hub/api/" {
            http(
                "200 OK",
                "Content-Type: application/json\r\n",
                "{\"version\": \"6.1.1\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202e\"}",
            )
        } else {
            http("404 Not Found", "", "")
        })
    });
    let o = byob(&["detect", &url], None);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        out.starts_with(&format!(
            "{url}: JupyterHub 6.1.1\\u{{1b}}[2J\\u{{1b}}]0;pwned\\u{{7}}\\u{{9b}}31m\\u{{202e}} — no CORS"
        )),
        "{out}"
    );
    let o = byob(&["detect", "--json", &url], None);
    let json = text(&o.stdout);
    assert!(
        !json.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
        "{json}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["version"],
        "6.1.1\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}"
    );
}

/// Issue 9 defect 6: one deadline for the whole detection, which --timeout sets.
#[test]
fn detect_gives_up_on_a_silent_hub_at_the_deadline() {
    let url = hub(|_| None);
    let t0 = std::time::Instant::now();
    let o = byob(&["detect", "--timeout", "1", &url], None);
    let took = t0.elapsed();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        format!("byob: {url} accepted the connection but sent no answer within 1 s\n")
    );
    assert!(took.as_secs_f64() < 1.0 + 2.0, "took {took:?}");
    for bad in ["0", "0.01", "601", "soon"] {
        let o = byob(&["detect", "--timeout", bad, &url], None);
        assert_eq!(o.status.code(), Some(2), "--timeout {bad}");
        assert!(text(&o.stderr).contains("--timeout"), "{}", text(&o.stderr));
    }
}

/// A server that answers as no hub: the message names its answers and ends there (no advice
/// about a Jupyter Server's `allow_origin`: a refusal for the Origin never reaches the core as
/// an answer, and the CLI sends none).
#[test]
fn detect_of_a_server_that_is_no_hub_names_its_answers_only() {
    let url = hub(|_| Some(http("404 Not Found", "", "")));
    let o = byob(&["detect", &url], None);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    let start = format!(
        "byob: {url} answered, but not as a BinderHub, JupyterHub or Jupyter Server (404 {url}"
    );
    assert!(err.starts_with(&start), "{err}");
    assert!(err.ends_with(")\n") && err.lines().count() == 1, "{err}");
    assert!(!err.contains("allow_origin"), "{err}");
}

/// Issue 9 defect 13: a line that is not UTF-8 is reported and echoed; the rest is converted.
#[test]
fn rewrite_reads_stdin_past_a_line_that_is_not_utf8() {
    let input = b"https://mybinder.org/v2/gh/o/r/main\nhttps://mybinder.org/v2/gh/\xff\xfe/r\r\nhttps://mybinder.org/v2/gh/o/s/main\n";
    let o = rewrite_quietly(&[], input);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<&[u8]> = o.stdout.split(|b| *b == b'\n').collect();
    assert_eq!(lines.len(), 4, "{:?}", text(&o.stdout));
    assert!(lines[0].starts_with(
        b"https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr"
    ));
    assert_eq!(lines[1], b"https://mybinder.org/v2/gh/\xff\xfe/r");
    assert!(lines[2].starts_with(
        b"https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fs"
    ));
    assert_eq!(
        text(&o.stderr),
        "byob: line 2: not UTF-8 text (byte 28 is not), left unchanged\n"
    );
}

/// A junk line of a megabyte is echoed on stdout (lines stay aligned) but quoted cut in its
/// message: stderr gets one short line, not the megabyte again.
#[test]
fn rewrite_quotes_an_overlong_line_cut() {
    let junk = format!(
        "https://mybinder.org/v2/gh/o/r/main?x={}",
        "a".repeat(1 << 20)
    );
    let input = format!("{junk}\nhttps://mybinder.org/v2/gh/o/s/main\n");
    let o = rewrite_quietly(&[], input.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], junk);
    assert!(
        lines[1].starts_with("https://hub.example.edu/"),
        "{}",
        lines[1]
    );
    let err = text(&o.stderr);
    assert!(err.len() < 600, "{} bytes of messages", err.len());
    assert!(
        err.starts_with("byob: line 1: https://mybinder.org/"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "… ({} bytes): invalid launch link: link is {} bytes long",
            junk.len(),
            junk.len()
        )),
        "{err}"
    );
}

/// Issue 13: a BinderHub URL keeps every path prefix it launches under.
#[test]
fn rewrite_keeps_every_prefix_a_binderhub_launches_under() {
    let link = "https://mybinder.org/v2/gh/org/repo/HEAD?urlpath=lab/tree/x.ipynb";
    for base in [
        "http://127.0.0.1:29610/",
        "http://127.0.0.1:29610/binder/",
        "http://127.0.0.1:29610/services/binder/",
        "http://127.0.0.1:29610/services/my-binder/",
    ] {
        for typed in [base.to_string(), format!("{base}v2/gh/o/r/HEAD")] {
            let o = byob(
                &["rewrite", "--hub", &typed, "--kind", "binderhub", link],
                None,
            );
            assert_eq!(
                text(&o.stdout),
                format!("{base}v2/gh/org/repo/HEAD?urlpath=lab/tree/x.ipynb\n"),
                "--hub {typed}"
            );
        }
    }
    // A JupyterHub's base is in front of its services.
    let o = byob(
        &[
            "rewrite",
            "--hub",
            "https://h.example/services/binder/",
            "--kind",
            "jupyterhub",
            link,
        ],
        None,
    );
    assert!(
        text(&o.stdout).starts_with("https://h.example/hub/user-redirect/git-pull?"),
        "{}",
        text(&o.stdout)
    );
}

/// A hub's strings on stderr are text too: a link from a file can carry escape sequences.
#[test]
fn rewrite_reports_links_as_text() {
    let o = byob(&REWRITE_TO_HUB, Some("https://example.org/\u{1b}[31mred\n"));
    assert_eq!(
        text(&o.stderr),
        "byob: line 1: https://example.org/\\u{1b}[31mred: not a launch link: no binder, nbgitpuller or colab form matches\n"
    );
}

/// `byob rewrite < links | head`: when the reader of the output goes away, byob stops quietly
/// with success (it panicked, exit 101, on the closed pipe).
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_byob"))
        .args(REWRITE_TO_HUB)
        .arg("-q")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run byob");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for _ in 0..200_000 {
            if stdin
                .write_all(b"https://mybinder.org/v2/gh/o/r/HEAD\n")
                .is_err()
            {
                break; // byob has stopped reading: what this test expects
            }
        }
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("https://hub.example.edu/hub/user-redirect/git-pull?"));
    // The reader closes its end here (the BufReader is dropped).
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}

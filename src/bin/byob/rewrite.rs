//! `byob rewrite`: links from the arguments or stdin, one output line per input line.

use crate::cli::{fail, InterfaceArg};
use crate::detect::{detection, NotRun};
use crate::terminal;
use byob::{Interface, RewriteStatus, Target, TargetKind};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// What the command line asked for.
pub struct Options<'a> {
    pub hub: &'a str,
    pub kind: Option<TargetKind>,
    pub interface: InterfaceArg,
    pub env_repo: Option<&'a str>,
    pub timeout_ms: Option<u32>,
    pub quiet: bool,
    pub urls: Vec<String>,
}

/// The `rewrite` command.
pub fn run(o: Options<'_>) -> ExitCode {
    let mut target = match target_for(o.hub, o.kind, o.timeout_ms, o.quiet) {
        Ok(t) => t,
        Err(NotRun(code, message)) => return fail(code, &message),
    };
    if let Some(env) = o.env_repo {
        if target.kind != TargetKind::BinderHub && !o.quiet {
            eprintln!(
                "byob: warning: --env-repo is used only for a BinderHub; ignored for a {}",
                target.kind.as_str()
            );
        }
        target = match target.with_env_repo(Some(env)) {
            Ok(t) => t,
            Err(_) => {
                return fail(
                    2,
                    &format!("--env-repo '{env}' is not a binder link, a spec like gh/org/repo/ref, or a repository url"),
                )
            }
        };
    }
    target.interface = match o.interface {
        InterfaceArg::Follow => Interface::Follow,
        InterfaceArg::Lab => Interface::Lab,
        InterfaceArg::Notebook => Interface::Notebook,
    };
    let mut out = Output {
        target: &target,
        quiet: o.quiet,
        stdout: std::io::stdout().lock(),
        all_ok: true,
    };
    let result = if o.urls.is_empty() {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprintln!("byob: reading links from stdin, one per line (end with Ctrl-D)");
        }
        out.lines(stdin.lock())
    } else {
        o.urls.iter().try_for_each(|u| out.link(u.trim(), None))
    };
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            terminal::quit_on_write_error(&e); // the reader went away (`| head`): quietly
        }
        return fail(1, &e.to_string());
    }
    if out.all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The target for `--hub` and `--kind` (detected when no kind is given), as the core decides
/// (`byob::hubs`): with a kind, the URL that kind launches under (a BinderHub keeps
/// `services/<name>/`); detected, where the detection's launches go (an API-only BinderHub
/// service: the JupyterHub in front of it). Says why its launches would fail, unless `quiet`.
fn target_for(
    hub: &str,
    kind: Option<TargetKind>,
    timeout_ms: Option<u32>,
    quiet: bool,
) -> Result<Target, NotRun> {
    let usage = |e: byob::Error| NotRun(2, e.to_string());
    let (kind, url) = match kind {
        Some(k) => (k, byob::hubs::target_url(k, hub).map_err(usage)?),
        None => {
            let d = detection(hub, timeout_ms)?;
            let Some((kind, url)) = byob::hubs::launch_target(&d) else {
                return Err(NotRun(
                    1,
                    format!("{}; pass --kind to say what the hub is", d.message),
                ));
            };
            if byob::hubs::target_kind(d.kind) != Some(kind) {
                eprintln!("byob: note: {}", crate::terminal::text(&d.message));
            }
            // The links are still converted (they are right once the hub is fixed), but a
            // reader who opens one now gets an error page: say so before any line.
            if let Some(problem) = d.launch_problem.as_ref().filter(|_| !quiet) {
                eprintln!("byob: warning: {url}: {}", crate::terminal::text(problem));
            }
            (kind, url.to_string())
        }
    };
    Target::new(kind, &url).map_err(usage)
}

/// Where converted links go, and whether every link converted.
struct Output<'a, W: Write> {
    target: &'a Target,
    quiet: bool,
    stdout: W,
    all_ok: bool,
}

impl<W: Write> Output<'_, W> {
    /// One output line per input line. A line that is not UTF-8 cannot be a link: it is
    /// echoed as it was (lines stay aligned), reported, and the rest is still converted.
    fn lines(&mut self, mut input: impl BufRead) -> std::io::Result<()> {
        let mut line = Vec::new();
        for number in 1.. {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            let content = line.strip_suffix(b"\n").unwrap_or(&line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            match std::str::from_utf8(content) {
                Ok(text) => self.link(text.trim(), Some(number))?,
                Err(e) => {
                    self.all_ok = false;
                    self.stdout.write_all(content)?;
                    self.stdout.write_all(b"\n")?;
                    eprintln!(
                        "byob: line {number}: not UTF-8 text (byte {} is not), left unchanged",
                        e.valid_up_to() + 1
                    );
                }
            }
        }
        Ok(())
    }

    /// One link; `line` is its line number when it came from stdin, named in its messages.
    fn link(&mut self, link: &str, line: Option<usize>) -> std::io::Result<()> {
        if link.is_empty() {
            // Keep stdout aligned with stdin, line for line.
            return writeln!(self.stdout);
        }
        let r = byob::rewrite(link, self.target);
        // Written only for a message: most links convert without one.
        let shown = || match line {
            Some(n) => format!("line {n}: {}", terminal::link(link)),
            None => terminal::link(link),
        };
        match r.status {
            RewriteStatus::Rewritten => {
                writeln!(self.stdout, "{}", r.output.as_deref().unwrap_or(link))?
            }
            RewriteStatus::Unchanged => writeln!(self.stdout, "{link}")?,
            _ => {
                self.all_ok = false;
                writeln!(self.stdout, "{link}")?;
                eprintln!(
                    "byob: {}: {}",
                    shown(),
                    terminal::text(r.reason.as_deref().unwrap_or("not converted"))
                );
            }
        }
        if !self.quiet && r.status == RewriteStatus::Rewritten && !r.warnings.is_empty() {
            let shown = shown();
            for w in &r.warnings {
                eprintln!("byob: warning: {shown}: {}", terminal::text(w));
            }
        }
        Ok(())
    }
}

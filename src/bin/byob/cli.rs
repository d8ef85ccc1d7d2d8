//! The command line: argument parsing and the three commands.

use crate::http;
use byob::{Detection, HubKind, Interface, Parsed, RewriteStatus, Target, TargetKind};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// Bring Your Own Binder: relaunch Jupyter launch links (Binder, nbgitpuller, Colab) on your own hub.
///
/// Exit status: 0 success; 1 a link was not a launch link, could not be read or converted, or
/// the hub is unknown; 2 usage error or a hub URL that cannot be used.
#[derive(Parser)]
#[command(
    name = "byob",
    version,
    about,
    long_about,
    after_help = "Examples:\n  byob parse 'https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/intro.ipynb'\n  byob rewrite --hub hub.example.edu --kind jupyterhub 'https://mybinder.org/v2/gh/org/book/main'\n  byob rewrite --hub binder.example.edu < links.txt > converted.txt\n  byob detect hub.example.edu --json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print what a launch link launches, as JSON: kind, hub, repo, pull, open, warnings
    /// (exit 1 with the reason if it is not a launch link).
    Parse {
        /// The link to read.
        url: String,
    },
    /// Print each link converted for your hub, one per line (links that cannot be converted are
    /// printed unchanged, with the reason on stderr). Reads links from stdin when none are given.
    Rewrite {
        /// Your hub's URL.
        #[arg(long)]
        hub: String,
        /// What your hub is; detected over the network when omitted.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Which interface to open.
        #[arg(long, value_enum, default_value = "follow")]
        interface: InterfaceArg,
        /// Environment repository for nbgitpuller content on a BinderHub
        /// (a Binder link, gh/org/repo/ref, or a repository URL).
        #[arg(long)]
        env_repo: Option<String>,
        /// Do not print warnings (a pinned commit dropped, another environment, …) on stderr.
        #[arg(long, short)]
        quiet: bool,
        /// Warnings are printed by default; `-v` is still accepted.
        #[arg(long, short, hide = true)]
        verbose: bool,
        /// The links to convert.
        urls: Vec<String>,
    },
    /// Say what a hub is (BinderHub, JupyterHub, Jupyter Server), its version and CORS status.
    Detect {
        /// What you would type: hub.example.edu, https://hub/hub/home, localhost:8888, a Binder link.
        hub: String,
        /// Print the Detection JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Binderhub,
    Jupyterhub,
    JupyterServer,
}

#[derive(Clone, Copy, ValueEnum)]
enum InterfaceArg {
    Follow,
    Lab,
    Notebook,
}

/// Runs the command the arguments name.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse { url } => parse(&url),
        Command::Rewrite {
            hub,
            kind,
            interface,
            env_repo,
            quiet,
            verbose: _,
            urls,
        } => rewrite(&hub, kind, interface, env_repo.as_deref(), quiet, urls),
        Command::Detect { hub, json } => detect(&hub, json),
    }
}

fn parse(url: &str) -> ExitCode {
    match byob::parse(url) {
        Ok(Parsed::Launch(launch)) => match serde_json::to_string_pretty(&launch) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(1, &e.to_string()),
        },
        Ok(Parsed::NotLaunch(reason)) => fail(1, &reason),
        Err(e) => fail(1, &e.to_string()),
    }
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("byob: {message}");
    ExitCode::from(code)
}

fn run_detection(hub: &str) -> Result<Detection, byob::Error> {
    let plan = byob::probe_plan(hub)?;
    let responses = if plan.known.is_some() {
        Vec::new()
    } else {
        http::perform(&plan)
    };
    Ok(byob::classify(&plan, &responses))
}

fn detect(hub: &str, json: bool) -> ExitCode {
    let d = match run_detection(hub) {
        Ok(d) => d,
        Err(e) => return fail(2, &e.to_string()),
    };
    if json {
        match serde_json::to_string_pretty(&d) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(1, &e.to_string()),
        }
    } else if d.kind == HubKind::Unknown {
        eprintln!("byob: {}", d.message);
    } else {
        if d.message.contains(&d.url) {
            println!("{}", d.message);
        } else {
            println!("{}: {}", d.url, d.message);
        }
        if let Some(launch) = d.launch_url.as_deref().filter(|l| *l != d.url) {
            println!("  launches go to {launch}");
        }
        for note in &d.notes {
            println!("  note: {note}");
        }
    }
    if d.kind == HubKind::Unknown {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Why no target could be made: the exit code and the message.
struct NoTarget(u8, String);

fn target_for(hub: &str, kind: Option<KindArg>) -> Result<Target, NoTarget> {
    let usage = |e: byob::Error| NoTarget(2, e.to_string());
    let kind = match kind {
        Some(KindArg::Binderhub) => TargetKind::BinderHub,
        Some(KindArg::Jupyterhub) => TargetKind::JupyterHub,
        Some(KindArg::JupyterServer) => TargetKind::JupyterServer,
        None => {
            let d = run_detection(hub).map_err(usage)?;
            let kind = match d.kind {
                HubKind::BinderHub => TargetKind::BinderHub,
                HubKind::JupyterHub => TargetKind::JupyterHub,
                HubKind::JupyterServer => TargetKind::JupyterServer,
                HubKind::BinderHubService | HubKind::Unknown => {
                    return Err(NoTarget(
                        1,
                        format!("{}; pass --kind to say what the hub is", d.message),
                    ))
                }
            };
            let url = d.launch_url.unwrap_or(d.url);
            return Target::new(kind, &url).map_err(usage);
        }
    };
    Target::new(kind, &byob::hub_base(hub).map_err(usage)?).map_err(usage)
}

fn rewrite(
    hub: &str,
    kind: Option<KindArg>,
    interface: InterfaceArg,
    env_repo: Option<&str>,
    quiet: bool,
    urls: Vec<String>,
) -> ExitCode {
    let mut target = match target_for(hub, kind) {
        Ok(t) => t,
        Err(NoTarget(code, message)) => return fail(code, &message),
    };
    if let Some(env) = env_repo {
        if target.kind != TargetKind::BinderHub {
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
    target.interface = match interface {
        InterfaceArg::Follow => Interface::Follow,
        InterfaceArg::Lab => Interface::Lab,
        InterfaceArg::Notebook => Interface::Notebook,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_ok = true;
    let mut one = |link: &str| -> std::io::Result<()> {
        if link.is_empty() {
            // Keep stdout aligned with stdin, line for line.
            return writeln!(out);
        }
        let r = byob::rewrite(link, &target);
        match r.status {
            RewriteStatus::Rewritten => writeln!(out, "{}", r.output.as_deref().unwrap_or(link))?,
            RewriteStatus::Unchanged => writeln!(out, "{link}")?,
            _ => {
                all_ok = false;
                writeln!(out, "{link}")?;
                eprintln!(
                    "byob: {link}: {}",
                    r.reason.as_deref().unwrap_or("not converted")
                );
            }
        }
        if !quiet && r.status == RewriteStatus::Rewritten {
            for w in &r.warnings {
                eprintln!("byob: warning: {link}: {w}");
            }
        }
        Ok(())
    };
    let result = if urls.is_empty() {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprintln!("byob: reading links from stdin, one per line (end with Ctrl-D)");
        }
        stdin.lock().lines().try_for_each(|line| one(line?.trim()))
    } else {
        urls.iter().try_for_each(|u| one(u.trim()))
    };
    if let Err(e) = result {
        return fail(1, &e.to_string());
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

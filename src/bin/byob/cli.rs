//! The command line: arguments, and the `parse` command; `detect` and `rewrite` have files
//! of their own.

use crate::terminal;
use byob::{Parsed, TargetKind};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Bring Your Own Binder: relaunch Jupyter launch links (Binder, nbgitpuller, Colab) on your own hub.
///
/// Exit status: 0 success; 1 a link was not a launch link, could not be read or converted, or
/// the hub is unknown or unreachable; 2 usage error, a hub URL that cannot be used, or an
/// SSL_CERT_FILE that names no readable PEM file of certificates.
#[derive(Parser)]
#[command(
    name = "byob",
    version,
    after_help = "Examples:\n  byob parse 'https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/intro.ipynb'\n  byob rewrite --hub hub.example.edu --kind jupyterhub 'https://mybinder.org/v2/gh/org/book/main'\n  byob rewrite --hub binder.example.edu < links.txt > converted.txt\n  byob detect hub.example.edu --json\n\nDetection makes its requests in parallel and gives up on the whole after --timeout seconds\n(5 by default). HTTPS hubs are checked against the Mozilla root certificates, plus the CAs in\nthe PEM file SSL_CERT_FILE names, if set."
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
    /// printed unchanged, with the reason on stderr). Reads links from stdin when none are given;
    /// their messages then name the line.
    Rewrite {
        /// Your hub's URL.
        #[arg(long)]
        hub: String,
        /// What your hub is; detected over the network when omitted.
        #[arg(long, value_parser = kind())]
        kind: Option<TargetKind>,
        /// Which interface to open.
        #[arg(long, value_enum, default_value = "follow")]
        interface: InterfaceArg,
        /// Environment repository for nbgitpuller content on a BinderHub
        /// (a Binder link, gh/org/repo/ref, or a repository URL).
        #[arg(long)]
        env_repo: Option<String>,
        /// Give up detecting the hub (without --kind) after this many seconds.
        #[arg(long, value_name = "SECONDS", value_parser = seconds)]
        timeout: Option<u32>,
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
        /// Give up after this many seconds, for the whole detection (redirects included).
        #[arg(long, value_name = "SECONDS", value_parser = seconds)]
        timeout: Option<u32>,
    },
}

/// `--kind`: the kinds of hub the core launches on, by their names (`byob::hubs`).
fn kind() -> impl TypedValueParser<Value = TargetKind> {
    let names: Vec<&'static str> = byob::hubs::target_kinds().map(TargetKind::as_str).collect();
    PossibleValuesParser::new(names).try_map(|name| {
        // Every name offered is a kind's: the parser above refuses any other first.
        byob::hubs::target_kind_named(&name).ok_or_else(|| format!("'{name}' is not a kind of hub"))
    })
}

/// An interface preference given on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum InterfaceArg {
    Follow,
    Lab,
    Notebook,
}

/// `--timeout SECONDS` (decimals allowed) as milliseconds, between 0.1 s and 10 minutes.
fn seconds(s: &str) -> Result<u32, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(0.1..=600.0).contains(&secs) {
        return Err(format!("{s} s is out of range (0.1 to 600 seconds)"));
    }
    // In range, so the product fits a u32.
    Ok((secs * 1000.0).round() as u32)
}

/// Runs the command the arguments name.
pub fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Parse { url } => parse(&url),
        Command::Rewrite {
            hub,
            kind,
            interface,
            env_repo,
            timeout,
            quiet,
            verbose: _,
            urls,
        } => crate::rewrite::run(crate::rewrite::Options {
            hub: &hub,
            kind,
            interface,
            env_repo: env_repo.as_deref(),
            timeout_ms: timeout,
            quiet,
            urls,
        }),
        Command::Detect { hub, json, timeout } => crate::detect::run(&hub, json, timeout),
    }
}

fn parse(url: &str) -> ExitCode {
    match byob::parse(url) {
        Ok(Parsed::Launch(launch)) => match serde_json::to_string_pretty(&launch) {
            Ok(json) => {
                terminal::out(&format!("{}\n", terminal::json(&json)));
                ExitCode::SUCCESS
            }
            Err(e) => fail(1, &e.to_string()),
        },
        Ok(Parsed::NotLaunch(reason)) => fail(1, &reason),
        Err(e) => fail(1, &e.to_string()),
    }
}

/// Prints `byob: <message>` on stderr (as text: nothing in it acts on the terminal) and
/// returns the exit code.
pub fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("byob: {}", terminal::text(message));
    ExitCode::from(code)
}

//! `byob`: read launch links, rewrite them for your hub, and detect what a hub is.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod detect;
#[cfg(not(target_arch = "wasm32"))]
mod http;
#[cfg(not(target_arch = "wasm32"))]
mod rewrite;
#[cfg(not(target_arch = "wasm32"))]
mod terminal;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// The CLI is native-only: on wasm32 this crate is the extension's library, not a program.
#[cfg(target_arch = "wasm32")]
fn main() {}

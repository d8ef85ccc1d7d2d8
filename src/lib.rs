//! Bring Your Own Binder: read any Jupyter launch link and relaunch it on your own hub.
//!
//! ```
//! let target = byob::Target::new(byob::TargetKind::JupyterHub, "https://hub.example.edu/").unwrap();
//! let out = byob::rewrite("https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/intro.ipynb", &target);
//! assert_eq!(
//!     out.output.as_deref(),
//!     Some("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Forg%2Fbook&branch=main&urlpath=lab%2Ftree%2Fbook%2Fintro.ipynb")
//! );
//! ```

#[cfg(any(test, all(target_arch = "wasm32", feature = "hot")))]
mod arena;
pub mod book_hubs;
mod detect;
mod encoding;
mod error;
mod express;
pub mod health;
mod hub_url;
pub mod hubs;
mod json_out;
mod known;
pub mod lean;
pub mod managed;
mod model;
mod parse;
mod provider;
mod render;
pub mod routes;
pub mod settings;
mod small;
mod str_map;
mod text;

pub use detect::{
    classify, probe_plan, Detection, HubKind, Probe, ProbeErrorKind, ProbePlan, ProbeResponse,
};
pub use error::Error;
pub use hub_url::{hub_base, jupyterhub_base, normalize_hub_url};
pub use model::{Launch, LaunchKind, Open, Provider, Pull, Repo, Ui};
pub use parse::{myst_binder_link, parse, parse_repo_link, MystBinder, Parsed, MAX_LINK_LEN};
pub use render::{
    parse_env_repo, render, rewrite, rewrite_href, rewrite_repo_link, Interface, LinkKinds,
    Rendered, Rewrite, RewriteStatus, Target, TargetKind,
};
pub use settings::{Hub, Mode, Settings};

/// The cold Wasm module's facade (src/wasm.rs; its raw exports are wasm32's only): re-exported
/// so the boundary tests can call it, natively and in Wasm.
#[cfg(not(all(target_arch = "wasm32", feature = "hot")))]
pub mod wasm_api {
    pub use crate::wasm::call;
}
#[cfg(all(target_arch = "wasm32", feature = "hot"))]
mod hot;
#[cfg(target_arch = "wasm32")]
mod raw;
#[cfg(not(all(target_arch = "wasm32", feature = "hot")))]
mod wasm;

#[cfg(feature = "fuzzing")]
pub mod fuzz;
#[cfg(any(test, feature = "fuzzing"))]
pub mod invariants;

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

mod error;
mod model;
mod parse;
mod render;

pub use error::Error;
pub use model::{Launch, LaunchKind, Open, Provider, Pull, Repo, Ui};
pub use parse::{parse, Parsed};
pub use render::{render, rewrite, Interface, LinkKinds, Rewrite, RewriteStatus, Target, TargetKind};

#[cfg(target_arch = "wasm32")]
mod wasm;

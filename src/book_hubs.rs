//! A book's own hubs (issue 12 part 3): the hubs a page's launch links point at that are not a
//! usual public one, so the popup can offer to save the book's own BinderHub or JupyterHub in
//! one click (detected first, as a hub the reader types).
//!
//! A hub counts when the page's Binder or nbgitpuller links launch on it and it is neither a
//! known public BinderHub (`src/known.rs`: the mybinder.org federation and the other public
//! BinderHubs books link to) nor already saved. Colab is never one: it is not a hub a reader
//! can save.

use crate::settings::Settings;
use crate::{LaunchKind, Parsed};
use serde::Serialize;

/// A hub a page's links launch on, which the reader could save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BookHub {
    /// Its base URL, as the links name it (what to detect).
    pub url: String,
    /// Its host and path, to show (`hub.example.edu/binder`).
    pub name: String,
    /// The kind of the links that launch on it (`binder`: a BinderHub; `nbgitpuller`: a
    /// JupyterHub or a Jupyter Server).
    pub links_kind: LaunchKind,
    /// How many of the page's links launch on it.
    pub links: usize,
}

/// The hubs the launch links `hrefs` point at that the reader could save: not known public
/// BinderHubs, not saved already. In the order the page first names them; most pages have one.
pub fn book_hubs<S: AsRef<str>>(hrefs: &[S], s: &Settings) -> Vec<BookHub> {
    let mut out: Vec<BookHub> = Vec::new();
    for href in hrefs {
        let Ok(Parsed::Launch(launch)) = crate::parse(href.as_ref()) else {
            continue;
        };
        if launch.kind == LaunchKind::Colab || is_public(&launch.hub) {
            continue;
        }
        if s.hubs.iter().any(|h| same_hub(&h.url, &launch.hub)) {
            continue;
        }
        match out.iter_mut().find(|b| b.url == launch.hub) {
            Some(b) => b.links += 1,
            None => out.push(BookHub {
                name: crate::hubs::display_name(&launch.hub),
                url: launch.hub,
                links_kind: launch.kind,
                links: 1,
            }),
        }
    }
    out
}

/// A known public BinderHub (recognised offline by its host and path).
fn is_public(hub: &str) -> bool {
    crate::parse::web_url(hub).is_ok_and(|u| {
        u.host_str()
            .is_some_and(|host| crate::known::is_known_binderhub(host, u.path()))
    })
}

/// Whether a saved hub and a link's hub are the same place (a trailing slash and the case of
/// the host aside: both are bases as the core writes them).
fn same_hub(saved: &str, link: &str) -> bool {
    crate::hub_base(link).is_ok_and(|b| b == saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_books_own_hubs_are_offered_public_and_saved_ones_are_not() {
        let s: Settings = crate::settings::validate(
            &json!({"version": 2,
                "hubs": [{"url": "https://saved.example.edu/", "name": "saved", "kind": "jupyterhub"}],
                "fallback": true, "siteHubs": [], "interface": "follow", "envRepo": null,
                "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true},
                "mode": "rewrite", "disabledSites": []})
            .to_string(),
        )
        .unwrap();
        let hrefs = [
            // The book's own BinderHub, under a path, twice.
            "https://binder.uni.example.edu/binder/v2/gh/o/book/main?urlpath=lab/tree/a.ipynb",
            "https://binder.uni.example.edu/binder/v2/gh/o/book/main?urlpath=lab/tree/b.ipynb",
            // Public BinderHubs: not offered.
            "https://mybinder.org/v2/gh/o/book/main",
            "https://notebooks.gesis.org/binder/v2/gh/o/book/main",
            "https://binder.projectpythia.org/v2/gh/o/book/main",
            // A course's JupyterHub, through nbgitpuller.
            "https://hub.course.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=tree%2Fc%2Fx.ipynb",
            // Already saved; Colab; not a launch link.
            "https://SAVED.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc",
            "https://colab.research.google.com/github/o/book/blob/main/a.ipynb",
            "https://example.org/page",
        ];
        let got = book_hubs(&hrefs, &s);
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            json!([
                {"url": "https://binder.uni.example.edu/binder/", "name": "binder.uni.example.edu/binder", "linksKind": "binder", "links": 2},
                {"url": "https://hub.course.example.edu/", "name": "hub.course.example.edu", "linksKind": "nbgitpuller", "links": 1}
            ])
        );
        assert!(book_hubs::<&str>(&[], &s).is_empty());
    }
}

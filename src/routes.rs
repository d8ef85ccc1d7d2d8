//! Where a page's launch links go (docs/design.md §6, issue 12 parts 2 and 3): for the pages of
//! each site, the saved hubs in the order links try them, each with its target and, when it is
//! passed over, why. Decided here from the settings (the reader's order, `fallback`,
//! `siteHubs`, `disabledSites`) and the hubs' health; the background only walks a route.
//!
//! **Can launch** is the rewrite's own answer, per link: a hub that refuses a link (a Zenodo
//! link on a JupyterHub: only a BinderHub can build a data repository's environment; a link
//! whose parts cannot be written for that hub) hands it to the next step. Every kind launches
//! Binder links of git repositories (a JupyterHub and a Jupyter Server through nbgitpuller,
//! which must be installed there), nbgitpuller links (a BinderHub with the reader's
//! environment repository, or the content repository itself) and Colab's GitHub notebooks;
//! only a BinderHub launches data repositories (Zenodo, Figshare, HydroShare, Dataverse,
//! CKAN). Whether nbgitpuller is installed on a JupyterHub cannot be seen from outside: a hub
//! saved as a JupyterHub is taken to have it (the options page says so when it is saved).
//!
//! With `fallback` on, a route lists every hub that can launch, the site's own hub first (if
//! it has one), then the reader's order; a hub down at its last check is passed over with
//! its reason, and a hub not checked yet is tried. When every hub is down, the page's links
//! are left as the page has them (the book's own hub may be up). With `fallback` off, a route
//! is the one hub the reader chose for the site, or the first hub, whatever its health.

use crate::health::HealthMap;
use crate::settings::Settings;
use crate::Target;
use serde::Serialize;

/// One hub of a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The hub's URL.
    pub url: String,
    /// Its name, as the reader knows it.
    pub name: String,
    /// What links are rewritten for on it (the reader's preferences included).
    pub target: Target,
    /// Why links pass over it: it is down (its last check's reason). `None`: try it.
    pub down: Option<String>,
}

/// The hubs a page's links try, in order: each link goes to the first step that is not down
/// and does not refuse it. The first step is the hub the page's links go to when every hub is
/// up. Empty: no saved hub can launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Route {
    /// The first step links may go to (not down), if any.
    pub fn first_usable(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.down.is_none())
    }
}

/// The pages of a site (a host name and its subdomains) with a choice of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteRoute {
    /// The site, as stored (lowercase host name).
    pub site: String,
    /// The reader turned the extension off here (`disabledSites`): links are left alone.
    pub off: bool,
    /// The route of its pages (`siteHubs`); `None` when `off`.
    pub route: Option<Route>,
}

/// Every route: the pages of each site with a choice of their own, and all others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routes {
    /// Pages of sites without a choice of their own.
    pub default: Route,
    /// Sites with a choice of their own, sorted; a page takes the most specific that covers
    /// its host (the host itself or a parent domain: `books.example.org` before
    /// `example.org`), else `default` (`extension/fallback.js` `siteRoute`, the one place
    /// that match is made).
    pub sites: Vec<SiteRoute>,
}

/// The route of pages whose links should go to `first` first (a site's own hub), or to the
/// reader's first hub.
pub fn route(s: &Settings, health: &HealthMap, first: Option<&str>) -> Route {
    let chosen = first.and_then(|u| s.hubs.iter().find(|h| h.url == u));
    let ordered = chosen
        .into_iter()
        .chain(s.hubs.iter().filter(|h| Some(h.url.as_str()) != first));
    let launchable = ordered.filter_map(|h| Some((h, s.target_of(h)?)));
    let steps: Vec<Step> = if s.fallback {
        launchable
            .map(|(h, target)| Step {
                url: h.url.clone(),
                name: h.name.clone(),
                target,
                down: health
                    .get(&h.url)
                    .filter(|c| !c.state.usable())
                    .map(|c| c.reason.clone().unwrap_or_else(|| "down".into())),
            })
            .collect()
    } else {
        // The one hub chosen, used whatever its health: the reader turned fallback off.
        launchable
            .take(1)
            .map(|(h, target)| Step {
                url: h.url.clone(),
                name: h.name.clone(),
                target,
                down: None,
            })
            .collect()
    };
    Route { steps }
}

/// Every route of the settings, given the hubs' health.
pub fn routes(s: &Settings, health: &HealthMap) -> Routes {
    let mut sites: Vec<SiteRoute> = s
        .site_hubs
        .iter()
        .map(|r| SiteRoute {
            site: r.site.clone(),
            off: false,
            route: Some(route(s, health, Some(&r.hub))),
        })
        .chain(s.disabled_sites.iter().map(|site| SiteRoute {
            site: site.clone(),
            off: true,
            route: None,
        }))
        .collect();
    crate::small::sort_by_key(&mut sites, |r| r.site.as_str());
    Routes {
        default: route(s, health, None),
        sites,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{Health, State};
    use serde_json::json;

    fn settings(fallback: bool) -> Settings {
        crate::settings::validate(
            &json!({"version": 2,
                "hubs": [{"url": "https://a.example.edu/", "name": "A", "kind": "jupyterhub"},
                         {"url": "https://svc.example.edu/services/binder/", "name": "service", "kind": "binderhub-service"},
                         {"url": "https://b.example.edu/", "name": "B", "kind": "binderhub"},
                         {"url": "http://localhost:8888/", "name": "laptop", "kind": "jupyter-server"}],
                "fallback": fallback,
                "siteHubs": [{"site": "books.example.org", "hub": "http://localhost:8888/"}],
                "interface": "lab", "envRepo": null,
                "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true},
                "mode": "rewrite", "disabledSites": ["example.org", "news.example.com"]})
            .to_string(),
        )
        .unwrap()
    }

    fn down(reason: &str) -> Health {
        Health {
            state: State::Down,
            checked_at: 1,
            ms: 1,
            reason: Some(reason.into()),
            error_kind: None,
            status: None,
        }
    }

    /// A route as (name, down reason) pairs.
    fn shown(r: &Route) -> Vec<(&str, Option<&str>)> {
        r.steps
            .iter()
            .map(|s| (s.name.as_str(), s.down.as_deref()))
            .collect()
    }

    #[test]
    fn with_fallback_links_try_every_hub_that_can_launch_in_the_readers_order() {
        let s = settings(true);
        let mut health = HealthMap::new();
        let r = routes(&s, &health);
        // The API-only service cannot launch: it is no step.
        assert_eq!(
            shown(&r.default),
            [("A", None), ("B", None), ("laptop", None)]
        );
        // The reader's preferences are in every step's target.
        assert!(r
            .default
            .steps
            .iter()
            .all(|s| s.target.interface == crate::Interface::Lab));
        // A hub down at its last check is passed over, with why; one slow or not checked is tried.
        health.insert("https://a.example.edu/".into(), down("connection refused"));
        let mut slow = down("answered in 2.3 s");
        slow.state = State::Slow;
        health.insert("https://b.example.edu/".into(), slow);
        let r = routes(&s, &health);
        assert_eq!(
            shown(&r.default),
            [
                ("A", Some("connection refused")),
                ("B", None),
                ("laptop", None)
            ]
        );
        assert_eq!(r.default.first_usable().map(|s| s.name.as_str()), Some("B"));
        // A site's own hub comes first, then the reader's order.
        let books = &r.sites[0];
        assert_eq!(books.site, "books.example.org");
        assert_eq!(
            shown(books.route.as_ref().unwrap()),
            [
                ("laptop", None),
                ("A", Some("connection refused")),
                ("B", None)
            ]
        );
        // Every hub down: no usable step (the page keeps its links).
        for url in ["https://b.example.edu/", "http://localhost:8888/"] {
            health.insert(url.into(), down("no answer within 4 s"));
        }
        assert!(routes(&s, &health).default.first_usable().is_none());
    }

    #[test]
    fn without_fallback_links_go_to_the_chosen_hub_whatever_its_health() {
        let s = settings(false);
        let mut health = HealthMap::new();
        health.insert("https://a.example.edu/".into(), down("connection refused"));
        let r = routes(&s, &health);
        assert_eq!(shown(&r.default), [("A", None)]);
        assert_eq!(
            shown(r.sites[0].route.as_ref().unwrap()),
            [("laptop", None)]
        );
        // No hub that can launch: an empty route.
        let mut none = s.clone();
        none.hubs
            .retain(|h| h.kind == crate::HubKind::BinderHubService);
        none.site_hubs.clear();
        assert!(route(&none, &health, None).steps.is_empty());
    }

    #[test]
    fn every_site_with_a_choice_has_its_route_and_turned_off_sites_have_none() {
        let r = routes(&settings(true), &HealthMap::new());
        let sites: Vec<(&str, bool, bool)> = r
            .sites
            .iter()
            .map(|s| (s.site.as_str(), s.off, s.route.is_some()))
            .collect();
        assert_eq!(
            sites,
            [
                ("books.example.org", false, true),
                ("example.org", true, false),
                ("news.example.com", true, false)
            ]
        );
        assert_eq!(
            serde_json::to_value(&r.sites[0]).unwrap(),
            json!({"site": "books.example.org", "off": false, "route": {"steps": [
                {"url": "http://localhost:8888/", "name": "laptop", "down": null,
                 "target": {"kind": "jupyter-server", "url": "http://localhost:8888/", "interface": "lab", "envRepo": null,
                            "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}}},
                {"url": "https://a.example.edu/", "name": "A", "down": null,
                 "target": {"kind": "jupyterhub", "url": "https://a.example.edu/", "interface": "lab", "envRepo": null,
                            "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}}},
                {"url": "https://b.example.edu/", "name": "B", "down": null,
                 "target": {"kind": "binderhub", "url": "https://b.example.edu/", "interface": "lab", "envRepo": null,
                            "linkKinds": {"binder": true, "nbgitpuller": true, "colab": true}}}]}})
        );
    }

    #[test]
    fn can_launch_is_the_rewrites_own_answer() {
        // A Zenodo link: the JupyterHub refuses it, the BinderHub takes it. A GitHub Binder
        // link: the first hub takes it.
        let s = settings(true);
        let r = routes(&s, &HealthMap::new());
        let taken_by = |link: &str| {
            r.default
                .steps
                .iter()
                .find(|step| {
                    crate::rewrite(link, &step.target).status != crate::RewriteStatus::Refused
                })
                .map(|step| step.name.as_str())
        };
        assert_eq!(
            taken_by("https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/"),
            Some("B")
        );
        assert_eq!(
            taken_by("https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb"),
            Some("A")
        );
    }
}

//! Public BinderHubs recognised without a network call (docs/protocols.md §1).

/// Known public BinderHubs: (host, base path). The mybinder.org federation, its former
/// members still seen in links, and other public BinderHubs seen in books.
pub(crate) const KNOWN_BINDERHUBS: &[(&str, &str)] = &[
    ("mybinder.org", "/"),
    ("beta.mybinder.org", "/"),
    ("2i2c.mybinder.org", "/"),
    ("gesis.mybinder.org", "/"),
    ("bids.mybinder.org", "/"),
    ("gke.mybinder.org", "/"),
    ("ovh.mybinder.org", "/"),
    ("ovh2.mybinder.org", "/"),
    ("turing.mybinder.org", "/"),
    ("notebooks.gesis.org", "/binder/"),
    ("binder.curvenote.dev", "/"),
    ("binder.pangeo.io", "/"),
    ("binder.projectpythia.org", "/"),
    ("binder.intel4coro.de", "/"),
];

/// Whether `host` (lowercase) serves a known public BinderHub at `path_prefix`.
pub(crate) fn is_known_binderhub(host: &str, path_prefix: &str) -> bool {
    KNOWN_BINDERHUBS
        .iter()
        .any(|(h, p)| *h == host && path_prefix.starts_with(p))
}

/// Whether `host` is one of the known public BinderHub hosts (any path).
pub(crate) fn is_known_binderhub_host(host: &str) -> bool {
    KNOWN_BINDERHUBS.iter().any(|(h, _)| *h == host)
}

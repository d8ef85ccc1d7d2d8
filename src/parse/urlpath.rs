//! What a urlpath (the path inside a started server) opens: the interface and the file.

use crate::Ui;

/// A urlpath split into the interface it opens and the path after the interface's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UiPath {
    pub ui: Ui,
    /// The path after the interface prefix (`a/b.ipynb` in `lab/tree/a/b.ipynb`), if any.
    pub rest: Option<String>,
}

/// Interface prefixes that are followed by a file path.
const FILE_UIS: &[(&str, Ui)] = &[
    ("lab/tree", Ui::Lab),
    ("doc/tree", Ui::Doc),
    ("tree", Ui::Notebook),
    ("notebooks", Ui::Classic),
    ("voila/render", Ui::Voila),
    ("shiny", Ui::Shiny),
];

/// Splits a decoded urlpath (leading `/` allowed) into interface and path.
///
/// `lab/tree/a/b.ipynb` → lab, `a/b.ipynb`; `lab` → lab, none; `rstudio` → rstudio;
/// `proxy/5006/app` → other. A trailing `?autodecode` and trailing `/` are not part of the path.
pub(crate) fn split_urlpath(urlpath: Option<&str>) -> UiPath {
    let Some(raw) = urlpath else {
        return UiPath {
            ui: Ui::Default,
            rest: None,
        };
    };
    let p = raw.trim_start_matches('/');
    let p = p.split_once('?').map_or(p, |(before, _)| before);
    let p = p.split_once('#').map_or(p, |(before, _)| before);
    if p.is_empty() {
        return UiPath {
            ui: Ui::Default,
            rest: None,
        };
    }
    for (prefix, ui) in FILE_UIS {
        if let Some(after) = p.strip_prefix(prefix) {
            if after.is_empty() || after == "/" {
                return UiPath {
                    ui: *ui,
                    rest: None,
                };
            }
            if let Some(rest) = after.strip_prefix('/') {
                let rest = rest.trim_end_matches('/');
                return UiPath {
                    ui: *ui,
                    rest: (!rest.is_empty()).then(|| rest.to_string()),
                };
            }
        }
    }
    let first = p.split('/').next().unwrap_or_default();
    let ui = match first {
        "lab" => Ui::Lab,
        "rstudio" => Ui::Rstudio,
        "vscode" => Ui::Vscode,
        _ => Ui::Other,
    };
    // `lab/workspaces/…` and the like open JupyterLab, but not a file we can follow.
    if ui == Ui::Lab && p.trim_end_matches('/') != "lab" {
        return UiPath {
            ui: Ui::Other,
            rest: None,
        };
    }
    UiPath { ui, rest: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(p: &str) -> (Ui, Option<String>) {
        let u = split_urlpath(Some(p));
        (u.ui, u.rest)
    }

    #[test]
    fn reads_every_interface_of_spec_section_2() {
        assert_eq!(s("lab"), (Ui::Lab, None));
        assert_eq!(s("/lab/"), (Ui::Lab, None));
        assert_eq!(s("lab/tree/x.ipynb"), (Ui::Lab, Some("x.ipynb".into())));
        assert_eq!(s("doc/tree/a/x.ipynb"), (Ui::Doc, Some("a/x.ipynb".into())));
        assert_eq!(s("tree/x"), (Ui::Notebook, Some("x".into())));
        assert_eq!(s("tree"), (Ui::Notebook, None));
        assert_eq!(
            s("notebooks/x.ipynb"),
            (Ui::Classic, Some("x.ipynb".into()))
        );
        assert_eq!(s("rstudio"), (Ui::Rstudio, None));
        assert_eq!(s("shiny/app/"), (Ui::Shiny, Some("app".into())));
        assert_eq!(
            s("voila/render/x.ipynb"),
            (Ui::Voila, Some("x.ipynb".into()))
        );
        assert_eq!(s("proxy/5006/app"), (Ui::Other, None));
        assert_eq!(s("vscode"), (Ui::Vscode, None));
        assert_eq!(s("panel"), (Ui::Other, None));
        assert_eq!(s("lab/workspaces/auto-x"), (Ui::Other, None));
        assert_eq!(s("treeview"), (Ui::Other, None));
        assert_eq!(
            s("lab/tree/x.ipynb?autodecode"),
            (Ui::Lab, Some("x.ipynb".into()))
        );
        assert_eq!(split_urlpath(None).ui, Ui::Default);
    }
}

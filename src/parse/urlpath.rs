//! What a urlpath (the path inside a started server) opens: the interface and the file
//! ([`split_urlpath`]), and the urlpath that opens a file ([`compose_urlpath`]), its inverse.

use crate::encoding::{decode, escape_path};
use crate::Ui;

/// A urlpath split into the interface it opens and the path after the interface's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UiPath {
    pub ui: Ui,
    /// The path after the interface prefix (`a/b.ipynb` in `lab/tree/a/b.ipynb`), if any,
    /// decoded: the file's name as the server will read it (`a%3Fb` names `a?b`).
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
/// `proxy/5006/app` → other. A trailing `?autodecode` (any `?` or `#` starts the URL's query
/// or fragment) and trailing `/` are not part of the path.
pub(crate) fn split_urlpath(urlpath: Option<&str>) -> UiPath {
    let Some(raw) = urlpath else {
        return UiPath {
            ui: Ui::Default,
            rest: None,
        };
    };
    let p = crate::text::trim_start_byte(raw, b'/');
    let p = crate::text::split_once_byte(p, b'?').map_or(p, |(before, _)| before);
    let p = crate::text::split_once_byte(p, b'#').map_or(p, |(before, _)| before);
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
                // `lab/tree///x` opens `x`: the server ignores empty segments.
                return UiPath {
                    ui: *ui,
                    rest: super::file_path(&decode(rest)),
                };
            }
        }
    }
    let first = crate::text::split_byte(p, b'/').next().unwrap_or_default();
    let ui = match first {
        "lab" => Ui::Lab,
        "rstudio" => Ui::Rstudio,
        "vscode" => Ui::Vscode,
        _ => Ui::Other,
    };
    // `lab/workspaces/…` and the like open JupyterLab, but not a file we can follow.
    if ui == Ui::Lab && crate::text::trim_end_byte(p, b'/') != "lab" {
        return UiPath {
            ui: Ui::Other,
            rest: None,
        };
    }
    UiPath { ui, rest: None }
}

/// The urlpath that opens `path` (inside clone directory `dir`, if any) in interface `ui`;
/// `None` for the server's default page. `dir` and `path` are decoded names: characters that
/// would end or change a URL path (`?`, `#`, `%`, `\`) are escaped, so that
/// [`split_urlpath`] reads the same names back.
pub(crate) fn compose_urlpath(ui: Ui, dir: Option<&str>, path: Option<&str>) -> Option<String> {
    let prefix = match ui {
        Ui::Lab => "lab/tree",
        Ui::Doc => "doc/tree",
        Ui::Notebook => "tree",
        Ui::Classic if path.is_some() => "notebooks",
        Ui::Classic => "tree",
        Ui::Voila => "voila/render",
        Ui::Shiny => "shiny",
        Ui::Rstudio => return Some("rstudio/".into()),
        Ui::Vscode => return Some("vscode/".into()),
        Ui::Default | Ui::Other => return None,
    };
    if dir.is_none() && path.is_none() {
        // The interface's root: `lab`, not `lab/tree`.
        return Some(match ui {
            Ui::Lab | Ui::Doc => "lab".into(),
            _ => prefix.into(),
        });
    }
    let mut out = String::with_capacity(
        prefix.len() + 2 + dir.map_or(0, str::len) + path.map_or(0, str::len),
    );
    out.push_str(prefix);
    for part in [dir, path].into_iter().flatten() {
        let part = crate::text::trim_byte(part, b'/');
        if !part.is_empty() && part != "." {
            out.push('/');
            out.push_str(&escape_path(part));
        }
    }
    Some(out)
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

    #[test]
    fn a_question_mark_or_percent_in_a_file_name_survives_compose_then_split() {
        for name in [
            "a?b.ipynb",
            "50%.ipynb",
            "a#b/c d+e.ipynb",
            "x%3Fy",
            "back\\slash",
        ] {
            let u = compose_urlpath(Ui::Lab, Some("r"), Some(name)).unwrap();
            assert_eq!(s(&u), (Ui::Lab, Some(format!("r/{name}"))), "{u}");
        }
        assert_eq!(
            s("lab/tree/a%3Fb.ipynb"),
            (Ui::Lab, Some("a?b.ipynb".into()))
        );
    }
}

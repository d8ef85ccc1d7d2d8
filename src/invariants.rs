//! The rules every rewrite keeps (ARCHITECTURE.md, "Invariants"), checked in one place: the
//! unit tests, the corpus test, the in-tree fuzz harness and every cargo-fuzz target call
//! these functions. Test support only (`cfg(test)` or the `fuzzing` feature): nothing that
//! ships calls them.
//!
//! The checks read outputs with their own code (the `url` crate and a decoder written here),
//! not with the writers' helpers, so that a bug in a writer's rule is not also in its check.

use crate::{parse, rewrite, Launch, Parsed, Provider, Rewrite, RewriteStatus, Target, Ui};
use std::borrow::Cow;

/// Checks one rewrite of `input` for `target` and what follows from it: the output's shape
/// (on the target, http(s), no userinfo, no dot segment in any encoding, nested queries
/// included), the status against what [`parse`] says, idempotence (the output rewritten again
/// is `unchanged`), and fidelity (the output launches what the input launched).
pub fn check_rewrite(input: &str, target: &Target, r: &Rewrite) -> Result<(), String> {
    if r.input != input {
        return Err("the rewrite does not echo its input".into());
    }
    match (r.status, &r.output, &r.reason) {
        (RewriteStatus::Rewritten, Some(_), None) => {}
        (RewriteStatus::Rewritten, _, _) => {
            return Err("a rewritten link has no output, or a reason".into())
        }
        (_, Some(o), _) => return Err(format!("status {:?} with an output {o}", r.status)),
        (_, None, None) => return Err(format!("status {:?} without a reason", r.status)),
        (_, None, Some(reason)) if reason.trim().is_empty() => {
            return Err(format!("status {:?} with an empty reason", r.status))
        }
        _ => {}
    }
    let parsed = parse(input);
    let consistent = match (&parsed, r.status) {
        (Ok(Parsed::Launch(_)), s) => matches!(
            s,
            RewriteStatus::Rewritten
                | RewriteStatus::Unchanged
                | RewriteStatus::Refused
                | RewriteStatus::Skipped
        ),
        (Ok(Parsed::NotLaunch(_)), s) => s == RewriteStatus::None,
        (Err(_), s) => s == RewriteStatus::Invalid,
    };
    if !consistent {
        return Err(format!(
            "status {:?} does not match what parse says: {parsed:?}",
            r.status
        ));
    }
    if let Ok(Parsed::Launch(l)) = &parsed {
        check_launch(l)?;
    }
    match (&r.output, &parsed) {
        (Some(output), Ok(Parsed::Launch(before))) => {
            check_rendered(before, output, target, &r.warnings)
        }
        _ => Ok(()),
    }
}

/// Checks a link rendered for `target` from `before`: the output rules ([`check_output`]),
/// idempotence (rewritten again, it is `unchanged`), and fidelity ([`check_fidelity`]).
pub fn check_rendered(
    before: &Launch,
    output: &str,
    target: &Target,
    warnings: &[String],
) -> Result<(), String> {
    check_output(output, target)?;
    let again = rewrite(output, target);
    if again.status != RewriteStatus::Unchanged {
        return Err(format!(
            "not idempotent: the output {output} rewritten again is {:?} ({:?}, {:?})",
            again.status, again.output, again.reason
        ));
    }
    check_fidelity(before, output, target, warnings)
}

/// What any parsed [`Launch`] must look like: an http(s) hub base ending in `/`, no empty
/// strings where a value is optional, no blank warnings.
pub fn check_launch(l: &Launch) -> Result<(), String> {
    if !(l.hub.starts_with("http://") || l.hub.starts_with("https://")) || !l.hub.ends_with('/') {
        return Err(format!("hub {} is not an http(s) base ending in /", l.hub));
    }
    if l.warnings.iter().any(|w| w.trim().is_empty()) {
        return Err("a blank warning".into());
    }
    if l.open.path.as_deref() == Some("") {
        return Err("an empty path instead of none".into());
    }
    if let Some(p) = &l.pull {
        if p.repo.trim().is_empty() {
            return Err("a pull without a repository".into());
        }
    }
    Ok(())
}

/// The output rules: starts with the target's base, parses as an http(s) URL on the target's
/// host and port with no userinfo, and nothing after the base holds a `.` or `..` path
/// segment, decoded as often as it decodes (the path, every query value, nested queries).
pub fn check_output(output: &str, target: &Target) -> Result<(), String> {
    let base = target.url();
    let Some(after) = output.strip_prefix(base) else {
        return Err(format!("{output} does not start with the target {base}"));
    };
    let url = url::Url::parse(output).map_err(|e| format!("{output} is not a url: {e}"))?;
    let base_url = url::Url::parse(base).map_err(|e| format!("target {base}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{output} is not http(s)"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{output} has userinfo"));
    }
    if url.host_str() != base_url.host_str() || url.port() != base_url.port() {
        return Err(format!("{output} leaves the target's host"));
    }
    if !url.path().starts_with(base_url.path()) {
        return Err(format!("{output} resolves outside the target's path"));
    }
    let after = after.split('#').next().unwrap_or_default();
    if let Some(seg) = dot_segment(after) {
        return Err(format!(
            "{output} has the dot segment '{seg}' after the base"
        ));
    }
    Ok(())
}

/// A `.` or `..` segment in `s`, as written or after any number of percent-decodings (up to
/// 16; a value still changing after that counts as one), segments ending at `/ \ ? # & =`,
/// with tabs and newlines dropped as a browser drops them.
fn dot_segment(s: &str) -> Option<String> {
    let mut v: Cow<'_, str> = Cow::Borrowed(s);
    for _ in 0..16 {
        for seg in v.split(['/', '\\', '?', '#', '&', '=']) {
            let bare: String = seg
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            if bare == "." || bare == ".." {
                return Some(seg.to_string());
            }
        }
        let next = percent_decode_all(&v);
        if next == v {
            return None;
        }
        v = Cow::Owned(next);
    }
    Some(format!("{s} (still decoding after 16 passes)"))
}

/// Decodes every valid `%XX` once, and `+` as a space (the form decoding of a query).
fn percent_decode_all(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A repository's identity, whatever form names it (`https://github.com/o/r.git` = `github.com/o/r`).
pub fn identity(url: &str) -> String {
    let u = url
        .trim_start()
        .trim_end_matches(|c: char| c == '/' || c.is_whitespace())
        .to_ascii_lowercase();
    let u = u
        .split_once("://")
        .map_or(u.as_str(), |(_, r)| r)
        .to_string();
    let u = u
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    u.strip_suffix(".git").unwrap_or(&u).to_string()
}

/// The content repository (what the reader's files come from) and its branch.
pub fn content(l: &Launch) -> Option<(String, Option<String>)> {
    if let Some(p) = &l.pull {
        return Some((identity(&p.repo), p.branch.clone()));
    }
    let repo = l.repo.as_ref()?;
    let r = repo.git_ref.clone().filter(|r| r != "HEAD");
    Some((
        repo.clone_url()
            .map(|c| identity(&c))
            .unwrap_or_else(|| repo.spec.clone()),
        r,
    ))
}

/// The output launches what the input launched: on the target hub, the same environment on
/// a BinderHub (unless the reader's environment repository replaces the original hub's), the
/// same content repository and branch (a pinned commit or a gist's ref may be dropped, with
/// a warning), the same file.
pub fn check_fidelity(
    before: &Launch,
    output: &str,
    target: &Target,
    warnings: &[String],
) -> Result<(), String> {
    let after = match parse(output) {
        Ok(Parsed::Launch(l)) => l,
        other => return Err(format!("the output {output} does not parse: {other:?}")),
    };
    if after.hub != target.url() {
        return Err(format!("the output's hub {} is not the target", after.hub));
    }
    let binderhub = target.kind == crate::TargetKind::BinderHub;
    if binderhub
        && before.pull.is_none()
        && after.repo.as_ref().map(|r| (&r.provider, &r.spec))
            != before.repo.as_ref().map(|r| (&r.provider, &r.spec))
    {
        return Err(format!(
            "repository {:?} became {:?}",
            before.repo, after.repo
        ));
    }
    if binderhub
        && before.pull.is_some()
        && target.env().is_none()
        && before.repo.is_some()
        && after.repo != before.repo
    {
        return Err(format!(
            "environment repository {:?} became {:?}",
            before.repo, after.repo
        ));
    }
    let (c_before, b_before) = content(before).unwrap_or_default();
    let (c_after, b_after) = content(&after).unwrap_or_default();
    if c_before != c_after {
        return Err(format!("content repository {c_before} became {c_after}"));
    }
    let dropped = warnings.iter().any(|w| w.contains("pinned commit"))
        || before
            .repo
            .as_ref()
            .is_some_and(|r| r.provider == Provider::Gist);
    if b_before != b_after && !dropped {
        return Err(format!("branch {b_before:?} became {b_after:?}"));
    }
    let opens_file = !matches!(before.open.ui, Ui::Other | Ui::Rstudio | Ui::Vscode);
    if opens_file && before.open.path != after.open.path {
        return Err(format!(
            "path {:?} became {:?}",
            before.open.path, after.open.path
        ));
    }
    if binderhub {
        check_binderhub_page_reading(output, &after)?;
    }
    Ok(())
}

/// What BinderHub's launch page reads from a link's query: `decodeURI` on the whole query,
/// then `URLSearchParams` (form decoding); the first `urlpath`. `None` without one, or when
/// `decodeURI` would throw.
pub fn binderhub_page_urlpath(link: &str) -> Option<String> {
    let query = link.split('#').next()?.split_once('?')?.1;
    let query = js_decode_uri(query)?;
    form_pairs(&query)
        .into_iter()
        .find(|(k, _)| k == "urlpath")
        .map(|(_, v)| v)
}

/// `URLSearchParams` (and tornado's query parsing): `&`-separated, `+` is a space, `%XX` decoded.
pub fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode_all(k), percent_decode_all(v))
        })
        .collect()
}

/// ECMAScript's `decodeURI`, written from the spec for the checks: `%XX` sequences that form
/// UTF-8 are decoded, except those of `; / ? : @ & = + $ , #`; `None` where it throws.
pub fn js_decode_uri(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let hex2 = |i: usize| -> Option<u8> {
        let t = s.get(i + 1..i + 3)?;
        u8::from_str_radix(t, 16)
            .ok()
            .filter(|_| t.bytes().all(|c| c.is_ascii_hexdigit()))
    };
    while i < b.len() {
        if b[i] != b'%' {
            let c = s[i..].chars().next()?;
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let lead = hex2(i)?;
        let n = match lead.leading_ones() {
            0 => 1,
            2..=4 => lead.leading_ones() as usize,
            _ => return None,
        };
        let mut bytes = vec![lead];
        for k in 1..n {
            if b.get(i + 3 * k) != Some(&b'%') {
                return None;
            }
            bytes.push(hex2(i + 3 * k)?);
        }
        let text = std::str::from_utf8(&bytes).ok()?;
        if n == 1 && ";/?:@&=+$,#".contains(text) {
            out.push_str(&s[i..i + 3]);
        } else {
            out.push_str(text);
        }
        i += 3 * n;
    }
    Some(out)
}

/// A rendered BinderHub link reaches the server as byob reads it: BinderHub's page decodes
/// the urlpath (a nested `git-pull?…` query then goes to nbgitpuller, which form-decodes it
/// once) into the same pull and urlpath that [`parse`] reads from the link.
fn check_binderhub_page_reading(output: &str, after: &Launch) -> Result<(), String> {
    let query = output.split('#').next().unwrap_or_default();
    let query = query.split_once('?').map_or("", |(_, q)| q);
    if query.contains("labpath=") || query.contains("filepath=") {
        // The author's own legacy parameters (a byte-for-byte copy): read as the author wrote.
        return Ok(());
    }
    let Some(page) = binderhub_page_urlpath(output) else {
        return Ok(());
    };
    let page = page.trim_start_matches('/');
    if let Some(inner) = page.strip_prefix("git-pull?") {
        let ps = form_pairs(inner);
        let get = |k: &str| ps.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let Some(pull) = &after.pull else {
            return Err(format!("{output}: the page reads a pull, byob reads none"));
        };
        // nbgitpuller values as byob's reader takes them: trimmed, empty is absent.
        let norm = |v: Option<String>| {
            v.map(|v| v.trim().trim_start_matches('/').to_string())
                .filter(|v| !v.is_empty())
        };
        // nbgitpuller takes `urlpath`, else `urlPath`.
        let urlpath = get("urlpath")
            .filter(|u| !u.trim().is_empty())
            .or_else(|| get("urlPath"));
        let got = (norm(get("repo")), norm(get("branch")), norm(urlpath));
        let want = (
            norm(Some(pull.repo.clone())),
            norm(pull.branch.clone()),
            norm(after.open.urlpath.clone()),
        );
        if got != want {
            return Err(format!(
                "{output}: BinderHub's page and nbgitpuller read {got:?}, byob reads {want:?}"
            ));
        }
    } else if after.pull.is_none()
        && Some(page) != after.open.urlpath.as_deref()
        && !page.is_empty()
    {
        return Err(format!(
            "{output}: BinderHub's page reads the urlpath {page:?}, byob reads {:?}",
            after.open.urlpath
        ));
    }
    Ok(())
}

/// The hot path ([`crate::rewrite_href`]) against the full model ([`rewrite`]) on one input:
/// where the splitter reads the text, the `url` crate serialises it unchanged into the same
/// parts, and the rewrite is the same in every field (status, output, reason, warnings, the
/// parsed launch); where it does not, it defers (`None`). `Ok(true)` when it read the input.
pub fn check_lean(input: &str, target: &Target) -> Result<bool, String> {
    if let crate::parse::Split::Web(link) = crate::parse::split(input) {
        let url = url::Url::parse(input).map_err(|e| {
            format!("the splitter read {input:?}, which the url crate refuses: {e}")
        })?;
        let full = crate::parse::Link::of(&url);
        let parts = |l: &crate::parse::Link<'_>| {
            (
                l.scheme.to_string(),
                l.host.to_string(),
                l.port,
                l.path.to_string(),
                l.query.map(str::to_string),
                l.tail.to_string(),
            )
        };
        if url.as_str() != input || parts(&link) != parts(&full) {
            return Err(format!(
                "the splitter read {input:?} as {:?}; the url crate serialises it as {:?}, {:?}",
                parts(&link),
                url.as_str(),
                parts(&full)
            ));
        }
    }
    let Some(lean) = crate::rewrite_href(input, target) else {
        return Ok(false);
    };
    let full = rewrite(input, target);
    if lean != full {
        return Err(format!(
            "the hot path and the full model differ on {input:?} for {}:\n  hot  {lean:?}\n  full {full:?}",
            target.url()
        ));
    }
    // The hot module's answer (which skips the input and the launch) is this rewrite's JSON.
    if !input.contains('\n') {
        let (mut answer, mut expected) = (String::new(), String::from("["));
        crate::lean::answer_batch(input, target, &mut answer);
        crate::lean::write_rewrite(&full, &mut expected);
        expected.push(']');
        if answer != expected {
            return Err(format!(
                "the hot path's answer differs from the full model's on {input:?} for {}:\n  hot  {answer}\n  full {expected}",
                target.url()
            ));
        }
    }
    check_rewrite(input, target, &lean)?;
    Ok(true)
}

/// The refusal reason of a link whose parts would put a `.` or `..` segment on the hub.
pub fn is_dot_segment_refusal(r: &Rewrite) -> bool {
    r.status == RewriteStatus::Refused
        && r.reason
            .as_deref()
            .is_some_and(|m| m.contains("has a '.' or '..' path segment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_in_every_encoding() {
        for s in [
            "v2/gh/o/r/..",
            "v2/gh/o/r/%2e%2E",
            "v2/gh/o/r/a%252F..%252Fb",
            "x?urlpath=lab/tree/.",
            "x?urlpath=git-pull%3Frepo%3Dx%26targetPath%3D..",
            "a/.%09./b",
            "a\\..\\b",
        ] {
            assert!(dot_segment(s).is_some(), "{s}");
        }
        for s in [
            "v2/gh/o/r/main",
            "a/...",
            "a/.b/c",
            "x?urlpath=lab/tree/v1.0..2",
        ] {
            assert_eq!(dot_segment(s), None, "{s}");
        }
    }
}

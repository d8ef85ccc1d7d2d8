//! Settings read from one `serde_json::Value` by small readers instead of serde's derived
//! deserialisers, which cost the cold Wasm module several KB each (docs/benchmarks.md, "size
//! (fourth round)"). They accept exactly what the derived ones accepted, in the same shapes
//! (a struct as an object or, as serde allows, as an array of its fields in order; an enum as
//! its name or as a one-member object `{"<name>": null}`; `Option`s missing or `null` are
//! `None`), and refuse what they refused with serde's wording (`unknown variant `loud`,
//! expected `rewrite` or `private``, `missing field `kind``), the field's path in front
//! (`hubs[1].kind: …`) where serde gave a line and column. Syntax errors are serde_json's own,
//! line and column kept ([`parse`]).
//!
//! One difference, on purpose: [`parse`] refuses a repeated key in any object of the file
//! (`duplicate field `mode``), as the derived readers did for every field they knew; they let
//! a repeated key pass only where they ignored the member (`linkKinds` ignores unknown ones).

use super::{Hub, Mode, Settings, SiteHub, V1};
use crate::detect::HubKind;
use crate::render::{Interface, LinkKinds};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parses JSON text into a `Value`, refusing an object with a repeated key. Errors are
/// serde_json's, with their line and column.
pub(crate) fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The `Value` visitor that refuses repeated keys (serde_json's own keeps the last).
#[derive(Clone, Copy)]
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a json value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        // JSON text holds no NaN or infinity: every number it parses is finite.
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let value = map.next_value_seed(self)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// A message about the value at `at` (nothing in front at the top).
pub(crate) fn at_err(at: &str, message: impl fmt::Display) -> String {
    if at.is_empty() {
        message.to_string()
    } else {
        format!("{at}: {message}")
    }
}

/// The path of member `key` of the value at `at`.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// A value as serde's messages name what they got (`string "yes"`, `integer `5``, `map`).
/// Floats are written by serde_json's `Number` (no float formatting of std's in the module).
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// serde's "invalid type" message.
pub(crate) fn invalid_type(v: &Value, at: &str, expected: &str) -> String {
    at_err(
        at,
        format_args!("invalid type: {}, expected {expected}", unexpected(v)),
    )
}

/// serde's list of what was expected: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".into(),
        [a] => format!("`{a}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

pub(crate) fn bool_at(v: &Value, at: &str) -> Result<bool, String> {
    v.as_bool().ok_or_else(|| invalid_type(v, at, "a boolean"))
}

pub(crate) fn string_at(v: &Value, at: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid_type(v, at, "a string"))
}

/// A string or `null` (`None`).
pub(crate) fn opt_string_at(v: &Value, at: &str) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        other => string_at(other, at).map(Some),
    }
}

/// An unsigned integer up to `max` as serde reads one into the type `name` (`u32`): an integer
/// in range (`2.0` is not one).
pub(crate) fn uint_at(v: &Value, at: &str, max: u64, name: &str) -> Result<u64, String> {
    match v {
        Value::Number(n) if !n.is_f64() => n.as_u64().filter(|n| *n <= max).ok_or_else(|| {
            at_err(
                at,
                format_args!("invalid value: integer `{n}`, expected {name}"),
            )
        }),
        other => Err(invalid_type(other, at, name)),
    }
}

fn u32_at(v: &Value, at: &str) -> Result<u32, String> {
    uint_at(v, at, u32::MAX.into(), "u32").map(|n| n as u32)
}

/// Each element of an array, read by `read` with its path (`hubs[1]`).
pub(crate) fn seq_at<T>(
    v: &Value,
    at: &str,
    read: impl Fn(&Value, &str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let items = v
        .as_array()
        .ok_or_else(|| invalid_type(v, at, "a sequence"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| read(item, &format!("{at}[{i}]")))
        .collect()
}

/// A unit enum (`enum`, for messages) by its name, or as serde_json also reads one, a
/// one-member object `{"<name>": null}`.
pub(crate) fn variant_at<T: Copy>(
    v: &Value,
    at: &str,
    name: &str,
    variants: &[(&str, T)],
) -> Result<T, String> {
    let named = |s: &str| {
        variants
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
                at_err(
                    at,
                    format_args!("unknown variant `{s}`, expected {}", one_of(&names)),
                )
            })
    };
    match v {
        Value::String(s) => named(s),
        Value::Object(map) if map.len() == 1 => {
            let (key, inner) = map.iter().next().ok_or_else(|| invalid_type(v, at, name))?;
            let t = named(key)?;
            match inner {
                Value::Null => Ok(t),
                other => Err(invalid_type(other, at, "unit")),
            }
        }
        other => Err(invalid_type(other, at, &format!("enum {name}"))),
    }
}

pub(crate) fn hub_kind_at(v: &Value, at: &str) -> Result<HubKind, String> {
    variant_at(
        v,
        at,
        "HubKind",
        &[
            ("binderhub", HubKind::BinderHub),
            ("binderhub-service", HubKind::BinderHubService),
            ("jupyterhub", HubKind::JupyterHub),
            ("jupyter-server", HubKind::JupyterServer),
            ("unknown", HubKind::Unknown),
        ],
    )
}

pub(crate) fn mode_at(v: &Value, at: &str) -> Result<Mode, String> {
    variant_at(
        v,
        at,
        "Mode",
        &[("rewrite", Mode::Rewrite), ("private", Mode::Private)],
    )
}

pub(crate) fn interface_at(v: &Value, at: &str) -> Result<Interface, String> {
    variant_at(
        v,
        at,
        "Interface",
        &[
            ("follow", Interface::Follow),
            ("lab", Interface::Lab),
            ("notebook", Interface::Notebook),
        ],
    )
}

/// The fields of a struct being read: an object's members by name, or (as serde reads a struct
/// from an array) its elements by position in `names`.
pub(crate) struct Fields<'a> {
    map: Option<&'a Map<String, Value>>,
    seq: &'a [Value],
    names: &'static [&'static str],
    at: &'a str,
}

impl<'a> Fields<'a> {
    /// Opens the struct `name` at `at`: an object (its members all in `names` when
    /// `deny_unknown`), or an array of `min..=names.len()` elements.
    pub(crate) fn open(
        v: &'a Value,
        at: &'a str,
        name: &str,
        names: &'static [&'static str],
        min: usize,
        deny_unknown: bool,
    ) -> Result<Fields<'a>, String> {
        match v {
            Value::Object(map) => {
                if deny_unknown {
                    if let Some(key) = map.keys().find(|k| !names.contains(&k.as_str())) {
                        return Err(at_err(
                            at,
                            format_args!("unknown field `{key}`, expected {}", one_of(names)),
                        ));
                    }
                }
                Ok(Fields {
                    map: Some(map),
                    seq: &[],
                    names,
                    at,
                })
            }
            Value::Array(items) if (min..=names.len()).contains(&items.len()) => Ok(Fields {
                map: None,
                seq: items,
                names,
                at,
            }),
            Value::Array(items) => Err(at_err(
                at,
                format_args!(
                    "invalid length {}, expected struct {name} with {} elements",
                    items.len(),
                    names.len()
                ),
            )),
            other => Err(invalid_type(other, at, &format!("struct {name}"))),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map {
            Some(map) => map.get(key),
            None => self
                .names
                .iter()
                .position(|n| *n == key)
                .and_then(|i| self.seq.get(i)),
        }
    }

    /// A field that must be there.
    pub(crate) fn required<T>(
        &self,
        key: &str,
        read: impl Fn(&Value, &str) -> Result<T, String>,
    ) -> Result<T, String> {
        match self.get(key) {
            Some(v) => read(v, &join(self.at, key)),
            None => Err(at_err(self.at, format_args!("missing field `{key}`"))),
        }
    }

    /// A field that may be missing (then `default`).
    pub(crate) fn or<T>(
        &self,
        key: &str,
        read: impl Fn(&Value, &str) -> Result<T, String>,
        default: T,
    ) -> Result<T, String> {
        match self.get(key) {
            Some(v) => read(v, &join(self.at, key)),
            None => Ok(default),
        }
    }
}

const HUB_FIELDS: &[&str] = &["url", "name", "kind", "version", "cors"];

/// A saved hub (`version` and `cors` may be missing or `null`).
pub(crate) fn hub_at(v: &Value, at: &str) -> Result<Hub, String> {
    let f = Fields::open(v, at, "Hub", HUB_FIELDS, 3, true)?;
    Ok(Hub {
        url: f.required("url", string_at)?,
        name: f.required("name", string_at)?,
        kind: f.required("kind", hub_kind_at)?,
        version: f.or("version", opt_string_at, None)?,
        cors: f.or(
            "cors",
            |v, at| match v {
                Value::Null => Ok(None),
                other => bool_at(other, at).map(Some),
            },
            None,
        )?,
    })
}

pub(crate) fn site_hub_at(v: &Value, at: &str) -> Result<SiteHub, String> {
    let f = Fields::open(v, at, "SiteHub", &["site", "hub"], 2, true)?;
    Ok(SiteHub {
        site: f.required("site", string_at)?,
        hub: f.required("hub", string_at)?,
    })
}

/// Which link kinds to relaunch: every field may be missing (then on); unknown ones are ignored.
pub(crate) fn link_kinds_at(v: &Value, at: &str) -> Result<LinkKinds, String> {
    let f = Fields::open(
        v,
        at,
        "LinkKinds",
        &["binder", "nbgitpuller", "colab"],
        0,
        false,
    )?;
    let d = LinkKinds::default();
    Ok(LinkKinds {
        binder: f.or("binder", bool_at, d.binder)?,
        nbgitpuller: f.or("nbgitpuller", bool_at, d.nbgitpuller)?,
        colab: f.or("colab", bool_at, d.colab)?,
    })
}

fn strings_at(v: &Value, at: &str) -> Result<Vec<String>, String> {
    seq_at(v, at, string_at)
}

/// An optional field of a struct read from an object: missing or `null` is `None`; in an
/// array every field is there ([`Fields::open`] checked the length).
pub(crate) fn optional<T>(
    f: &Fields,
    key: &str,
    read: impl Fn(&Value, &str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    f.or(
        key,
        |v, at| match v {
            Value::Null => Ok(None),
            other => read(other, at).map(Some),
        },
        None,
    )
}

const SETTINGS_FIELDS: &[&str] = &[
    "version",
    "hubs",
    "fallback",
    "siteHubs",
    "interface",
    "envRepo",
    "linkKinds",
    "mode",
    "disabledSites",
];

/// Settings of the current schema, as stored (not yet checked: [`super::validate`] checks).
pub(crate) fn settings_at(v: &Value, at: &str) -> Result<Settings, String> {
    let f = Fields::open(
        v,
        at,
        "Settings",
        SETTINGS_FIELDS,
        SETTINGS_FIELDS.len(),
        true,
    )?;
    Ok(Settings {
        version: f.required("version", u32_at)?,
        hubs: f.required("hubs", |v, at| seq_at(v, at, hub_at))?,
        fallback: f.required("fallback", bool_at)?,
        site_hubs: f.required("siteHubs", |v, at| seq_at(v, at, site_hub_at))?,
        interface: f.required("interface", interface_at)?,
        env_repo: optional(&f, "envRepo", string_at)?,
        link_kinds: f.required("linkKinds", link_kinds_at)?,
        mode: f.required("mode", mode_at)?,
        disabled_sites: f.required("disabledSites", strings_at)?,
    })
}

const V1_FIELDS: &[&str] = &[
    "version",
    "hubs",
    "activeHub",
    "interface",
    "envRepo",
    "linkKinds",
    "mode",
    "disabledSites",
];

/// Settings of schema version 1.
pub(super) fn v1_at(v: &Value) -> Result<V1, String> {
    let f = Fields::open(v, "", "V1", V1_FIELDS, V1_FIELDS.len(), true)?;
    Ok(V1 {
        version: f.required("version", u32_at)?,
        hubs: f.required("hubs", |v, at| seq_at(v, at, hub_at))?,
        active_hub: optional(&f, "activeHub", string_at)?,
        interface: f.required("interface", interface_at)?,
        env_repo: optional(&f, "envRepo", string_at)?,
        link_kinds: f.required("linkKinds", link_kinds_at)?,
        mode: f.required("mode", mode_at)?,
        disabled_sites: f.required("disabledSites", strings_at)?,
    })
}

/// Settings JSON of the current schema as stored (any caller's `settings` argument): its syntax
/// errors with their line and column, its field errors with the field's path.
pub fn settings_from_json(text: &str) -> Result<Settings, String> {
    let v = parse(text).map_err(|e| e.to_string())?;
    settings_at(&v, "")
}

/// A part of a file (one member's JSON text), or why it is not JSON, without serde's position
/// in the part (which means nothing to the reader: the field is named instead).
pub(super) fn part(raw: &str) -> Result<Value, String> {
    parse(raw).map_err(|e| {
        let text = e.to_string();
        let at = format!(" at line {} column {}", e.line(), e.column());
        text.strip_suffix(&at).map_or(text.clone(), str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{migrate, validate, Mode};
    use crate::render::Interface;

    /// The shapes serde's derived readers accepted stay accepted: a struct as an array of its
    /// fields, an enum as a one-member object, `Option`s missing; and what they refused is
    /// refused with the field's path, syntax errors with their line and column.
    #[test]
    fn settings_read_in_every_shape_serde_read_with_the_field_named() {
        let arrays = r#"[2, [["https://hub.example.edu", "h", "jupyterhub"]], true, [],
            {"lab": null}, null, [true, false], {"private": null}, ["off.example.org"]]"#;
        let s = validate(arrays).unwrap();
        assert_eq!(s.hubs[0].url, "https://hub.example.edu/");
        assert_eq!(s.hubs[0].version, None);
        assert_eq!(s.interface, Interface::Lab);
        assert_eq!(s.mode, Mode::Private);
        assert!(s.link_kinds.binder && !s.link_kinds.nbgitpuller && s.link_kinds.colab);
        let v1 = r#"{"version": 1, "hubs": [], "interface": "follow",
            "linkKinds": {"colab": false, "other": 1}, "mode": "rewrite", "disabledSites": []}"#;
        assert!(!migrate(v1).unwrap().link_kinds.colab);
        let err = |json: &str| validate(json).unwrap_err().to_string();
        let base = r#""version": 2, "hubs": [], "fallback": true, "siteHubs": [],
            "interface": "follow", "envRepo": null, "linkKinds": {}, "disabledSites": []"#;
        assert_eq!(
            err(&format!(r#"{{{base}, "mode": "loud"}}"#)),
            "invalid settings: mode: unknown variant `loud`, expected `rewrite` or `private`"
        );
        assert_eq!(
            err(&format!(r#"{{{base}, "mode": {{"rewrite": 1}}}}"#)),
            "invalid settings: mode: invalid type: integer `1`, expected unit"
        );
        assert_eq!(
            err(r#"{"version": 2, "hubs": [{"url": "https://a.example.edu/", "name": "a", "kind": 1.5}]}"#),
            "invalid settings: hubs[0].kind: invalid type: floating point `1.5`, expected enum HubKind"
        );
        assert_eq!(
            err(r#"{"version": 2.0}"#),
            "invalid settings: version: invalid type: floating point `2.0`, expected u32"
        );
        assert_eq!(
            err(&format!(r#"{{{base}}}"#)),
            "invalid settings: missing field `mode`"
        );
        assert_eq!(
            err(r#"[2, []]"#),
            "invalid settings: invalid length 2, expected struct Settings with 9 elements"
        );
        // A repeated key is refused where it is, with its line and column, as serde did.
        assert_eq!(
            err(&format!(
                "{{{base},\n \"mode\": \"rewrite\", \"mode\": \"private\"}}"
            )),
            "invalid settings: duplicate field `mode` at line 3 column 26"
        );
        // Syntax errors keep serde_json's line and column.
        assert_eq!(
            err("{\"version\": 2,\n  \"hubs\": [\n}"),
            "invalid settings: expected value at line 3 column 1"
        );
    }
}

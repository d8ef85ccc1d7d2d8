//! Compact JSON text from any `Serialize` value, as `serde_json::to_string` writes it, with
//! less code in the cold Wasm module (docs/design.md §10's size budget).
//!
//! serde_json's serializer is generic over its writer and formatter and inlines a key's
//! writing into every struct field of every answer type (one `serialize_entry` instance per
//! field type, 45 of them, and one `collect_seq` per element type): about 9 KB of Wasm. Here
//! every piece of punctuation, every key and every string goes through one non-generic
//! function, so what stays per type is the derived `Serialize` impl's own calls. Floats are
//! still written by serde_json itself, so their formatting is its own; strings are escaped
//! here as serde_json escapes them (its tests hold every ASCII byte and the characters around
//! it to serde_json's text).
//!
//! What it writes is what `serde_json::to_string` writes for every value: the same text, or
//! an error where serde_json gives one (a map key that is not a string, a number, a boolean or
//! a unit variant; a custom error of a `Serialize` impl). `cfg(test)` and the `fuzzing`
//! feature check every answer of the cold module's facade against serde_json (src/wasm.rs
//! `to_json`), and this file's tests cover each of serde's shapes.

use serde::ser::{self, Serialize};
use std::fmt::{self, Display};

/// Writes `value` as compact JSON, as `serde_json::to_string` does.
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    to_string_sized(value, 256)
}

/// The same, into a buffer of `capacity` bytes reserved up front.
pub(crate) fn to_string_sized<T: Serialize + ?Sized>(
    value: &T,
    capacity: usize,
) -> Result<String, Error> {
    let mut w = Writer {
        out: String::with_capacity(capacity),
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

/// Why a value could not be written. A boxed `String`, not a `String` (three words) or a
/// `Box<str>` (two): `Result<(), Error>` is then one pointer, as serde_json's is, and every
/// field's `?` checks it; with a `String` the module was 1.8 KB gzip larger.
#[derive(Debug)]
#[allow(clippy::box_collection)]
pub(crate) struct Error(Box<String>);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(Box::new(msg.to_string()))
    }
}

/// The JSON text so far.
struct Writer {
    out: String,
}

impl Writer {
    /// A string, escaped as serde_json escapes: `"` and `\`, the control characters below
    /// U+0020 (`\b`, `\f`, `\n`, `\r`, `\t` by name, the others as `\u00xx` in lowercase
    /// hex); everything else as it is, U+007F and non-ASCII included. Runs without an escape
    /// are copied whole.
    #[inline(never)]
    fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push('"');
        let mut rest = s;
        while let Some(i) = rest
            .bytes()
            .position(|b| b < 0x20 || b == b'"' || b == b'\\')
        {
            // `i` is an ASCII byte's index: a character boundary.
            let Some((run, tail)) = rest.split_at_checked(i) else {
                break;
            };
            self.out.push_str(run);
            let b = tail.as_bytes().first().copied().unwrap_or_default();
            match b {
                b'"' => self.out.push_str("\\\""),
                b'\\' => self.out.push_str("\\\\"),
                0x08 => self.out.push_str("\\b"),
                0x0c => self.out.push_str("\\f"),
                b'\n' => self.out.push_str("\\n"),
                b'\r' => self.out.push_str("\\r"),
                b'\t' => self.out.push_str("\\t"),
                _ => {
                    self.out.push_str("\\u00");
                    for nibble in [b >> 4, b & 0xf] {
                        self.out.push(char::from(
                            HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                        ));
                    }
                }
            }
            rest = tail.get(1..).unwrap_or_default();
        }
        self.out.push_str(rest);
        self.out.push('"');
    }

    /// A number or `null`, written by serde_json (integers as `Display` writes them).
    #[inline(never)]
    fn float(&mut self, text: Result<String, serde_json::Error>) -> Result<(), Error> {
        let text = text.map_err(|e| Error(Box::new(e.to_string())))?;
        self.out.push_str(&text);
        Ok(())
    }

    #[inline(never)]
    fn integer(&mut self, n: &dyn Display) {
        use std::fmt::Write;
        // Writing into a `String` cannot fail.
        let _ = write!(self.out, "{n}");
    }

    #[inline(never)]
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Opens `{"<variant>":` (an enum's newtype, tuple or struct variant).
    #[inline(never)]
    fn open_variant(&mut self, variant: &str) {
        self.out.push('{');
        self.string(variant);
        self.out.push(':');
    }

    /// A `,` before every item but the first of an array or object.
    #[inline(never)]
    fn separator(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.out.push(',');
        }
    }

    /// An object's key (`"name":`), after the separator.
    #[inline(never)]
    fn key(&mut self, first: &mut bool, key: &str) {
        self.separator(first);
        self.string(key);
        self.out.push(':');
    }

    /// A map's key written as a value, made a string as serde_json makes it: a number or a
    /// boolean quoted; a string (or unit variant) as it is; anything else refused.
    #[inline(never)]
    fn key_written_at(&mut self, at: usize) -> Result<(), Error> {
        let key = self.out.get(at..).unwrap_or_default();
        match key.bytes().next() {
            Some(b'"') => {}
            Some(b'-' | b'0'..=b'9' | b't' | b'f') => {
                self.out.insert(at, '"');
                self.out.push('"');
            }
            _ => return Err(Error(Box::new("key must be a string".into()))),
        }
        self.out.push(':');
        Ok(())
    }
}

/// An array or object being written; `first` until its first item.
struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    /// What closes it: `]`, `}`, or `]}` / `}}` for a variant.
    close: &'static str,
}

impl<'a> Compound<'a> {
    #[inline(never)]
    fn open(w: &'a mut Writer, open: &str, close: &'static str) -> Compound<'a> {
        w.push(open);
        Compound {
            w,
            first: true,
            close,
        }
    }

    #[inline(never)]
    fn end(self) {
        self.w.push(self.close);
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.w.separator(&mut self.first);
        value.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.w.key(&mut self.first, key);
        value.serialize(&mut *self.w)
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.push(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.integer(&v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.float(serde_json::to_string(&v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.float(serde_json::to_string(&v))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = Compound::open(self, "[", "]");
        for b in v {
            seq.element(b)?;
        }
        seq.end();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.push("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.push("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.push("null");
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.push("}");
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "[", "]"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "[", "]"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "[", "]"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.open_variant(variant);
        Ok(Compound::open(self, "[", "]}"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "{", "}"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self, "{", "}"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.open_variant(variant);
        Ok(Compound::open(self, "{", "}}"))
    }
}

/// serde's sequence-like compounds: each writes its elements as an array's (the trait says only
/// what the element method is called).
macro_rules! sequence_like {
    ($($shape:ident :: $method:ident),*) => {$(
        impl ser::$shape for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), Error> {
                Compound::end(self);
                Ok(())
            }
        }
    )*};
}

sequence_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.w.separator(&mut self.first);
        let at = self.w.out.len();
        key.serialize(&mut *self.w)?;
        self.w.key_written_at(at)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self);
        Ok(())
    }
}

/// serde's struct-like compounds: each writes its fields as an object's members.
macro_rules! struct_like {
    ($($shape:ident),*) => {$(
        impl ser::$shape for Compound<'_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Error> {
                Compound::end(self);
                Ok(())
            }
        }
    )*};
}

struct_like!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// Ours and serde_json's text, or both errors.
    fn same<T: Serialize + ?Sized>(v: &T) {
        let ours = to_string(v).map_err(|_| ());
        let theirs = serde_json::to_string(v).map_err(|_| ());
        assert_eq!(ours, theirs);
    }

    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Newtype(u8);
    #[derive(Serialize)]
    struct Tuple(u8, &'static str);
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Fields {
        a_b: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        nested: Vec<Tuple>,
        empty: Vec<u8>,
        #[serde(flatten)]
        flat: BTreeMap<String, i64>,
    }
    #[derive(Serialize)]
    enum External {
        Unit,
        Newtype(String),
        Tuple(u8, bool),
        Struct { x: f64, y: f32 },
    }
    #[derive(Serialize)]
    #[serde(tag = "status", rename_all = "lowercase")]
    enum Internal {
        Launch { launch: Box<Fields> },
        None { reason: String },
    }
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Untagged {
        A(u8),
        B { b: char },
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let fields = || Fields {
            a_b: Some(3),
            skipped: None,
            nested: vec![Tuple(1, "x"), Tuple(2, "\"q\"\\\n\t\u{1}\u{7f}é😀")],
            empty: vec![],
            flat: [("k".to_string(), -5), ("\u{0}".to_string(), i64::MIN)].into(),
        };
        same(&fields());
        same(&Fields {
            a_b: None,
            skipped: Some(1),
            nested: vec![],
            empty: vec![7],
            flat: BTreeMap::new(),
        });
        same(&Unit);
        same(&Newtype(255));
        same(&());
        same(&(1u8, -2i16, 3u32, u64::MAX, i128::MIN, u128::MAX));
        for e in [
            External::Unit,
            External::Newtype("n".into()),
            External::Tuple(0, true),
            External::Struct { x: 0.1, y: 1.5 },
            External::Struct {
                x: f64::NAN,
                y: f32::INFINITY,
            },
            External::Struct { x: 1e300, y: -0.0 },
        ] {
            same(&e);
        }
        same(&Internal::Launch {
            launch: Box::new(fields()),
        });
        same(&Internal::None { reason: "r".into() });
        same(&[Untagged::A(1), Untagged::B { b: '"' }]);
        same(&vec![Some("a"), None]);
        same(&serde_bytes_like(&[0, 1, 255]));
        same("");
        // Every ASCII character, alone, between others, and next to non-ASCII ones.
        let ascii: String = (0u8..0x80).map(char::from).collect();
        same(&ascii);
        for c in ascii.chars() {
            same(&c);
            same(&format!("a{c}é{c}{c}😀"));
        }
        same(&'\u{2028}');
        // Map keys: strings, numbers and booleans quoted, unit variants by name; a key that
        // is a sequence or null is an error in both.
        same(&BTreeMap::from([(1u8, "a"), (20, "b")]));
        same(&BTreeMap::from([(-1i64, 0u8)]));
        same(&BTreeMap::from([(true, 1u8), (false, 0)]));
        same(&BTreeMap::from([('c', 1u8)]));
        #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
        enum Key {
            Left,
        }
        same(&BTreeMap::from([(Key::Left, 1u8)]));
        same(&BTreeMap::from([(vec![1u8], 1u8)]));
        same(&BTreeMap::from([((), 1u8)]));
        same(&BTreeMap::from([(Newtype(4), "n")]));
        let value: serde_json::Value =
            serde_json::json!({"z": [1, -2, 3.25, null, true, {"": "é"}], "a": {}});
        same(&value);
    }

    /// Bytes through `serialize_bytes`.
    fn serde_bytes_like(b: &'static [u8]) -> impl Serialize {
        struct Bytes(&'static [u8]);
        impl Serialize for Bytes {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        Bytes(b)
    }

    #[test]
    fn a_custom_error_is_an_error() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("no"))
            }
        }
        assert_eq!(
            to_string(&Fails).map_err(|e| e.to_string()),
            Err("no".into())
        );
        assert!(to_string(&[Fails]).is_err());
    }
}

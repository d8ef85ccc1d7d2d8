//! A map by string key kept as one sorted list (docs/design.md §10's size budget): what the
//! cold module's maps of hubs' health and of response headers are. Each `BTreeMap` instance
//! is about 6 KB of Wasm (its node splitting, searching, iterating and dropping, per key and
//! value type); this is a `Vec` and a binary search. The maps it holds are small (the saved
//! hubs, one response's headers) and are mostly built from a JSON object, whose keys
//! serde_json's `Map` already gives sorted and once each, so building one appends.
//!
//! It behaves as the `BTreeMap` it replaces where the core uses one: keys in byte order, one
//! entry per key (inserting an existing key replaces its value), serialised as a JSON object
//! in key order.

use serde::ser::{Serialize, Serializer};

/// Values by string key, sorted by key, each key once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap::new()
    }
}

impl<V> StrMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        StrMap {
            entries: Vec::new(),
        }
    }

    /// Where `key` is, or where it would go.
    fn find(&self, key: &str) -> Result<usize, usize> {
        // The common case first: keys inserted in order (a JSON object's) go at the end.
        match self.entries.last() {
            Some((last, _)) if last.as_str() < key => Err(self.entries.len()),
            None => Err(0),
            _ => self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key)),
        }
    }

    /// Sets `key`'s value, replacing the one it had (and returning it).
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Takes `key`'s value out, if it has one.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// `key`'s value, if it has one.
    pub fn get(&self, key: &str) -> Option<&V> {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// How many keys it has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }
}

impl<'a, V> IntoIterator for &'a StrMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// As `BTreeMap`'s `collect`: a later value for the same key wins.
impl<V> FromIterator<(String, V)> for StrMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = StrMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

/// A JSON object, keys in order (as `BTreeMap`'s).
impl<V: Serialize> Serialize for StrMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_as_a_btree_map() {
        // Keys in and out of order, repeated, empty, non-ASCII: the same entries, the same
        // answers to `get`, the same JSON.
        let mut seed = 11u32;
        for len in [0usize, 1, 2, 5, 40, 300] {
            let mut ours = StrMap::new();
            let mut std = BTreeMap::new();
            for i in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let key = match seed >> 16 & 3 {
                    0 => format!("k{}", (seed >> 8) % 50),
                    1 => format!("é{}", (seed >> 8) % 7),
                    2 => String::new(),
                    _ => format!("K{i}"),
                };
                assert_eq!(ours.insert(key.clone(), i), std.insert(key, i));
            }
            assert_eq!(ours.len(), std.len());
            assert!(ours.iter().eq(std.iter()), "{len} entries");
            for probe in ["", "k1", "k49", "é3", "K0", "K299", "zz", "a"] {
                assert_eq!(ours.get(probe), std.get(probe), "{probe}");
                assert_eq!(ours.contains_key(probe), std.contains_key(probe));
            }
            assert_eq!(
                serde_json::to_string(&ours).ok(),
                serde_json::to_string(&std).ok()
            );
            for probe in ["k1", "K0", "nothing"] {
                assert_eq!(ours.remove(probe), std.remove(probe), "{probe}");
            }
            assert!(ours.iter().eq(std.iter()));
            let collected: StrMap<usize> = std.clone().into_iter().rev().collect();
            assert!(collected.iter().eq(std.iter()));
        }
        let later_wins: StrMap<u8> = [("a".to_string(), 1), ("a".to_string(), 2)]
            .into_iter()
            .collect();
        assert_eq!(later_wins.get("a"), Some(&2));
        assert!(StrMap::<u8>::default().is_empty());
    }
}

//! Small code for the cold Wasm module (docs/design.md §10's size budget): stand-ins for
//! standard helpers that are monomorphised once per element type.
//!
//! The standard library's stable sort (`sort`, `sort_by`, and `BTreeMap`'s `collect`, which
//! sorts) is about 3 KB of Wasm for each element type and comparison; the settings, routes,
//! presets and health sorted seven different ones. [`sort_by_key`] sorts a list of indices
//! once, with the comparison behind a `&dyn`, so that the module carries one copy. Maps are
//! built with `insert`, which the JSON readers link anyway.

use std::cmp::Ordering;

/// Sorts `v` stably by `key` (equal keys keep their order), like `v.sort_by(|a, b|
/// key(a).cmp(key(b)))`, in O(n log n): a hostile settings file may hold many sites.
pub(crate) fn sort_by_key<T, K: Ord + ?Sized>(v: &mut Vec<T>, key: impl Fn(&T) -> &K) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &|a, b| match (v.get(a), v.get(b)) {
        (Some(a), Some(b)) => key(a).cmp(key(b)),
        _ => Ordering::Equal,
    });
    let mut items: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(
        order
            .into_iter()
            .filter_map(|i| items.get_mut(i).and_then(Option::take)),
    );
}

/// The one stable sort of the cold module: indices, compared through `cmp`. A bottom-up merge
/// sort (runs of 1, 2, 4, … merged into a buffer and copied back), O(n log n) comparisons and
/// n extra indices: the standard one (driftsort) is about 3.5 KB of Wasm for this one instance,
/// this is a few hundred bytes, and the lists it sorts are settings' sites and hubs.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    let n = order.len();
    let mut merged = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = n.min(start + width);
            let end = n.min(mid + width);
            let (mut left, mut right) = (start, mid);
            for slot in merged.iter_mut().take(end).skip(start) {
                // Stable: on equal keys the left run's item (the earlier one) goes first.
                let take_right = match (order.get(left), order.get(right)) {
                    (Some(&l), Some(&r)) if left < mid && right < end => cmp(r, l).is_lt(),
                    _ => left >= mid,
                };
                let from = if take_right { &mut right } else { &mut left };
                *slot = order.get(*from).copied().unwrap_or_default();
                *from += 1;
            }
            start = end;
        }
        order.copy_from_slice(&merged);
        width = width.saturating_mul(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // Pairs sorted by their first element: equal keys keep their order.
        let mut seed = 7u32;
        for len in [0usize, 1, 2, 3, 4, 5, 7, 8, 9, 10, 33, 64, 200, 1000, 4097] {
            let v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) as u8 % 5, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            let mut got = v;
            sort_by_key(&mut got, |p| &p.0);
            assert_eq!(got, want, "{len} items");
        }
        let mut names = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort_by_key(&mut names, String::as_str);
        assert_eq!(names, ["a", "a", "b", "c"]);
    }
}

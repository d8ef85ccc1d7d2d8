//! Every input the fuzzers found (fuzz/regressions/<target>/, docs/fuzzing.md) runs through
//! its target again: each broke an invariant once, none may again.

use byob::fuzz::TARGETS;
use std::path::Path;

#[test]
fn every_saved_fuzz_finding_stays_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for t in TARGETS {
        let Ok(dir) = std::fs::read_dir(root.join(t.name)) else {
            continue;
        };
        for entry in dir {
            let path = entry.expect("a regression file").path();
            let input = std::fs::read(&path).expect("a readable regression file");
            if std::panic::catch_unwind(|| (t.run)(&input)).is_err() {
                panic!("{} fails again", path.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 10, "only {replayed} saved findings");
}

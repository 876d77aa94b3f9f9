//! The test binaries' layout: every file in `tests/it/` and `tests/e2e/` is a module of
//! that directory's `main.rs`, so none is left out of the build (and silently never run).

use std::path::Path;

#[test]
fn every_test_file_is_declared_in_its_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for binary in ["it", "e2e"] {
        let dir = root.join(binary);
        let main = std::fs::read_to_string(dir.join("main.rs")).expect("main.rs");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("test directory") {
            let path = entry.expect("entry").path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let is_rs = path.extension().is_some_and(|e| e == "rs");
            if is_rs && stem != "main" && !main.contains(&format!("\nmod {stem};\n")) {
                missing.push(format!("tests/{binary}/{stem}.rs"));
            }
        }
        assert!(
            missing.is_empty(),
            "not declared in tests/{binary}/main.rs: {missing:?}"
        );
    }
}

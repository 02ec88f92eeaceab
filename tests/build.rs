//! Compiles the accepted code snapshots of `tests/codegen.rs`, so a golden that is not valid
//! Rust fails the build: each `snapshots/codegen/ok-*-types.snap` becomes a module of
//! `tests::goldens`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("tests/snapshots/codegen");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<_> =
        std::fs::read_dir(dir).map(|entries| entries.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    names.sort();
    let mut out = String::new();
    for path in names {
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let Some(name) = file.strip_prefix("ok-").and_then(|f| f.strip_suffix("-types.snap")) else { continue };
        let text = std::fs::read_to_string(&path).expect("snapshot is readable");
        // An insta snapshot is a `---`-fenced header followed by the content.
        let body = text.splitn(3, "---\n").nth(2).unwrap_or_default();
        let module = name.replace('-', "_");
        writeln!(out, "pub mod {module} {{\n{body}\n}}").expect("write to string");
    }
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("goldens.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}

//! Helpers shared by the integration tests in `tests/tests/`, and the compiled goldens.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The folder of fixture specs.
pub fn fixtures() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// The generated code of every `ok` codegen fixture, compiled so goldens must build.
#[doc(hidden)]
pub mod goldens {
    include!(concat!(env!("OUT_DIR"), "/goldens.rs"));
}

/// The fuzz targets' logic and mutators, shared by `fuzz/` and `tests/tests/fuzz_smoke.rs`.
pub mod fuzz;

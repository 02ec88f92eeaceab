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

/// Every codegen config of the workspace (`api/*.codegen.yaml`), sorted: what `cargo xtask
/// codegen` runs.
pub fn codegen_configs() -> Vec<PathBuf> {
    let api = workspace_root().join("api");
    let configs = xtask::configs(&api).unwrap_or_else(|e| panic!("cannot read {}: {e}", api.display()));
    assert!(!configs.is_empty(), "no `*{}` config in {}", xtask::CONFIG_SUFFIX, api.display());
    configs
}

/// The config of the v2_alpha `/sync` crate, `matrix-sync-api`, that the end-to-end tests use.
pub fn sync_config_path() -> PathBuf {
    workspace_root().join("api/matrix-sync.codegen.yaml")
}

/// Every codegen fixture of `folder` (`ok`, `err`), sorted: (name, root document). A fixture is
/// a `.yaml` file, or a folder holding `spec.yaml` (or `spec/spec.yaml`, for refs that leave
/// the spec's folder).
pub fn codegen_fixtures(folder: &str) -> Vec<(String, PathBuf)> {
    let dir = fixtures().join("codegen").join(folder);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the fixture folder exists") {
        let path = entry.expect("a readable entry").path();
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        if path.is_dir() {
            let spec = [path.join("spec.yaml"), path.join("spec/spec.yaml")].into_iter().find(|p| p.exists());
            out.push((name, spec.unwrap_or_else(|| panic!("{} has no spec.yaml", path.display()))));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push((name, path));
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}

/// The generated code of every `ok` codegen fixture, compiled so goldens must build.
#[doc(hidden)]
pub mod goldens {
    include!(concat!(env!("OUT_DIR"), "/goldens.rs"));
}

/// The fuzz targets' logic and mutators, shared by `fuzz/` and `tests/tests/fuzz_smoke.rs`.
pub mod fuzz;

//! A specification-first code generator: Swagger 2.0 / OpenAPI 3.0 in, a Rust crate out.
//!
//! [`run`] shows the passes in order; each is a module taking one value and returning the
//! next: load → resolve → overlay → upgrade → lint → lower → emit. Every pass reports into
//! one [`Diagnostics`]; a pass that cannot go on returns `None` and nothing is written.

pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod lint;
pub mod load;
pub mod lower;
pub mod overlay;
pub mod resolve;
pub mod source;
pub mod spec;
pub mod upgrade;
pub mod write;

use std::path::{Path, PathBuf};

pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use write::GeneratedFile;

/// Generates the files of the crate `config` describes.
pub fn run(config: &Config, diagnostics: &mut Diagnostics) -> Option<Vec<GeneratedFile>> {
    let named_at = config.source.as_ref().and_then(|source| {
        diagnostics.add_source(&source.display, &source.text);
        source.spec_at.clone()
    });
    let checked = check_named(&config.spec_path(), named_at, &config.overlay_paths(), &config.limits(), diagnostics)?;
    let model = lower::lower(&checked, config, diagnostics)?;
    emit::emit(&model, config, diagnostics)
}

/// The passes every command shares: load → resolve → overlay → upgrade → lint, within the
/// default [`load::Limits`].
pub fn check(spec: &Path, overlays: &[PathBuf], diagnostics: &mut Diagnostics) -> Option<lint::Checked> {
    check_within(spec, overlays, &load::Limits::default(), diagnostics)
}

/// [`check`] within other limits.
pub fn check_within(
    spec: &Path,
    overlays: &[PathBuf],
    limits: &load::Limits,
    diagnostics: &mut Diagnostics,
) -> Option<lint::Checked> {
    check_named(spec, None, overlays, limits, diagnostics)
}

/// [`check_within`] for a spec named at `named_at` (a config's `spec:`), where a problem with
/// the root file as a whole is reported.
fn check_named(
    spec: &Path,
    named_at: Option<diagnostics::Location>,
    overlays: &[PathBuf],
    limits: &load::Limits,
    diagnostics: &mut Diagnostics,
) -> Option<lint::Checked> {
    let display = display_path(spec);
    // Every path is absolute from here on: a bare `spec.yaml` has the empty path as its
    // folder, which would let every ref pass the check that it stays inside that folder.
    let spec = &config::absolute(spec);
    let root = load::load(spec, &display, limits, named_at, diagnostics)?;
    let root_dir = spec.parent().map(Path::to_path_buf).unwrap_or_default();
    // One `Spec` (document, files and source map) goes from pass to pass.
    let mut spec = resolve::resolve_limited(root, &root_dir, limits, diagnostics);
    for overlay in overlays {
        spec = overlay::apply(spec, overlay, diagnostics);
    }
    let spec = upgrade::upgrade(spec, diagnostics)?;
    lint::lint(spec, diagnostics)
}

/// A path as users should see it: relative to the working directory when below it.
pub fn display_path(path: &Path) -> String {
    let absolute = config::absolute(path);
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| absolute.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(absolute);
    shown.display().to_string()
}

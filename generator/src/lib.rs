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
    let inputs =
        Inputs { overlays: config.overlay_paths(), root: config.root_path(), limits: config.limits(), named_at };
    let checked = check_with(&config.spec_path(), &inputs, diagnostics)?;
    let model = lower::lower(&checked, config, diagnostics)?;
    emit::emit(&model, config, diagnostics)
}

/// The passes every command shares: load → resolve → overlay → upgrade → lint, with the
/// overlays given, the spec's folder as the one refs may not leave, and the default limits.
pub fn check(spec: &Path, overlays: &[PathBuf], diagnostics: &mut Diagnostics) -> Option<lint::Checked> {
    check_with(spec, &Inputs { overlays: overlays.to_vec(), ..Inputs::default() }, diagnostics)
}

/// What a check reads besides the spec, and how far it may read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Overlay documents, applied in order.
    pub overlays: Vec<PathBuf>,
    /// The folder refs may not leave (symbolic links inside it are followed while their
    /// target stays inside); the spec's own folder when `None`.
    pub root: Option<PathBuf>,
    pub limits: load::Limits,
    /// Where the spec is named (a config's `spec:`): problems with the root file as a whole
    /// are reported there.
    pub named_at: Option<diagnostics::Location>,
}

/// [`check`] with other [`Inputs`].
pub fn check_with(spec: &Path, inputs: &Inputs, diagnostics: &mut Diagnostics) -> Option<lint::Checked> {
    let display = display_path(spec);
    // Every path is absolute from here on: a bare `spec.yaml` has the empty path as its
    // folder, which would let every ref pass the check that it stays inside that folder.
    let spec = &config::absolute(spec);
    let root_dir = match &inputs.root {
        Some(root) => config::absolute(root),
        None => spec.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    // The spec's folder, not the spec: the root file is what the user named, link or not.
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let folder = spec.parent().map(canonical).unwrap_or_default();
    if !folder.starts_with(canonical(&root_dir)) {
        let shown = Some(display_path(&root_dir)).filter(|s| !s.is_empty()).unwrap_or_else(|| ".".into());
        let message = format!("the spec `{display}` is not inside the root folder `{shown}`");
        diagnostics.push(
            Diagnostic::error(diagnostics::codes::CONFIG, message)
                .at(inputs.named_at.clone())
                .help("`root` must be the spec's folder or a folder above it"),
        );
        return None;
    }
    let root = load::load(spec, &display, &inputs.limits, inputs.named_at.clone(), diagnostics)?;
    // One `Spec` (document, files and source map) goes from pass to pass.
    let mut spec = resolve::resolve_limited(root, &root_dir, &inputs.limits, diagnostics);
    for overlay in &inputs.overlays {
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

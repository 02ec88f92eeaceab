//! A specification-first code generator: Swagger 2.0 / OpenAPI 3.0 in, a Rust crate out.
//!
//! [`run`] shows the passes in order; each is a module taking one value and returning the
//! next: load → resolve → merge → overlay → upgrade → lint → lower → emit. Every pass reports into
//! one [`Diagnostics`]; a pass that cannot go on returns `None` and nothing is written.

pub mod builder;
pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod fix;
pub mod host;
pub mod lint;
pub mod load;
pub mod lower;
pub mod merge;
pub mod model;
pub mod overlay;
pub(crate) mod parallel;
pub mod resolve;
pub mod sarif;
pub mod source;
pub mod spec;
pub mod upgrade;
pub mod write;

use std::path::{Path, PathBuf};

pub use builder::Builder;
pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use write::GeneratedFile;

use source::SourceFile;

/// Generates the files of the crate `config` describes.
pub fn run(config: &Config, diagnostics: &mut Diagnostics) -> Option<Vec<GeneratedFile>> {
    generate(config, diagnostics).map(|generated| generated.files)
}

/// What a run made, and what it read to make it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    /// Every file the run read besides the config (the root documents, each `$ref` target,
    /// the overlays), by canonical path, each once, in the order they were read: what a build
    /// script names in `cargo:rerun-if-changed`.
    pub read: Vec<PathBuf>,
}

/// [`run`], also telling which files it read.
pub fn generate(config: &Config, diagnostics: &mut Diagnostics) -> Option<Generated> {
    if let Some(source) = &config.source {
        diagnostics.add_source(&source.display, source.text.as_str());
    }
    let mut checked = check_with(&config.spec_paths(), &Inputs::of(config), diagnostics)?;
    let mut read: Vec<PathBuf> = Vec::new();
    for file in &checked.spec.sources.files {
        if !read.contains(&file.path) {
            read.push(file.path.clone());
        }
    }
    // Lowering reads the `openapiv3` model and the located one, never the JSON document: it
    // is freed beside lowering, so lowering's allocations can reuse its memory.
    let document = std::mem::take(&mut checked.spec.document);
    let model = std::thread::scope(|scope| {
        scope.spawn(move || drop(document));
        lower::lower(&checked, config, diagnostics)
    })?;
    // Freeing the checked spec (its document, and every file's text and spans) costs as much
    // as a small pass on a large spec: it is done beside emit, which needs only the model.
    let files = std::thread::scope(|scope| {
        scope.spawn(move || drop(checked));
        emit::emit(&model, config, diagnostics)
    })?;
    Some(Generated { files, read })
}

/// The passes every command shares: load → resolve → merge → overlay → upgrade → lint, with the
/// overlays given, the spec's folder as the one refs may not leave, and the default limits.
pub fn check(spec: &Path, overlays: &[PathBuf], diagnostics: &mut Diagnostics) -> Option<lint::Checked> {
    check_with(&[spec.to_path_buf()], &Inputs { overlays: overlays.to_vec(), ..Inputs::default() }, diagnostics)
}

/// What a check reads besides the spec, and how far it may read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Overlay documents, applied in order.
    pub overlays: Vec<PathBuf>,
    /// The folder refs may not leave (symbolic links inside it are followed while their
    /// target stays inside); the first root document's folder when `None`.
    pub root: Option<PathBuf>,
    pub limits: load::Limits,
    /// Where each root document is named (a config's `spec:`, by index): problems with a root
    /// file as a whole are reported there.
    pub named_at: Vec<Option<diagnostics::Location>>,
    /// Whether a `$ref` inside an example value is data (the default) or a reference
    /// (the config's `examples.refs`; decision 24).
    pub example_refs: config::ExampleRefs,
}

impl Inputs {
    /// What a run of `config` reads besides its specs, and how far it may read.
    pub fn of(config: &Config) -> Inputs {
        Inputs {
            overlays: config.overlay_paths(),
            root: config.root_path(),
            limits: config.limits(),
            named_at: config.source.as_ref().map_or_else(Vec::new, |source| source.spec_at.clone()),
            example_refs: config.examples.refs,
        }
    }
}

/// [`check`] with several root documents (bundled into one spec, `resolve::resolve_roots`)
/// and other [`Inputs`].
pub fn check_with(roots: &[PathBuf], inputs: &Inputs, diagnostics: &mut Diagnostics) -> Option<lint::Checked> {
    let mut spec = bundle(roots, inputs, diagnostics)?;
    spec.sources.release_values();
    let spec = upgrade::upgrade(spec, diagnostics)?;
    lint::lint(spec, diagnostics)
}

/// What `lint` reports: [`check_with`], then, when it found no error, lowering with the
/// default settings, so lint tells of everything codegen would (names that clash, constructs
/// not supported yet), not only of the document's mistakes. Nothing is emitted.
pub fn lint_with(roots: &[PathBuf], inputs: &Inputs, diagnostics: &mut Diagnostics) -> Option<lint::Checked> {
    let checked = check_with(roots, inputs, diagnostics)?;
    lower_for_lint(&checked, roots, inputs, diagnostics);
    Some(checked)
}

/// Lowers a checked spec that has no error with the default settings, for its diagnostics.
pub(crate) fn lower_for_lint(
    checked: &lint::Checked,
    roots: &[PathBuf],
    inputs: &Inputs,
    diagnostics: &mut Diagnostics,
) {
    let (false, Some(first)) = (diagnostics.has_errors(), roots.first()) else { return };
    let mut config = Config::new(first.clone(), PathBuf::from("lint"), "lint");
    config.spec = roots.to_vec();
    config.overlays.clone_from(&inputs.overlays);
    config.root.clone_from(&inputs.root);
    config.examples.refs = inputs.example_refs;
    lower::lower(checked, &config, diagnostics);
}

/// The passes before upgrade: load → resolve → merge → overlay. Their result is the document
/// overlays see, which `lint --fix` targets ([`fix::fix`]).
pub(crate) fn bundle(roots: &[PathBuf], inputs: &Inputs, diagnostics: &mut Diagnostics) -> Option<source::Spec> {
    let files = load_roots(roots, inputs, diagnostics)?;
    let root_dir = root_dir(roots, inputs);
    // One `Spec` (document, files and source map) goes from pass to pass.
    let bundle = resolve::resolve_roots_with(files, &root_dir, &inputs.limits, inputs.example_refs, diagnostics);
    // Past a limit, inlining stopped where it was: the later passes would report the holes
    // it left (path parameters missing from their template, say) as the spec's mistakes.
    if bundle.stopped {
        return None;
    }
    let mut spec = merge::merge(bundle, diagnostics)?;
    for overlay in &inputs.overlays {
        spec = overlay::apply(spec, overlay, diagnostics);
    }
    Some(spec)
}

/// The folder refs may not leave: the config's `root`, else the first root document's folder.
fn root_dir(roots: &[PathBuf], inputs: &Inputs) -> PathBuf {
    match &inputs.root {
        Some(root) => config::absolute(root),
        None => {
            roots.first().and_then(|spec| config::absolute(spec).parent().map(Path::to_path_buf)).unwrap_or_default()
        }
    }
}

/// Loads every root document, each inside the root folder; every problem is reported, at the
/// config's line naming the file, before `None`.
fn load_roots(roots: &[PathBuf], inputs: &Inputs, diagnostics: &mut Diagnostics) -> Option<Vec<SourceFile>> {
    let root_dir = root_dir(roots, inputs);
    // The spec's folder, not the spec: the root file is what the user named, link or not.
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let mut files: Vec<SourceFile> = Vec::new();
    let mut ok = true;
    for (i, spec) in roots.iter().enumerate() {
        let named_at = inputs.named_at.get(i).cloned().flatten();
        let display = display_path(spec);
        // Every path is absolute from here on: a bare `spec.yaml` has the empty path as its
        // folder, which would let every ref pass the check that it stays inside that folder.
        let spec = &config::absolute(spec);
        let folder = spec.parent().map(canonical).unwrap_or_default();
        if !folder.starts_with(canonical(&root_dir)) {
            let shown = Some(display_path(&root_dir)).filter(|s| !s.is_empty()).unwrap_or_else(|| ".".into());
            let message = format!("the spec `{display}` is not inside the root folder `{shown}`");
            diagnostics.push(
                Diagnostic::error(diagnostics::codes::CONFIG, message)
                    .at(named_at)
                    .help("`root` must be the folder of every root document or a folder above them"),
            );
            ok = false;
            continue;
        }
        let Some(file) = load::load(spec, &display, &inputs.limits, named_at.clone(), diagnostics) else {
            ok = false;
            continue;
        };
        if let Some(first) = files.iter().position(|f| f.path == file.path) {
            diagnostics.push(
                Diagnostic::error(diagnostics::codes::CONFIG, format!("the spec `{display}` is named twice"))
                    .at(named_at)
                    .label("named again")
                    .help(format!("each root document is named once; it is already root {} of the list", first + 1)),
            );
            ok = false;
            continue;
        }
        files.push(file);
    }
    ok.then_some(files)
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

/// Writes `yaml` as `spec.yaml` in a fresh temporary folder named after `name`, and runs the
/// passes through lint on it: the checked spec (which must pass lint; warnings allowed), its
/// diagnostics and the spec's path, for tests of what lint and lowering make of a small spec.
#[cfg(test)]
pub(crate) fn checked_spec(name: &str, yaml: &str) -> (lint::Checked, Diagnostics, PathBuf) {
    let dir = std::env::temp_dir().join(format!("checked-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("spec.yaml");
    std::fs::write(&path, yaml).expect("the spec is written");
    let mut diagnostics = Diagnostics::default();
    let checked = check(&path, &[], &mut diagnostics).expect("the spec passes lint");
    (checked, diagnostics, path)
}

//! Builder: the generator run from a crate's `build.rs`.
//!
//! In: a codegen config (the spec, its overlays, the package and other settings; `output:` is
//! not used). Out: one Rust file in the build script's `OUT_DIR`, to be `include!`d at the root
//! of the crate, and the `cargo:` lines that tell Cargo when to run the build script again and
//! what the generator found.
//!
//! ```no_run
//! // build.rs, in `fn main`
//! if let Err(rendered) = generator::Builder::new("api/pets.codegen.yaml").generate() {
//!     eprintln!("{rendered}");
//!     std::process::exit(1);
//! }
//! ```
//!
//! ```text
//! // src/lib.rs: at the crate root, since generated code names its items `crate::types::...`
//! include!(concat!(env!("OUT_DIR"), "/pets_api.rs"));
//! ```
//!
//! **What is written.** `OUT_DIR/<crate name>.rs` (the config's `package.name` with `-` as `_`)
//! holds the whole `src/` of the crate the config describes as one file: each `mod x;` is
//! replaced by the module's file, inline, so `include!` needs no `#[path]` and works from any
//! `OUT_DIR`. What a generated crate's `lib.rs` says about itself (`//!` docs,
//! `#![forbid(unsafe_code)]`) is left out, since an `include!`d file cannot hold inner
//! attributes; the generated `Cargo.toml`, `README.md` and example tests are not written.
//!
//! **What the crate needs.** The dependencies a generated crate has: `specgen-runtime`
//! (`runtime/` of the generator's repository, by path), `http = "1"`,
//! `serde = { version = "1", features = ["derive"] }` and `serde_json = "1"` (and `chrono`
//! with `serde` when the config's `formats:` asks for it). The server and the client are behind
//! the including crate's own features `server` and `client` (forward them to
//! `specgen-runtime/server` and `specgen-runtime/client`); without them, neither is compiled.
//!
//! **What Cargo is told.** `cargo:rerun-if-changed=` for the config and every file the run read
//! (the root documents, every `$ref` target, the overlays), so a change to any of them
//! regenerates; `cargo:warning=` for every error and warning, one line each, starting with its
//! `file:line:col`; `cargo:rustc-check-cfg=` declaring the `server` and `client` features the
//! generated code tests. On failure, [`Builder::generate`] returns the diagnostics rendered as
//! the command line renders them (Cargo runs a failed build script again on the next build).

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::write::GeneratedFile;
use crate::Config;

/// The generator as a build script runs it: see the [module docs](self).
#[derive(Debug, Clone)]
pub struct Builder {
    config: PathBuf,
    out_dir: Option<PathBuf>,
}

impl Builder {
    /// A run of the config at `config` (relative to the crate's folder, where Cargo runs build
    /// scripts).
    pub fn new(config: impl Into<PathBuf>) -> Builder {
        Builder { config: config.into(), out_dir: None }
    }

    /// Where the file is written: `OUT_DIR` (set by Cargo for build scripts) by default.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates, prints the `cargo:` lines to stdout, and writes the file to `include!`.
    /// Returns its path, or the diagnostics rendered as text when the spec has errors or the
    /// file cannot be written.
    pub fn generate(self) -> Result<PathBuf, String> {
        let mut lines = Vec::new();
        let result = self.run(&mut lines);
        for line in &lines {
            println!("{line}");
        }
        result
    }

    /// [`Builder::generate`] with the `cargo:` lines collected, not printed.
    pub fn run(&self, lines: &mut Vec<String>) -> Result<PathBuf, String> {
        lines.push(format!("cargo:rerun-if-changed={}", self.config.display()));
        let mut diagnostics = Diagnostics::default();
        let Some(config) = Config::load_into(&self.config, &mut diagnostics) else {
            lines.extend(warnings(&diagnostics));
            return Err(diagnostics.render(false));
        };
        // Cargo reruns the build script when an input changes: the files say so.
        let config = Config { regenerate: config.regenerate.or_else(|| Some("cargo build".into())), ..config };
        let generated = crate::generate(&config, &mut diagnostics);
        lines.extend(warnings(&diagnostics));
        let Some(generated) = generated else { return Err(diagnostics.render(false)) };
        lines.extend(rerun_if_changed(&generated.read));
        lines.push(r#"cargo:rustc-check-cfg=cfg(feature, values("server", "client"))"#.to_owned());
        let text = single_file(&generated.files)?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or("`OUT_DIR` is not set: run from a build script, or give `Builder::out_dir`")?,
        };
        let path = out_dir.join(format!("{}.rs", config.package.name.replace('-', "_")));
        let header = format!(
            "// @generated by `generator::Builder` from `{}`. Do not edit: change the spec and build again.\n\n",
            self.config.display()
        );
        write_if_changed(&path, &format!("{header}{text}"))
            .map_err(|e| format!("error: cannot write `{}`: {e}", path.display()))?;
        Ok(path)
    }
}

/// One `cargo:rerun-if-changed=` line per file read.
pub fn rerun_if_changed(read: &[PathBuf]) -> Vec<String> {
    read.iter().map(|path| format!("cargo:rerun-if-changed={}", path.display())).collect()
}

/// One `cargo:warning=` line per error and warning, sorted like the rendered diagnostics:
/// `file:line:col: error[code]: message (help: ...)` on one line. Notes are left out: Cargo
/// shows every line as a warning.
pub fn warnings(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics.sorted().into_iter().filter(|d| d.severity != Severity::Note).map(warning).collect()
}

fn warning(diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let mut line = String::from("cargo:warning=");
    if let Some(at) = &diagnostic.location {
        line.push_str(&format!("{}:{}:{}: ", at.file, at.line, at.column));
    }
    line.push_str(&format!("{severity}[{}]: {}", diagnostic.code, diagnostic.message));
    if let Some(help) = &diagnostic.help {
        line.push_str(&format!(" (help: {help})"));
    }
    // A Cargo instruction is one line.
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The crate's `src/` as one file: `src/lib.rs` with each `mod x;` replaced by its file,
/// inline, and without the crate's inner attributes.
pub fn single_file(files: &[GeneratedFile]) -> Result<String, String> {
    let mut lib = parse(files, "src/lib.rs")?;
    lib.attrs.clear();
    inline(&mut lib.items, "src", files)?;
    Ok(prettyplease::unparse(&lib))
}

fn parse(files: &[GeneratedFile], path: &str) -> Result<syn::File, String> {
    let file = files
        .iter()
        .find(|f| f.path == Path::new(path))
        .ok_or_else(|| format!("internal error: the generated crate has no `{path}`"))?;
    syn::parse_file(&file.contents).map_err(|e| format!("internal error: generated `{path}` is not valid Rust: {e}"))
}

/// Replaces each `mod x;` of `items` (a module whose files are in `dir`) with its file's
/// items, its inner attributes with them.
fn inline(items: &mut [syn::Item], dir: &str, files: &[GeneratedFile]) -> Result<(), String> {
    for item in items {
        let syn::Item::Mod(module) = item else { continue };
        let name = module.ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        let below = format!("{dir}/{name}");
        if module.content.is_none() {
            let flat = format!("{dir}/{name}.rs");
            let path = if files.iter().any(|f| f.path == Path::new(&flat)) { flat } else { format!("{below}/mod.rs") };
            let file = parse(files, &path)?;
            module.attrs.extend(file.attrs);
            module.content = Some((syn::token::Brace::default(), file.items));
            module.semi = None;
        }
        if let Some((_, items)) = &mut module.content {
            inline(items, &below, files)?;
        }
    }
    Ok(())
}

/// Writes `text` to `path` unless it already holds it, through a temporary file renamed into
/// place.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let temporary = path.with_extension("rs.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{codes, Location};

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("builder-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// Every file a `$ref` reaches is listed for Cargo, beside the config and the spec.
    #[test]
    fn every_file_read_is_a_rerun_if_changed_line() {
        let dir = temp_dir("refs");
        let spec = fixtures().join("codegen/ok/external_refs/spec.yaml").canonicalize().expect("the fixture");
        let config = dir.join("api.codegen.yaml");
        let overlay = dir.join("describe.yaml");
        std::fs::write(
            &overlay,
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: $.info, update: {description: d}}\n",
        )
        .expect("write overlay");
        std::fs::write(
            &config,
            format!(
                "spec: {}\noverlays: [describe.yaml]\noutput: unused\npackage: {{name: external-api}}\n",
                spec.display()
            ),
        )
        .expect("write config");
        let mut lines = Vec::new();
        let path = Builder::new(&config).out_dir(&dir).run(&mut lines).expect("the fixture generates");
        assert_eq!(path, dir.join("external_api.rs"));
        let schemas = spec.parent().expect("a folder").join("schemas");
        let mut expected = vec![format!("cargo:rerun-if-changed={}", config.display())];
        let overlay = overlay.canonicalize().expect("the overlay");
        let refs = [schemas.join("user.json"), schemas.join("shared.yaml"), schemas.join("nested/node.json")];
        for file in [spec.clone()].into_iter().chain(refs).chain([overlay]) {
            expected.push(format!("cargo:rerun-if-changed={}", file.display()));
        }
        let mut listed: Vec<_> = lines.iter().filter(|l| l.starts_with("cargo:rerun-if-changed=")).cloned().collect();
        listed[1..].sort();
        expected[1..].sort();
        assert_eq!(listed, expected);
        let text = std::fs::read_to_string(&path).expect("the file is written");
        assert!(text.contains("pub mod types {"), "{text}");
        assert!(!text.contains("#!["), "an included file holds no inner attribute at its top");
        syn::parse_file(&text).expect("the file is Rust");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Modules in files of their own, at any depth (`endpoints/<op>.rs`), end up inline.
    #[test]
    fn every_module_file_is_inlined() {
        let spec = fixtures().join("codegen/ok/operations.yaml");
        let config = Config::new(crate::config::absolute(&spec), "out", "operations");
        let mut diagnostics = Diagnostics::default();
        let files = crate::run(&config, &mut diagnostics).expect("the fixture generates");
        assert!(files.iter().any(|f| f.path.starts_with("src/endpoints/")), "the fixture has operation files");
        let text = single_file(&files).expect("one file");
        fn file_modules(items: &[syn::Item], depth: usize, deepest: &mut usize) -> usize {
            let mut out = 0;
            for item in items {
                if let syn::Item::Mod(module) = item {
                    match &module.content {
                        None => out += 1,
                        Some((_, items)) => {
                            *deepest = (*deepest).max(depth + 1);
                            out += file_modules(items, depth + 1, deepest);
                        }
                    }
                }
            }
            out
        }
        let parsed = syn::parse_file(&text).expect("the file is Rust");
        assert!(parsed.attrs.is_empty(), "no inner attribute at the top of an included file");
        let mut deepest = 0;
        assert_eq!(file_modules(&parsed.items, 0, &mut deepest), 0, "a `mod x;` is left");
        assert!(deepest >= 2, "operations are modules inside `endpoints`");
    }

    #[test]
    fn diagnostics_are_one_line_warnings_with_their_place() {
        let mut diagnostics = Diagnostics::default();
        let at = Location { file: "api/x.yaml".into(), line: 86, column: 31, start: 0, end: 1 };
        diagnostics.push(
            Diagnostic::error(codes::INVALID_TYPE, "invalid schema type `string.`")
                .at(Some(at))
                .help("did you mean\n`string`?"),
        );
        diagnostics.push(Diagnostic::warning(codes::UNSUPPORTED, "`not` is not supported yet"));
        diagnostics.push(Diagnostic::note(codes::FORMAT_AS_STRING, "formats kept as strings"));
        assert_eq!(
            warnings(&diagnostics),
            [
                "cargo:warning=warning[not-supported]: `not` is not supported yet",
                "cargo:warning=api/x.yaml:86:31: error[invalid-type]: invalid schema type `string.` (help: did you mean `string`?)",
            ]
        );
    }

    /// A spec with errors writes nothing, and returns the rendered diagnostics.
    #[test]
    fn errors_fail_the_build_with_the_rendered_diagnostics() {
        let dir = temp_dir("errors");
        std::fs::write(
            dir.join("spec.yaml"),
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: string.}\n",
        )
        .expect("write spec");
        let config = dir.join("x.codegen.yaml");
        std::fs::write(&config, "spec: spec.yaml\noutput: unused\npackage: {name: x}\n").expect("write config");
        let mut lines = Vec::new();
        let rendered = Builder::new(&config).out_dir(&dir).run(&mut lines).expect_err("the spec has an error");
        assert!(rendered.contains("error[invalid-type]"), "{rendered}");
        assert!(lines.iter().any(|l| l.starts_with("cargo:warning=") && l.contains("spec.yaml:5:")), "{lines:?}");
        assert!(!dir.join("x.rs").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

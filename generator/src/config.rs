//! Config: the small file in `api/` that names a spec, its overlays and the output crate.
//!
//! In: a path to a YAML config. Out: a [`Config`] with every path made absolute, or a
//! diagnostic at the offending line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{codes, Diagnostic, Location};

/// What to generate, read from e.g. `api/codegen.yaml`. Paths are relative to that file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The root documents of the spec: one path (`spec: sync.yaml`) or a list of them, whose
    /// operations make one crate (each root's endpoints then in a module of its own).
    #[serde(deserialize_with = "one_or_many")]
    pub spec: Vec<PathBuf>,
    /// Overlay documents (OpenAPI Overlay 1.0), applied in order.
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    /// The folder `$ref`s may not leave: the spec's folder by default, or one above it (a
    /// spec whose refs climb to shared schemas, `../../event-schemas/...`).
    #[serde(default)]
    pub root: Option<PathBuf>,
    /// The folder of the generated crate.
    pub output: PathBuf,
    pub package: Package,
    /// How the generated server and client shape error bodies.
    #[serde(default)]
    pub errors: Errors,
    /// How much the generator may read, beyond the defaults.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Which `specgen-runtime` the generated crate depends on.
    #[serde(default)]
    pub runtime: RuntimeConfig,
    /// Type names chosen by hand, over the names the generator makes (`lower::naming`).
    /// A key is a type's name as generated (`ListPetsResponse`), or where its schema is, as
    /// the type's doc shows it (`spec.yaml#/paths/~1pets/get/responses/200/schema`: the
    /// file, relative to the spec's folder, and the JSON Pointer in it); the value is the
    /// Rust name, an `UpperCamelCase` identifier (else an error at it). Types named from
    /// their context inside a renamed one follow it. Two schemas that would share a type
    /// (same `title`, same shape) are split when their keys give them different names. A
    /// key that names no generated type is a warning at its line.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
    /// How example values are read.
    #[serde(default)]
    pub examples: ExamplesConfig,
    /// Whether string enums take values the spec does not list (`open`, the default) or
    /// refuse them (`closed`); decision 28.
    #[serde(default)]
    pub enums: EnumsConfig,
    /// The Rust type of each string `format` named here, over the defaults (`byte` is
    /// base64 bytes; every other format a `String`); decision 29.
    #[serde(default)]
    pub formats: std::collections::BTreeMap<String, FormatType>,
    /// Cargo features of the generated crate, one per tag, gating its operations and the
    /// types only they use (decision 33); none unless set.
    #[serde(default)]
    pub features: FeaturesConfig,
    /// The folder the config was read from; every path above is joined onto it.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The command the generated files name as the one that regenerates them (`cargo xtask
    /// codegen`). When the config leaves it out, the front end running it supplies its own
    /// (the CLI `specgen generate <config>`, a build script `cargo build`); `cargo xtask
    /// codegen` when none does.
    #[serde(default)]
    pub regenerate: Option<String>,
    /// The config file itself, when it was read from one: problems with a root file (missing,
    /// a FIFO, too large) are reported at its line of `spec:`.
    #[serde(skip)]
    pub source: Option<ConfigSource>,
}

/// The text of a config file, and where in it the spec is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    /// The config's path as diagnostics show it.
    pub display: String,
    pub text: String,
    /// Where each root document is named: the value of `spec:`, or each item of its list.
    pub spec_at: Vec<Option<Location>>,
}

/// The generated crate's package metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// A Cargo package name: ASCII letters, digits, `-` and `_`, starting with a letter.
    #[serde(deserialize_with = "package_name")]
    pub name: String,
    /// A semantic version (`1.2.3`, `0.1.0-alpha.1`).
    #[serde(default = "default_version", deserialize_with = "package_version")]
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `spec:` as one path or a list of at least one.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<PathBuf>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(PathBuf),
        Many(Vec<PathBuf>),
    }
    let paths = match OneOrMany::deserialize(deserializer) {
        Ok(OneOrMany::One(path)) => vec![path],
        Ok(OneOrMany::Many(paths)) => paths,
        Err(_) => {
            return Err(serde::de::Error::custom(
                "invalid `spec`: expected a path or a list of paths to the spec's root documents",
            ))
        }
    };
    if paths.is_empty() {
        return Err(serde::de::Error::custom("invalid `spec`: the list names no root document"));
    }
    Ok(paths)
}

fn default_version() -> String {
    "0.1.0".into()
}

/// Checked while deserializing, so a bad value is reported at its line in the config.
fn package_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    check_package_name(&name).map_err(serde::de::Error::custom)?;
    Ok(name)
}

fn package_version<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let version = String::deserialize(deserializer)?;
    check_version(&version).map_err(serde::de::Error::custom)?;
    Ok(version)
}

/// The rules Cargo applies to a package name, so the generated manifest always loads.
pub fn check_package_name(name: &str) -> Result<(), String> {
    let shown = name.escape_debug();
    if name.is_empty() || name.len() > 64 {
        return Err(format!("invalid package name `{shown}`: it must have 1 to 64 characters"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(format!("invalid package name `{shown}`: it must start with an ASCII letter"));
    }
    if crate::lower::names::is_keyword(&name.replace('-', "_")) {
        return Err(format!("invalid package name `{shown}`: it is a Rust keyword, which names no crate"));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!(
            "invalid package name `{shown}`: `{}` is not allowed; use ASCII letters, digits, `-` and `_`",
            c.escape_debug()
        ));
    }
    Ok(())
}

/// A semantic version as Cargo reads it.
pub fn check_version(version: &str) -> Result<(), String> {
    semver::Version::parse(version)
        .map(drop)
        .map_err(|e| format!("invalid package version `{}`: {e}; write e.g. `0.1.0`", version.escape_debug()))
}

/// The limits of [`crate::load::Limits`] a config may change; unset ones keep their default.
/// The nesting depth is fixed: it is what keeps every pass within its stack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest file read, in bytes.
    pub max_file_bytes: Option<u64>,
    /// Largest total of the files one spec is made of, in bytes.
    pub max_total_bytes: Option<u64>,
    /// What YAML aliases and inlined `$ref`s may add, as a multiple of the input's size.
    pub max_expansion_ratio: Option<u64>,
    /// The expansion always allowed, however small the input.
    pub min_expansion_bytes: Option<u64>,
}

/// The `specgen-runtime` dependency of the generated crate: by version (this generator's
/// runtime by default), and by path for a crate inside the runtime's own workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfig {
    /// A version requirement; default: the runtime this generator emits code for.
    #[serde(default, deserialize_with = "optional_requirement")]
    pub version: Option<String>,
    /// The runtime's folder, relative to the config file.
    pub path: Option<PathBuf>,
}

/// The version of `specgen-runtime` generated code is written against.
pub const RUNTIME_VERSION: &str = "0.1";

fn optional_requirement<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let requirement = String::deserialize(deserializer)?;
    semver::VersionReq::parse(&requirement).map_err(|e| {
        serde::de::Error::custom(format!("invalid runtime version `{}`: {e}", requirement.escape_debug()))
    })?;
    Ok(Some(requirement))
}

/// How example values (`example`, `x-example`, Swagger 2.0 response `examples`, an Example
/// Object's `value`) are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplesConfig {
    /// What a `$ref` member inside an example value is.
    #[serde(default)]
    pub refs: ExampleRefs,
}

/// What a `{"$ref": ...}` object inside an example value means (decision 24).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExampleRefs {
    /// Data, as OpenAPI says example values are: the object is the example, `$ref` and all.
    #[default]
    Literal,
    /// A reference, as the Matrix spec's own tooling reads its examples: the `$ref` is
    /// resolved like any other (relative to its file, inside the root folder, within the
    /// limits), and the object is the referenced value; members written beside the `$ref`
    /// are laid over the referenced object's members (shallow: a member beside the `$ref`
    /// replaces the referenced member of the same name, in its place; a new one comes
    /// last), the referenced value itself resolved first, so chains of refs nest. A ref with
    /// members beside it must refer to an object.
    Resolve,
}

/// What a string enum does with a value the spec does not list (decision 28).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumsConfig {
    /// Kept in a catch-all variant (`Other(String)`), so a server that adds a value does
    /// not break its clients.
    #[default]
    Open,
    /// Refused: reading the value fails.
    Closed,
}

/// Which Cargo features the generated crate has beyond `server` and `client` (decision 33).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesConfig {
    /// What an operation's feature is named after; `None`: the crate has no such features.
    pub by: Option<FeaturesBy>,
}

/// What an operation's Cargo feature is named after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeaturesBy {
    /// Its first tag, `snake_case` (`core_v1`); an untagged operation's is `untagged`.
    Tag,
}

/// The Rust type a string `format` becomes (decision 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormatType {
    /// `String`, the value as written.
    String,
    /// `Vec<u8>` (`specgen_runtime::Base64`), base64 on the wire: the default of `byte`.
    Bytes,
    /// `chrono::DateTime<chrono::FixedOffset>` for `date-time`, `chrono::NaiveDate` for
    /// `date`; the generated crate depends on `chrono` with its `serde` feature.
    Chrono,
    /// `specgen_runtime::formats::Rfc3339` (a `time::OffsetDateTime` read and written as RFC
    /// 3339) for `date-time`, `time::Date` for `date`; the generated crate depends on `time`
    /// with its `serde`, `serde-human-readable`, `formatting` and `parsing` features, and on the
    /// runtime's `time` feature.
    Time,
    /// `specgen_runtime::IntOrString`, an integer or a string (Kubernetes' `int-or-string`).
    IntOrString,
}

/// Error settings of an API family.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Errors {
    #[serde(default)]
    pub format: ErrorFormat,
}

/// The error body convention of an API family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFormat {
    /// RFC 9457 problem details: `{"type", "title", "status", "detail"}`.
    #[default]
    Problem,
    /// Matrix: `{"errcode": "M_...", "error": "..."}`.
    Matrix,
}

impl Config {
    /// A config for `spec` written to `output` as the package `name`, with every other
    /// setting at its default; paths are taken from the working directory.
    pub fn new(spec: impl Into<PathBuf>, output: impl Into<PathBuf>, name: &str) -> Config {
        Config {
            spec: vec![spec.into()],
            overlays: Vec::new(),
            root: None,
            output: output.into(),
            package: Package { name: name.to_owned(), version: default_version(), description: None },
            errors: Errors::default(),
            limits: LimitsConfig::default(),
            runtime: RuntimeConfig::default(),
            names: Default::default(),
            examples: ExamplesConfig::default(),
            enums: EnumsConfig::default(),
            formats: Default::default(),
            features: FeaturesConfig::default(),
            base_dir: PathBuf::new(),
            source: None,
            regenerate: None,
        }
    }

    /// Reads a config file; relative paths in it are taken from its folder.
    pub fn load(path: &Path) -> Result<Config, Box<Diagnostic>> {
        let display = path.display().to_string();
        // Relative paths in the config are taken from its folder, wherever the command runs:
        // `codegen.yaml` alone has the empty path as its parent, which must mean `.`.
        let path = &absolute(path);
        let text = std::fs::read_to_string(path)
            .map_err(|e| Box::new(Diagnostic::error(codes::IO, format!("cannot read config `{display}`: {e}"))))?;
        let mut config: Config = serde_yaml::from_str(&text).map_err(|e| {
            let location = e.location().map(|l| Location {
                file: display.as_str().into(),
                line: l.line(),
                column: l.column(),
                start: l.index(),
                end: l.index() + 1,
            });
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            Box::new(Diagnostic::error(codes::CONFIG, format!("invalid config: {message}")).at(location).label("here"))
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.base_dir = dir.canonicalize().unwrap_or(dir);
        // serde_yaml locates only its own errors; the loader's spans locate `spec:` and, for a
        // list, each of its items.
        let parsed = crate::load::parse(&text, &display, false, &crate::load::Limits::default()).ok();
        let at = |pointer: &str| {
            let span = parsed.as_ref()?.spans.get(pointer)?.value;
            Some(Location {
                file: display.as_str().into(),
                line: span.line,
                column: span.column,
                start: span.start,
                end: span.end,
            })
        };
        let list = parsed.as_ref().is_some_and(|p| p.value.get("spec").is_some_and(serde_json::Value::is_array));
        let spec_at =
            if list { (0..config.spec.len()).map(|i| at(&format!("/spec/{i}"))).collect() } else { vec![at("/spec")] };
        config.source = Some(ConfigSource { display, text, spec_at });
        Ok(config)
    }

    /// [`Config::load`], its error reported into `diagnostics` ([`report_load_error`]).
    pub fn load_into(path: &Path, diagnostics: &mut crate::Diagnostics) -> Option<Config> {
        Config::load(path).map_err(|diagnostic| report_load_error(path, *diagnostic, diagnostics)).ok()
    }

    /// The limits of this run: the defaults, with what the config sets.
    pub fn limits(&self) -> crate::load::Limits {
        let defaults = crate::load::Limits::default();
        let LimitsConfig { max_file_bytes, max_total_bytes, max_expansion_ratio, min_expansion_bytes } = self.limits;
        crate::load::Limits {
            max_file_bytes: max_file_bytes.unwrap_or(defaults.max_file_bytes),
            max_total_bytes: max_total_bytes.unwrap_or(defaults.max_total_bytes),
            max_expansion_ratio: max_expansion_ratio.unwrap_or(defaults.max_expansion_ratio),
            min_expansion_bytes: min_expansion_bytes.unwrap_or(defaults.min_expansion_bytes),
            ..defaults
        }
    }

    /// The version requirement on `specgen-runtime`.
    pub fn runtime_version(&self) -> &str {
        self.runtime.version.as_deref().unwrap_or(RUNTIME_VERSION)
    }

    /// The command that regenerates the crate, as its files name it.
    pub fn regenerate_command(&self) -> &str {
        self.regenerate.as_deref().unwrap_or("cargo xtask codegen")
    }

    /// The runtime's folder, when the config names one.
    pub fn runtime_path(&self) -> Option<PathBuf> {
        self.runtime.path.as_ref().map(|p| normalize(&self.base_dir.join(p)))
    }

    /// The first root document (the only one of most specs).
    pub fn spec_path(&self) -> PathBuf {
        self.spec_paths().into_iter().next().unwrap_or_default()
    }

    /// Every root document, in the order the config lists them.
    pub fn spec_paths(&self) -> Vec<PathBuf> {
        self.spec.iter().map(|s| normalize(&self.base_dir.join(s))).collect()
    }

    /// The folder refs may not leave, when the config sets one.
    pub fn root_path(&self) -> Option<PathBuf> {
        self.root.as_ref().map(|r| normalize(&self.base_dir.join(r)))
    }

    pub fn overlay_paths(&self) -> Vec<PathBuf> {
        self.overlays.iter().map(|o| normalize(&self.base_dir.join(o))).collect()
    }

    pub fn output_dir(&self) -> PathBuf {
        normalize(&self.base_dir.join(&self.output))
    }
}

/// Reports why the config at `path` did not load, with the config's text, so the error shows
/// its line.
pub fn report_load_error(path: &Path, diagnostic: Diagnostic, diagnostics: &mut crate::Diagnostics) {
    if let (Some(location), Ok(text)) = (&diagnostic.location, std::fs::read_to_string(absolute(path))) {
        diagnostics.add_source(&location.file, text.as_str());
    }
    diagnostics.push(diagnostic);
}

/// The end of a codegen config's file name: `NAME.codegen.yaml` is a config, each generating
/// one crate. The convention `cargo xtask codegen` and the `specgen` command line share.
pub const CONFIG_SUFFIX: &str = ".codegen.yaml";

/// Every codegen config in `dir` (not its subfolders): the files whose name ends with
/// [`CONFIG_SUFFIX`], sorted by name, so every run takes them in the same order.
pub fn configs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.len() > CONFIG_SUFFIX.len() && name.ends_with(CONFIG_SUFFIX) && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Removes `.` and `..` without touching the file system (a symbolic link is not followed).
/// A `..` that climbs above the start of a relative path is kept (`../x` stays `../x`), and
/// one at the root of an absolute path stays at the root.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The longest folder both paths start with (both absolute and normalized).
pub fn common_prefix(a: &Path, b: &Path) -> PathBuf {
    a.components().zip(b.components()).take_while(|(x, y)| x == y).map(|(x, _)| x).collect()
}

/// `to` relative to the folder `from` (both absolute and normalized): `../runtime`.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for component in &to[common..] {
        out.push(component);
    }
    out
}

/// `path` joined onto the working directory when relative, and normalized: the same file
/// has the same absolute path however it was spelled and wherever the command runs.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&std::env::current_dir().unwrap_or_default().join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_keeps_what_it_cannot_remove() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalize(Path::new("../generated")), Path::new("../generated"));
        assert_eq!(normalize(Path::new("a/../../x")), Path::new("../x"));
        assert_eq!(normalize(Path::new("/../etc")), Path::new("/etc"));
        assert_eq!(normalize(Path::new("")), Path::new(""));
    }

    #[test]
    fn absolute_paths_do_not_depend_on_spelling() {
        let cwd = std::env::current_dir().expect("a working directory");
        assert_eq!(absolute(Path::new("spec.yaml")), cwd.join("spec.yaml"));
        assert_eq!(absolute(Path::new("./spec.yaml")), cwd.join("spec.yaml"));
        assert_eq!(absolute(Path::new("x/../spec.yaml")), cwd.join("spec.yaml"));
    }

    #[test]
    fn package_names_and_versions_are_checked() {
        assert!(check_package_name("matrix-sync-api").is_ok());
        assert!(check_package_name("a_b2").is_ok());
        for bad in ["", "2fa", "-x", "a\"b", "a\nb", "a b", "über", "self", "crate", "async", &"x".repeat(65)] {
            assert!(check_package_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_version("0.1.0").is_ok());
        assert!(check_version("1.0.0-alpha.1+build.5").is_ok());
        for bad in ["", "1", "1.0", "0.1.0\"\nbuild = \"build.rs", "v1.0.0"] {
            assert!(check_version(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_bad_package_name_is_reported_at_its_line() {
        let dir = std::env::temp_dir().join(format!("config-name-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("codegen.yaml");
        std::fs::write(&path, "spec: a.yaml\noutput: out\npackage:\n  name: \"a\\\"b\"\n").expect("write");
        let error = Config::load(&path).expect_err("the name has a quote");
        assert!(error.message.contains("invalid package name"), "{}", error.message);
        assert_eq!(error.location.as_ref().map(|l| l.line), Some(4));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn limits_set_in_the_config_bound_the_run() {
        let dir = std::env::temp_dir().join(format!("config-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("codegen.yaml");
        let spec = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";
        std::fs::write(dir.join("spec.yaml"), spec).expect("write spec");
        std::fs::write(&path, "spec: spec.yaml\noutput: out\npackage: {name: x}\nlimits: {max_file_bytes: 16}\n")
            .expect("write config");
        let config = Config::load(&path).expect("a valid config");
        assert_eq!(config.limits().max_file_bytes, 16);
        assert_eq!(config.limits().max_depth, crate::load::Limits::default().max_depth);
        let mut diagnostics = crate::Diagnostics::default();
        assert!(crate::run(&config, &mut diagnostics).is_none());
        assert!(diagnostics.iter().any(|d| d.code == crate::diagnostics::codes::LIMIT));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `spec:` as a list: each root is reported at its own line, and an empty list is refused.
    #[test]
    fn each_root_of_a_list_is_reported_at_its_line() {
        let dir = std::env::temp_dir().join(format!("config-roots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let spec = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";
        std::fs::write(dir.join("a.yaml"), spec).expect("write spec");
        let path = dir.join("codegen.yaml");
        std::fs::write(&path, "spec:\n  - a.yaml\n  - missing.yaml\n  - gone.yaml\noutput: out\npackage: {name: x}\n")
            .expect("write config");
        let config = Config::load(&path).expect("a valid config");
        assert_eq!(config.spec_paths().len(), 3);
        let mut diagnostics = crate::Diagnostics::default();
        assert!(crate::run(&config, &mut diagnostics).is_none());
        let lines: Vec<_> = diagnostics.iter().map(|d| d.location.as_ref().map(|l| (l.line, l.column))).collect();
        assert_eq!(lines, [Some((3, 5)), Some((4, 5))], "{diagnostics:#?}");
        std::fs::write(&path, "spec: []\noutput: out\npackage: {name: x}\n").expect("write config");
        let error = Config::load(&path).expect_err("no root");
        assert!(error.message.contains("names no root document"), "{}", error.message);
        std::fs::write(&path, "spec: a.yaml\noutput: out\npackage: {name: x}\n").expect("write config");
        let config = Config::load(&path).expect("one root");
        assert_eq!(config.source.as_ref().map(|s| s.spec_at.len()), Some(1));
        let mut diagnostics = crate::Diagnostics::default();
        assert!(crate::run(&config, &mut diagnostics).is_some(), "{diagnostics:#?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `examples.refs` is `literal` unless set; another value or key is refused at its line.
    #[test]
    fn example_refs_are_literal_unless_the_config_resolves_them() {
        let dir = std::env::temp_dir().join(format!("config-examples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("codegen.yaml");
        let head = "spec: a.yaml\noutput: out\npackage: {name: x}\n";
        std::fs::write(&path, head).expect("write config");
        assert_eq!(Config::load(&path).expect("a valid config").examples.refs, ExampleRefs::Literal);
        for (examples, refs) in [
            ("examples: {refs: literal}\n", ExampleRefs::Literal),
            ("examples:\n  refs: resolve\n", ExampleRefs::Resolve),
        ] {
            std::fs::write(&path, format!("{head}{examples}")).expect("write config");
            assert_eq!(Config::load(&path).expect("a valid config").examples.refs, refs, "{examples}");
        }
        for (examples, line, says) in [
            ("examples:\n  refs: inline\n", 5, "unknown variant `inline`, expected `literal` or `resolve`"),
            ("examples:\n  ref: resolve\n", 5, "unknown field `ref`, expected `refs`"),
        ] {
            std::fs::write(&path, format!("{head}{examples}")).expect("write config");
            let error = Config::load(&path).expect_err(examples);
            assert!(error.message.contains(says), "{}", error.message);
            assert_eq!(error.location.as_ref().map(|l| l.line), Some(line), "{examples}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

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
    /// The root document of the spec.
    pub spec: PathBuf,
    /// Overlay documents (OpenAPI Overlay 1.0), applied in order.
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    /// The folder of the generated crate.
    pub output: PathBuf,
    pub package: Package,
    /// How the generated server and client shape error bodies.
    #[serde(default)]
    pub errors: Errors,
    /// The folder the config was read from; every path above is joined onto it.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// The generated crate's package metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    #[serde(default = "default_version")]
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
}

fn default_version() -> String {
    "0.1.0".into()
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
    /// Reads a config file; relative paths in it are taken from its folder.
    pub fn load(path: &Path) -> Result<Config, Box<Diagnostic>> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Box::new(Diagnostic::error(codes::IO, format!("cannot read config `{display}`: {e}"))))?;
        let mut config: Config = serde_yaml::from_str(&text).map_err(|e| {
            let location = e.location().map(|l| Location {
                file: display.clone(),
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
        Ok(config)
    }

    pub fn spec_path(&self) -> PathBuf {
        normalize(&self.base_dir.join(&self.spec))
    }

    pub fn overlay_paths(&self) -> Vec<PathBuf> {
        self.overlays.iter().map(|o| normalize(&self.base_dir.join(o))).collect()
    }

    pub fn output_dir(&self) -> PathBuf {
        normalize(&self.base_dir.join(&self.output))
    }
}

/// Removes `.` and `..` without touching the file system (a symbolic link is not followed).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

//! Emit: prints the model as Rust.
use crate::config::Config;
use crate::lower::Model;
use crate::write::GeneratedFile;

pub fn emit(_model: &Model, _config: &Config) -> Vec<GeneratedFile> {
    Vec::new()
}

//! Lower: turns the checked spec into a type space and an operation IR.
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::lint::Checked;

pub struct Model;

pub fn lower(_checked: &Checked, _config: &Config, _diagnostics: &mut Diagnostics) -> Option<Model> {
    Some(Model)
}

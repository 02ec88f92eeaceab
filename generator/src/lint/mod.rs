//! Lint: checks the upgraded spec and hands lowering a value it can trust.
//!
//! In: a [`Spec`] (OpenAPI 3.0 shaped JSON with a source map). Out: a [`Checked`] spec, the
//! `openapiv3` model of the same document, or `None` when an error was reported.
//! Lint reads the spec and never changes it.

use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::upgrade::Spec;

/// A spec that passed lint: lowering may rely on its shape without re-checking it.
#[derive(Debug, Clone)]
pub struct Checked {
    pub spec: Spec,
    pub api: openapiv3::OpenAPI,
}

/// Reports every problem found in `spec`; returns the checked model when there is no error.
pub fn lint(spec: Spec, diagnostics: &mut Diagnostics) -> Option<Checked> {
    let before = diagnostics.has_errors();
    let api = deserialize(&spec, diagnostics);
    if before || diagnostics.has_errors() {
        return None;
    }
    api.map(|api| Checked { spec, api })
}

/// Reads the document into the `openapiv3` model, pointing at the value that does not fit.
fn deserialize(spec: &Spec, diagnostics: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&spec.document) {
        Ok(api) => Some(api),
        Err(error) => {
            let pointer = path_to_pointer(error.path());
            let inner = error.into_inner().to_string();
            diagnostics.push(
                Diagnostic::error(codes::INVALID_SPEC, format!("invalid OpenAPI document: {inner}"))
                    .at(spec.value_location(&pointer))
                    .label("does not fit the OpenAPI model here"),
            );
            None
        }
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer = crate::source::push_token(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

//! Overlay: applies OpenAPI Overlay 1.0 documents to the bundled spec.
//!
//! In: a [`Bundle`] and the path of an overlay. Out: the bundle with the overlay's actions applied.

use std::path::Path;

use crate::diagnostics::Diagnostics;
use crate::resolve::Bundle;

/// Applies the overlay at `path` to `bundle`.
pub fn apply(bundle: Bundle, _path: &Path, _diagnostics: &mut Diagnostics) -> Bundle {
    bundle
}

//! `cargo xtask stats PATH...`: over every spec under the paths (a file whose top level has
//! `openapi` or `swagger`, or a codegen config, `*.codegen.yaml`, read as `codegen` reads it),
//! counts the schemas the current generator keeps as untyped JSON
//! although the spec gives them a shape, by construct, as lowering records them
//! (`TypeSpace::untyped`), and the unions it types (`TypeKind::Union`, by keyword), each a
//! node that was `serde_json::Value` before unions (decision 26) when written as `oneOf` or
//! `anyOf`. Nothing is written; a spec that does not get through lint is counted as skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::config::CONFIG_SUFFIX;
use generator::lower::types::TypeKind;
use generator::{Config, Diagnostics};

/// The figures of one spec, or of all.
#[derive(Debug, Default)]
struct Figures {
    specs: usize,
    skipped: Vec<String>,
    /// Untyped schemas by construct.
    untyped: BTreeMap<&'static str, usize>,
    /// Typed unions by (keyword, tagged).
    unions: BTreeMap<(String, bool), usize>,
    /// Each untyped schema: spec, construct, pointer.
    places: Vec<(String, &'static str, String)>,
}

/// The spec files under `path`, in name order.
fn specs(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(path).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        for entry in entries {
            specs(&entry, out);
        }
        return;
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    if !matches!(ext, "yaml" | "yml" | "json") {
        return;
    }
    let Ok(text) = std::fs::read_to_string(path) else { return };
    if path.to_string_lossy().ends_with(CONFIG_SUFFIX) {
        return out.push(path.to_path_buf());
    }
    let top = |key: &str| {
        text.lines().any(|l| l.starts_with(&format!("{key}:")) || l.trim_start().starts_with(&format!("\"{key}\"")))
    };
    if top("openapi") || top("swagger") {
        out.push(path.to_path_buf());
    }
}

/// Lowers `spec` as `cargo xtask codegen` would, without emitting; `None` when it does not lower.
fn lower(spec: &Path) -> Option<generator::lower::Model> {
    let config = if spec.to_string_lossy().ends_with(CONFIG_SUFFIX) {
        Config::load(spec).ok()?
    } else {
        Config::new(spec, std::env::temp_dir().join("xtask-stats-out"), "stats")
    };
    let mut diagnostics = Diagnostics::default();
    let checked = generator::check_with(&config.spec_paths(), &generator::Inputs::of(&config), &mut diagnostics)?;
    generator::lower::lower(&checked, &config, &mut diagnostics)
}

fn count(spec: &Path, shown: &str, figures: &mut Figures) {
    let model = match std::panic::catch_unwind(|| lower(spec)) {
        Ok(Some(model)) => model,
        Ok(None) => return figures.skipped.push(format!("{shown} (does not lower)")),
        Err(_) => return figures.skipped.push(format!("{shown} (generator panicked)")),
    };
    figures.specs += 1;
    for untyped in &model.types.untyped {
        *figures.untyped.entry(untyped.construct).or_default() += 1;
        figures.places.push((shown.to_owned(), untyped.construct, untyped.pointer.clone()));
    }
    for id in model.types.ids() {
        if let TypeKind::Union(union) = &model.types.get(id).kind {
            *figures.unions.entry((union.keyword.clone(), union.tag.is_some())).or_default() += 1;
        }
    }
}

/// Runs the command on `paths`; prints the figures.
pub fn main(paths: &[String]) -> ExitCode {
    if paths.is_empty() {
        eprintln!("error: stats takes one or more files or folders of specs");
        return ExitCode::from(2);
    }
    // Each spec reports its own diagnostics into a buffer it drops; a panic is counted, quietly.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut total = Figures::default();
    let mut summary = String::new();
    for path in paths {
        let mut files = Vec::new();
        specs(Path::new(path), &mut files);
        let mut figures = Figures::default();
        for file in &files {
            count(file, &generator::display_path(file), &mut figures);
        }
        let (untyped, unions) = (figures.untyped.values().sum::<usize>(), figures.unions.values().sum::<usize>());
        summary.push_str(&format!(
            "  {path}: {} specs ({} skipped), {untyped} untyped, {unions} unions\n",
            figures.specs,
            figures.skipped.len()
        ));
        total.specs += figures.specs;
        total.skipped.extend(figures.skipped);
        for (k, n) in figures.untyped {
            *total.untyped.entry(k).or_default() += n;
        }
        for (k, n) in figures.unions {
            *total.unions.entry(k).or_default() += n;
        }
        total.places.extend(figures.places);
    }
    std::panic::set_hook(hook);
    print!("by path:\n{summary}\n{}", render(&total));
    ExitCode::SUCCESS
}

fn render(f: &Figures) -> String {
    let mut out = format!("specs lowered: {} (skipped: {})\n", f.specs, f.skipped.len());
    let untyped: usize = f.untyped.values().sum();
    out.push_str(&format!(
        "\nschemas kept as `serde_json::Value` (or merged without members) though shaped: {untyped}\n"
    ));
    for (construct, n) in &f.untyped {
        out.push_str(&format!("  {construct:<14} {n}\n"));
    }
    let unions: usize = f.unions.values().sum();
    out.push_str(&format!("\nunions typed as enums: {unions}\n"));
    for ((keyword, tagged), n) in &f.unions {
        let how = if *tagged { "tagged" } else { "untagged" };
        out.push_str(&format!("  {keyword:<14} {how:<9} {n}\n"));
    }
    let was_value: usize = f.unions.iter().filter(|((k, _), _)| k != "discriminator").map(|(_, n)| n).sum();
    out.push_str(&format!(
        "\nbefore unions (decision 26) every `oneOf`/`anyOf` was `serde_json::Value`: {} untyped then, {untyped} now\n",
        untyped + was_value
    ));
    if !f.places.is_empty() {
        out.push_str("\nwhere:\n");
        for (spec, construct, pointer) in &f.places {
            out.push_str(&format!("  {construct:<14} {spec}#{pointer}\n"));
        }
    }
    if !f.skipped.is_empty() {
        out.push_str("\nskipped:\n");
        for skipped in &f.skipped {
            out.push_str(&format!("  {skipped}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(fixture: &str) -> Figures {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/codegen/ok").join(fixture);
        let mut figures = Figures::default();
        count(&path, fixture, &mut figures);
        figures
    }

    /// Lowering's records are what is counted: a `not` is untyped, unions are counted by
    /// keyword and tag, and an annotated `allOf` of a union is neither lost nor counted.
    #[test]
    fn counts_what_lowering_records() {
        let not = figures("not_supported.yaml");
        assert_eq!((not.specs, not.untyped.get("not").copied()), (1, Some(1)));
        assert_eq!(not.places[0].2, "/components/schemas/Shape/properties/kind/not");
        let unions = figures("nested_one_of.yaml");
        assert_eq!(unions.unions.get(&("oneOf".to_owned(), true)).copied(), Some(4));
        let annotated = figures("all_of_annotations.yaml");
        assert!(annotated.untyped.is_empty(), "{:?}", annotated.places);
        let rendered = render(&not);
        assert!(rendered.contains("  not            1\n"), "{rendered}");
    }
}

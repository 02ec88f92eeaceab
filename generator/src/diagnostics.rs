//! Diagnostics: one type for every stage, collected, sorted by place and rendered like rustc.
//!
//! In: what a stage found wrong, with a [`Location`] where the spec has one.
//! Out: text for a terminal (via `annotate-snippets`) or JSON lines for tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is: errors stop code generation, warnings do not (unless denied);
/// notes tell what the generator chose, and are never denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A place in a source file: byte range plus 1-based line and column of its start.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file as users see it. Shared: a large spec's model holds hundreds of thousands of
    /// locations, all naming the same few files.
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    pub start: usize,
    #[serde(skip)]
    pub end: usize,
}

/// One finding: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier of the kind, from the catalogue in [`crate::diagnostics::codes`].
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    pub label: Option<String>,
    pub help: Option<String>,
    /// The edits that fix it, when they can be made mechanically (`lint --fix`, [`crate::fix`]).
    #[serde(skip)]
    pub fixes: Vec<Fix>,
}

/// A mechanical fix: an edit of one object of a file, by its place in that file (the
/// document pointer it came from, once resolve and upgrade are undone: overlays reach it
/// where the bundle holds it, [`crate::fix`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The file ([`crate::source::Sources`]) and JSON pointer of the object to edit.
    pub file: crate::source::FileId,
    pub pointer: String,
    pub edit: Edit,
}

/// What a [`Fix`] does to its object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Removes the keys `remove`, then sets each key of `set` to its value.
    Replace { remove: Vec<String>, set: serde_json::Map<String, serde_json::Value> },
    /// Gives the member `from` the name `to`, keeping its value.
    Rename { from: String, to: String },
    /// Moves the member `key` (a schema) into the `properties` of the object, made an object
    /// schema: what a schema written where a map of schemas was meant needs.
    IntoProperties { key: String },
    /// Appends `value` to the list at `key` (made a list of it when absent).
    Append { key: String, value: serde_json::Value },
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    pub fn note(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Self { severity, code, message: message.into(), location: None, label: None, help: None, fixes: Vec::new() }
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a fix, when there is one.
    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fixes.extend(fix);
        self
    }
}

/// The catalogue of diagnostic kinds. Each code names one rule; messages are lowercase,
/// put the construct in backticks, and say "not supported yet" for our limits and
/// "invalid" for a mistake in the spec.
pub mod codes {
    pub const IO: &str = "io";
    pub const SYNTAX: &str = "syntax";
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    pub const VERSION: &str = "unknown-version";
    pub const VERSION_CONFLICT: &str = "version-conflict";
    pub const INVALID_SERVER: &str = "invalid-server";
    pub const SERVER_VARIABLE: &str = "undeclared-server-variable";
    pub const INVALID_PATH: &str = "invalid-path";
    pub const INVALID_HEADER_NAME: &str = "invalid-header-name";
    pub const DUPLICATE_PARAMETER: &str = "duplicate-parameter";
    pub const INVALID_MEDIA_TYPE: &str = "invalid-media-type";
    pub const REF_ABSOLUTE: &str = "ref-absolute-uri";
    pub const REF_ESCAPES_ROOT: &str = "ref-escapes-root";
    pub const REF_MISSING_FILE: &str = "ref-missing-file";
    pub const REF_BAD_POINTER: &str = "ref-bad-pointer";
    pub const REF_CYCLE: &str = "ref-cycle";
    pub const NAME_CLASH: &str = "name-clash";
    /// A key of the config's `names:` that names no generated type.
    pub const UNKNOWN_NAME: &str = "unknown-name";
    /// A name whose letters or digits cannot all be kept in its Rust identifier.
    pub const NAME_CHANGED: &str = "name-changed";
    pub const INVALID_TYPE: &str = "invalid-type";
    pub const UNKNOWN_KEYWORD: &str = "unknown-keyword";
    pub const INVALID_KEYWORD_VALUE: &str = "invalid-keyword-value";
    /// A titled object schema that declares no members: whatever its title names is untyped.
    pub const UNTYPED_OBJECT: &str = "untyped-object";
    pub const INVALID_SPEC: &str = "invalid-spec";
    pub const PARAMETER_IN: &str = "unknown-parameter-location";
    pub const PATH_PARAMETER: &str = "path-parameter-mismatch";
    pub const DUPLICATE_OPERATION: &str = "duplicate-operation";
    pub const EXAMPLE_INVALID: &str = "example-invalid";
    pub const EXAMPLE_UNDECLARED: &str = "example-undeclared-property";
    pub const EXAMPLE_STRING: &str = "example-json-string";
    pub const UNSUPPORTED: &str = "not-supported";
    pub const OVERLAY_INVALID: &str = "overlay-invalid";
    pub const OVERLAY_NO_MATCH: &str = "overlay-no-match";
    pub const OVERLAY_NO_CHANGE: &str = "overlay-no-change";
    pub const CONFIG: &str = "config";
    /// A file, or what aliases or inlined refs make of it, passes a [`crate::load::Limits`].
    pub const LIMIT: &str = "limit-exceeded";
    /// A folder, FIFO, device or socket where a file is expected.
    pub const NOT_A_FILE: &str = "not-a-file";
    pub const ENCODING: &str = "invalid-utf8";
    pub const MULTIPLE_DOCUMENTS: &str = "multiple-documents";
    /// A number that does not fit the 64-bit integers and floats JSON values hold.
    pub const NUMBER_RANGE: &str = "number-out-of-range";
    /// A `$ref` that is not a reference at all: empty, or not text once percent-decoded.
    pub const REF_INVALID: &str = "ref-invalid";
    /// A security requirement naming a scheme `components.securitySchemes` does not define.
    pub const UNDEFINED_SECURITY_SCHEME: &str = "undefined-security-scheme";
    /// Two root documents of one spec that cannot be merged: different values under one
    /// key (`definitions`, `parameters`, ...), or one method and path key in both.
    pub const ROOT_CONFLICT: &str = "root-conflict";
    /// Two operations served at one method and path: the server tries them in turn.
    pub const SHARED_ROUTE: &str = "shared-route";
    /// String formats with no Rust type of their own (decision 29): one note lists them.
    pub const FORMAT_AS_STRING: &str = "format-as-string";

    /// Every code above, in catalogue order (the rules of a SARIF log, [`crate::sarif`]).
    pub const ALL: [&str; 45] = [
        IO,
        SYNTAX,
        DUPLICATE_KEY,
        VERSION,
        VERSION_CONFLICT,
        INVALID_SERVER,
        SERVER_VARIABLE,
        INVALID_PATH,
        INVALID_HEADER_NAME,
        DUPLICATE_PARAMETER,
        INVALID_MEDIA_TYPE,
        REF_ABSOLUTE,
        REF_ESCAPES_ROOT,
        REF_MISSING_FILE,
        REF_BAD_POINTER,
        REF_CYCLE,
        NAME_CLASH,
        UNKNOWN_NAME,
        NAME_CHANGED,
        INVALID_TYPE,
        UNKNOWN_KEYWORD,
        INVALID_KEYWORD_VALUE,
        UNTYPED_OBJECT,
        INVALID_SPEC,
        PARAMETER_IN,
        PATH_PARAMETER,
        DUPLICATE_OPERATION,
        EXAMPLE_INVALID,
        EXAMPLE_UNDECLARED,
        EXAMPLE_STRING,
        UNSUPPORTED,
        OVERLAY_INVALID,
        OVERLAY_NO_MATCH,
        OVERLAY_NO_CHANGE,
        CONFIG,
        LIMIT,
        NOT_A_FILE,
        ENCODING,
        MULTIPLE_DOCUMENTS,
        NUMBER_RANGE,
        REF_INVALID,
        UNDEFINED_SECURITY_SCHEME,
        ROOT_CONFLICT,
        SHARED_ROUTE,
        FORMAT_AS_STRING,
    ];
}

/// Every diagnostic of a run, plus the source text needed to render them.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    /// The text of each file diagnostics may quote, shared with the file it is (a large spec's
    /// text is megabytes).
    sources: BTreeMap<String, std::sync::Arc<str>>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    /// Registers the text of a file so diagnostics pointing into it can show the line.
    pub fn add_source(&mut self, file: &str, text: impl Into<std::sync::Arc<str>>) {
        self.sources.entry(file.to_owned()).or_insert_with(|| text.into());
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Warning)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The diagnostics in report order: by file, line, column, then severity and message.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut list: Vec<&Diagnostic> = self.list.iter().collect();
        list.sort_by(|a, b| (&a.location, a.severity, &a.message).cmp(&(&b.location, b.severity, &b.message)));
        list.dedup();
        list
    }

    /// Renders every diagnostic like rustc does, with a summary line at the end.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let mut out = String::new();
        // Where each line of a source starts, found once per file: the renderer is given only
        // the lines a diagnostic points at, as it counts the lines of all the text it is given
        // (720 diagnostics in GitHub's 13 MB spec took 30% of a whole generation).
        let mut line_starts: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for diagnostic in self.sorted() {
            let level = match diagnostic.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
                Severity::Note => Level::Note,
            };
            let mut message = level.title(&diagnostic.message).id(diagnostic.code);
            let snippet;
            if let Some(loc) = &diagnostic.location {
                if let Some(text) = self.sources.get(&*loc.file) {
                    let label = diagnostic.label.as_deref().unwrap_or("");
                    let starts = line_starts.entry(&*loc.file).or_insert_with(|| {
                        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
                    });
                    let span = renderable(text, loc.start, loc.end);
                    // The lines holding the span: from the start of its first line to the end
                    // of the line its end is on.
                    let first = starts.partition_point(|&s| s <= span.start) - 1;
                    let from = starts[first];
                    let to = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
                    snippet = Snippet::source(&text[from..to])
                        .origin(&loc.file)
                        .line_start(first + 1)
                        .fold(true)
                        .annotation(level.span(span.start - from..span.end - from).label(label));
                    message = message.snippet(snippet);
                } else {
                    let _ = writeln!(out, "{}:{}:{}:", loc.file, loc.line, loc.column);
                }
            }
            if let Some(help) = &diagnostic.help {
                message = message.footer(Level::Help.title(help));
            }
            let _ = writeln!(out, "{}\n", renderer.render(message));
        }
        let shown = self.sorted();
        let count = |severity| shown.iter().filter(|d| d.severity == severity).count();
        let (errors, warnings, notes) = (count(Severity::Error), count(Severity::Warning), count(Severity::Note));
        if errors + warnings > 0 {
            let _ = writeln!(out, "{}", summary(errors, warnings));
        } else if notes > 0 {
            let _ = writeln!(out, "{} emitted", plural(notes, "note"));
        }
        out
    }

    /// One JSON object a line, for other tools (`--message-format json`).
    pub fn render_json(&self) -> String {
        let mut out = String::new();
        for diagnostic in self.sorted() {
            let line = serde_json::to_string(diagnostic).expect("diagnostics serialize");
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }
}

/// The line that closes the report of a run that generated nothing from `shown` (the spec or
/// config as the user named it): due to the errors above, or, with none, to the warnings
/// `--deny-warnings` turns into failures. The one wording of `cargo xtask` and `specgen`.
pub fn could_not_generate(shown: &str, diagnostics: &Diagnostics) -> String {
    let errors = diagnostics.sorted().iter().filter(|d| d.severity == Severity::Error).count();
    if errors == 0 {
        return format!("error: could not generate from `{shown}`: warnings are denied (`--deny-warnings`)");
    }
    let errors = if errors == 1 { "error" } else { "errors" };
    format!("error: could not generate from `{shown}` due to the {errors} above")
}

/// The byte range of `text` to underline for a location's `start..end`, repaired so the
/// renderer can show it: in order, inside the text, on character boundaries.
fn renderable(text: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let floor = |i: usize| (0..=i.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let ceil = |i: usize| (i.min(text.len())..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
    let (low, high) = (start.min(end), start.max(end));
    floor(low)..ceil(high)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, w) => format!("{} emitted", plural(w, "warning")),
        (e, 0) => format!("{} emitted", plural(e, "error")),
        (e, w) => format!("{} and {} emitted", plural(e, "error"), plural(w, "warning")),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn could_not_generate_names_the_errors_or_the_denied_warnings() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(Diagnostic::warning(codes::SYNTAX, "a warning"));
        assert_eq!(
            could_not_generate("api/x.codegen.yaml", &diagnostics),
            "error: could not generate from `api/x.codegen.yaml`: warnings are denied (`--deny-warnings`)"
        );
        diagnostics.push(Diagnostic::error(codes::SYNTAX, "one error"));
        assert_eq!(
            could_not_generate("api/x.codegen.yaml", &diagnostics),
            "error: could not generate from `api/x.codegen.yaml` due to the error above"
        );
        diagnostics.push(Diagnostic::error(codes::SYNTAX, "another error"));
        assert_eq!(
            could_not_generate("api/x.codegen.yaml", &diagnostics),
            "error: could not generate from `api/x.codegen.yaml` due to the errors above"
        );
    }

    #[test]
    fn the_list_of_codes_holds_every_code_of_the_catalogue_once() {
        let source = include_str!("diagnostics.rs");
        let declared = source.matches(": &str = \"").count();
        assert_eq!(codes::ALL.len(), declared, "add the new code to `codes::ALL`");
        let unique: std::collections::BTreeSet<&str> = codes::ALL.iter().copied().collect();
        assert_eq!(unique.len(), codes::ALL.len());
    }

    #[test]
    fn rendering_never_panics_whatever_the_location() {
        let texts = ["\u{feff}a: é\r\n\tb: '😀'\r\nc: x\n", "é", "", "\r\n", "a\rb", "x\n\n😀\t\r"];
        for text in texts {
            let len = text.len();
            let mut offsets: Vec<usize> = (0..=len + 2).collect();
            offsets.push(usize::MAX);
            for &start in &offsets {
                for &end in &offsets {
                    let mut diagnostics = Diagnostics::default();
                    diagnostics.add_source("t.yaml", text);
                    let location = Location { file: "t.yaml".into(), line: 1, column: 1, start, end };
                    diagnostics.push(Diagnostic::error(codes::SYNTAX, "m").at(Some(location)).label("l").help("h"));
                    let result = std::panic::catch_unwind(|| diagnostics.render(false));
                    assert!(result.is_ok(), "rendering {text:?} at {start}..{end} panics");
                    let range = renderable(text, start, end);
                    assert!(range.start <= range.end && text.get(range.clone()).is_some(), "{range:?}");
                }
            }
        }
    }

    /// Rendering hands the renderer only the lines a diagnostic points at: the text must be
    /// what rendering against the whole file gives, wherever the span is.
    #[test]
    fn rendering_the_lines_of_a_span_is_rendering_the_whole_file() {
        let texts = ["a: 1\nb: 2\nc: three\n\nd: é\n", "x\r\ny: [1,\n  2]\nz", "one line", "\n\n\n"];
        for text in texts {
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    let mut diagnostics = Diagnostics::default();
                    diagnostics.add_source("t.yaml", text);
                    let location = Location { file: "t.yaml".into(), line: 1, column: 1, start, end };
                    diagnostics.push(Diagnostic::error(codes::SYNTAX, "m").at(Some(location)).label("l"));
                    let span = renderable(text, start, end);
                    let whole = Level::Error.title("m").id(codes::SYNTAX).snippet(
                        Snippet::source(text)
                            .origin("t.yaml")
                            .line_start(1)
                            .fold(true)
                            .annotation(Level::Error.span(span).label("l")),
                    );
                    let expected = format!("{}\n\n{}\n", Renderer::plain().render(whole), summary(1, 0));
                    assert_eq!(diagnostics.render(false), expected, "{text:?} at {start}..{end}");
                }
            }
        }
    }
}

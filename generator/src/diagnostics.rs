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
    /// A server URL relative to the document's own (`v1`, not `/v1`): OpenAPI allows it, but
    /// the base path it names is not known (decision 43).
    pub const RELATIVE_SERVER: &str = "relative-server-url";

    /// Every code above, in catalogue order (the rules of a SARIF log, [`crate::sarif`]).
    pub const ALL: [&str; 46] = [
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
        RELATIVE_SERVER,
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
        let mut lines: BTreeMap<&str, Lines> = BTreeMap::new();
        for diagnostic in self.sorted() {
            let level = match diagnostic.severity {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
                Severity::Note => Level::Note,
            };
            let mut message = level.title(&diagnostic.message).id(diagnostic.code);
            let snippet;
            let mut header = None;
            if let Some(loc) = &diagnostic.location {
                if let Some(text) = self.sources.get(&*loc.file) {
                    let label = diagnostic.label.as_deref().unwrap_or("");
                    let lines = lines.entry(&*loc.file).or_insert_with(|| Lines::of(text));
                    let span = renderable(text, loc.start, loc.end);
                    let first = lines.line_of(span.start);
                    let shown = shown_text(text, lines, span.clone());
                    snippet = Snippet::source(&text[shown.text.clone()])
                        .origin(&loc.file)
                        .line_start(first + 1)
                        .fold(true)
                        .annotation(
                            level
                                .span(shown.span.start - shown.text.start..shown.span.end - shown.text.start)
                                .label(label),
                        );
                    message = message.snippet(snippet);
                    // The renderer counts the column from the text it is given: a cut line's
                    // header is written again with the column in the whole line.
                    header = shown.cut.then(|| {
                        let (line, column) = (first + 1, lines.column(text, span.start));
                        (format!("{}:{line}:{}", loc.file, shown.cut_column), format!("{}:{line}:{column}", loc.file))
                    });
                } else {
                    let _ = writeln!(out, "{}:{}:{}:", loc.file, loc.line, loc.column);
                }
            }
            if let Some(help) = &diagnostic.help {
                message = message.footer(Level::Help.title(help));
            }
            match header {
                Some((cut, whole)) => {
                    let _ = writeln!(out, "{}\n", renderer.render(message).to_string().replacen(&cut, &whole, 1));
                }
                None => {
                    let _ = writeln!(out, "{}\n", renderer.render(message));
                }
            }
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

/// What of a source the renderer is given for one diagnostic: [`shown_text`].
struct Shown {
    /// The part of the text: the lines holding the span, cut to a window around it when a
    /// line is very long.
    text: std::ops::Range<usize>,
    /// The span to underline, inside `text`.
    span: std::ops::Range<usize>,
    /// Whether the first line is cut before the span.
    cut: bool,
    /// The span's column in the cut text, which the renderer writes.
    cut_column: usize,
}

/// Where the lines of a source start, and the last column counted on one: diagnostics come
/// sorted by place, so each span's column in a long line is counted on from the one before
/// it, and the line is read once for all of them, not once each (Microsoft Graph beta's
/// 47 MB line and 7,020 warnings).
struct Lines {
    starts: Vec<usize>,
    /// A byte offset, and the 1-based column (in characters) it is at on its line.
    counted: (usize, usize),
}

impl Lines {
    fn of(text: &str) -> Lines {
        Lines {
            starts: std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect(),
            counted: (0, 1),
        }
    }

    /// The index of the line holding byte `at`.
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at) - 1
    }

    /// Where the line holding byte `at` ends: its line break, or the end of the text.
    fn line_end(&self, text: &str, at: usize) -> usize {
        self.starts.get(self.line_of(at) + 1).map_or(text.len(), |next| next - 1)
    }

    /// The column of byte `at` on its line, 1-based, in characters, as the renderer counts it.
    fn column(&mut self, text: &str, at: usize) -> usize {
        let line_start = self.starts[self.line_of(at)];
        let (from, column) = match self.counted {
            (offset, column) if line_start <= offset && offset <= at => (offset, column),
            _ => (line_start, 1),
        };
        let column = column + text[from..at].chars().count();
        self.counted = (at, column);
        column
    }
}

/// How many bytes of a line the renderer is given on each side of a span, and of a span
/// itself: far more than a terminal shows (it trims a line to the width it shows around the
/// span), so what it prints is the same; but the renderer reads the whole line it is given
/// for each diagnostic, and a spec written as one line of JSON (6 MB, thousands of warnings)
/// took a minute to report.
const WINDOW: usize = 2048;

/// The lines holding `span` (from the start of its first line to the end of the line its end
/// is on), with a line longer than [`WINDOW`] around the span cut to it, and a span longer
/// than that cut to it.
fn shown_text(text: &str, lines: &Lines, span: std::ops::Range<usize>) -> Shown {
    let (floor, ceil) = (|i| floor_boundary(text, i), |i| ceil_boundary(text, i));
    let first = lines.line_of(span.start);
    let end = if span.end - span.start > WINDOW && first == lines.line_of(span.end) {
        ceil(span.start + WINDOW)
    } else {
        span.end
    };
    let (line_start, line_end) = (lines.starts[first], lines.line_end(text, end));
    let from = if span.start - line_start > WINDOW { floor(span.start - WINDOW) } else { line_start };
    let to = if line_end - end > WINDOW { ceil(end + WINDOW) } else { line_end };
    let cut_column = text[from..span.start].chars().count() + 1;
    Shown { text: from..to, span: span.start..end, cut: from > line_start, cut_column }
}

/// The byte range of `text` to underline for a location's `start..end`, repaired so the
/// renderer can show it: in order, inside the text, on character boundaries.
fn renderable(text: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let (low, high) = (start.min(end), start.max(end));
    floor_boundary(text, low)..ceil_boundary(text, high)
}

/// The last character boundary of `text` at or before `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    (0..=i.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

/// The first character boundary of `text` at or after `i`.
fn ceil_boundary(text: &str, i: usize) -> usize {
    (i.min(text.len())..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len())
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

    /// The renderer reads all the text it is given for each diagnostic: on a spec written as
    /// one line, it is given a window around the span, whatever the line's length.
    #[test]
    fn the_renderer_is_given_a_window_of_a_long_line() {
        let text = "é".repeat(500_000);
        let mut lines = Lines::of(&text);
        for (start, end) in [(0, 0), (2, 10), (4, 999_996), (500_000, 500_002), (999_998, 1_000_000)] {
            let shown = shown_text(&text, &lines, start..end);
            assert!(shown.text.len() <= 3 * WINDOW + 8, "{start}..{end}: {:?}", shown.text);
            assert!(shown.text.start <= shown.span.start && shown.span.end <= shown.text.end);
            assert_eq!(shown.span.start, start);
            assert_eq!(shown.cut, start > WINDOW, "{start}..{end}");
            // Counted on from the span before, or afresh when it is not before.
            assert_eq!(lines.column(&text, start), start / 2 + 1, "{start}..{end}");
        }
        assert_eq!(lines.column(&text, 8), 5);
        let two = format!("ab\n{}", "é".repeat(10));
        let mut lines = Lines::of(&two);
        assert_eq!((lines.column(&two, 1), lines.column(&two, 7), lines.column(&two, 3)), (2, 3, 1));
        assert_eq!(
            (lines.line_end(&two, 0), lines.line_end(&two, 3), lines.line_end(&two, two.len())),
            (2, two.len(), two.len())
        );
    }

    /// A very long line is cut to a window around the span before rendering: what is printed
    /// must be what rendering the whole line prints, its column in the header included (and
    /// for a span over several lines, which the renderer does not trim, the header and a
    /// bounded text).
    #[test]
    fn rendering_a_cut_long_line_is_rendering_it_whole() {
        let long = |n: usize, other: char| -> String {
            (0..n)
                .map(|i| match i % 97 {
                    0 => other,
                    1 => ' ',
                    _ => char::from(b'a' + (i % 26) as u8),
                })
                .collect()
        };
        let (line, accented) = (long(3 * WINDOW, '.'), long(3 * WINDOW, 'é'));
        let texts = [
            line.clone(),
            format!("a: 1\n{line}\nb: 2\n"),
            format!("{line}\n{line}"),
            format!("  {line}"),
            accented.clone(),
            format!("{accented}\n{accented}"),
        ];
        for text in &texts {
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for &start in boundaries.iter().step_by(331) {
                for width in [0, 1, 7, 150, WINDOW + 5, 3 * WINDOW] {
                    let end = boundaries.iter().copied().find(|&b| b >= start + width).unwrap_or(text.len());
                    // A span longer than the window, on one line, is shown as its first
                    // `WINDOW` bytes.
                    let one_line = !text[start..end].contains('\n');
                    let shown_end = match boundaries.iter().copied().find(|&b| b >= start + WINDOW) {
                        Some(cut) if end - start > WINDOW && one_line => cut,
                        _ => end,
                    };
                    let mut diagnostics = Diagnostics::default();
                    diagnostics.add_source("t.json", text.as_str());
                    let location = Location { file: "t.json".into(), line: 1, column: 1, start, end };
                    diagnostics.push(Diagnostic::error(codes::SYNTAX, "m").at(Some(location)).label("l").help("h"));
                    // The lines holding the span, whole, as rendering gave them before lines
                    // were cut.
                    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
                    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
                    let whole = Level::Error
                        .title("m")
                        .id(codes::SYNTAX)
                        .snippet(
                            Snippet::source(&text[from..to])
                                .origin("t.json")
                                .line_start(text[..from].matches('\n').count() + 1)
                                .fold(true)
                                .annotation(Level::Error.span(start - from..shown_end - from).label("l")),
                        )
                        .footer(Level::Help.title("h"));
                    let expected = format!("{}\n\n{}\n", Renderer::plain().render(whole), summary(1, 0));
                    let rendered = diagnostics.render(false);
                    let at = format!("at {start}..{end} of a text of {}", text.len());
                    if one_line && text.is_ascii() {
                        assert_eq!(rendered, expected, "{at}");
                    } else if one_line {
                        // The renderer measures a line in bytes and its columns in characters:
                        // on a line of other characters, whether it writes `...` at the right
                        // end depends on how much of the line it is given. The header and the
                        // underline are the same.
                        let kept = |text: &str| -> Vec<String> {
                            text.lines().enumerate().filter(|(i, _)| *i != 3).map(|(_, l)| l.to_owned()).collect()
                        };
                        assert_eq!(kept(&rendered), kept(&expected), "{at}");
                    } else {
                        // The renderer does not trim the lines of a span over several lines:
                        // they are shown from the window on, under the same header, and what
                        // is shown grows with the span, not with the lines around it.
                        let header = |text: &str| text.lines().nth(1).map(str::to_owned);
                        assert_eq!(header(&rendered), header(&expected), "{at}");
                        let bound = 2 * (end - start) + 4 * WINDOW + 512;
                        assert!(rendered.len() < bound, "{at}: {} bytes", rendered.len());
                    }
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

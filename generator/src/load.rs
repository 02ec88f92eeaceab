//! Load: reads a YAML or JSON file into a JSON value and the span of every node.
//!
//! In: a path. Out: a [`SourceFile`], or a diagnostic pointing at the syntax error.
//! YAML is read with the core schema of YAML 1.2, so `200:` is the key `"200"` and
//! `'200'` stays a string. serde_yaml gives no positions for values, so the events of
//! `libyaml-safer`'s parser (libyaml in safe Rust: it reads what libyaml reads) are folded
//! into values here (see `docs/decisions.md`, 1 and 15).

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use libyaml_safer::{Event, EventData, Mark, ScalarStyle};
use serde_json::{Map, Number, Value};

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location, Severity};
use crate::source::{NodeSpan, SourceFile, Span, Spans};

/// How much a run may read and build, so that no input can exhaust memory or the stack.
///
/// The defaults are generous: real specs reach about 50 MB in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Largest total of the files one spec is made of, in bytes.
    pub max_total_bytes: u64,
    /// Deepest nesting of mappings and sequences, in a file and in the bundled document.
    /// The default is what `serde_json` accepts when it builds values (127 levels).
    pub max_depth: usize,
    /// What YAML aliases, and `$ref`s that are inlined, may add to a document, as a multiple
    /// of the input's size in bytes. A node costs [`NODE_COST`] plus the bytes of its strings.
    pub max_expansion_ratio: u64,
    /// The expansion always allowed, however small the input, in the same units.
    pub min_expansion_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            max_depth: 127,
            max_expansion_ratio: 16,
            min_expansion_bytes: 16 << 20,
        }
    }
}

impl Limits {
    /// How much expansion an input of `input_bytes` bytes may produce.
    pub fn expansion_budget(&self, input_bytes: u64) -> u64 {
        self.max_expansion_ratio.saturating_mul(input_bytes).max(self.min_expansion_bytes)
    }
}

/// What one node costs in the expansion budget, besides the bytes of its strings: about
/// what a small `serde_json` value takes in memory, with its map or vector.
pub const NODE_COST: u64 = 128;

/// The cost of a value in the units of [`Limits::max_expansion_ratio`], and its depth (a
/// scalar is 0, `[1]` is 1). Iterative, so a deep value cannot overflow the stack.
pub fn value_shape(value: &Value) -> (u64, usize) {
    let (mut cost, mut depth) = (0u64, 0);
    let mut stack = vec![(value, 0)];
    while let Some((value, level)) = stack.pop() {
        cost = cost.saturating_add(NODE_COST);
        match value {
            Value::String(s) => cost = cost.saturating_add(s.len() as u64),
            Value::Array(items) => {
                depth = depth.max(level + 1);
                stack.extend(items.iter().map(|item| (item, level + 1)));
            }
            Value::Object(map) => {
                depth = depth.max(level + 1);
                for (key, child) in map {
                    cost = cost.saturating_add(key.len() as u64);
                    stack.push((child, level + 1));
                }
            }
            _ => {}
        }
    }
    (cost, depth)
}

/// Reads and parses one file with the default [`Limits`], returning its first error.
/// Warnings are dropped: callers that want them use [`load`].
pub fn load_file(path: &Path, display: &str) -> Result<SourceFile, Box<Diagnostic>> {
    let mut diagnostics = Diagnostics::default();
    load(path, display, &Limits::default(), None, &mut diagnostics).ok_or_else(|| {
        let first = diagnostics.iter().find(|d| d.severity == Severity::Error).cloned();
        Box::new(first.unwrap_or_else(|| Diagnostic::error(codes::IO, format!("cannot read `{display}`"))))
    })
}

/// [`load`] with the default [`Limits`], for a file named on the command line.
pub fn load_or_report(path: &Path, display: &str, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    load(path, display, &Limits::default(), None, diagnostics)
}

/// Reads and parses one file, reporting what is wrong (errors and warnings) into
/// `diagnostics`. `display` is the name diagnostics show for it; `named_at` is where the
/// file is named (a `$ref`), where problems with the file as a whole are reported, or
/// `None` for a file named on the command line.
pub fn load(
    path: &Path,
    display: &str,
    limits: &Limits,
    named_at: Option<Location>,
    diagnostics: &mut Diagnostics,
) -> Option<SourceFile> {
    let bytes = match read_regular_file(path, limits.max_file_bytes) {
        Ok(bytes) => bytes,
        Err(problem) => {
            diagnostics.push(problem.diagnostic(display, limits).at(named_at));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (diagnostic, lossy) = invalid_utf8(e.as_bytes(), e.utf8_error().valid_up_to(), display);
            diagnostics.add_source(display, lossy);
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let text: std::sync::Arc<str> = text.into();
    diagnostics.add_source(display, text.clone());
    match parse(&text, display, is_json_file(path), limits) {
        Ok(parsed) => {
            for warning in parsed.warnings {
                diagnostics.push(warning);
            }
            let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            Some(SourceFile {
                path: canonical,
                display: display.into(),
                text,
                value: parsed.value.into(),
                spans: parsed.spans,
            })
        }
        Err(error) => {
            diagnostics.push(*error);
            None
        }
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadProblem {
    Folder,
    /// Not a regular file: what it is instead.
    NotRegular(&'static str),
    /// Larger than the limit (the size, when the file says it).
    TooLarge(Option<u64>),
    Io(std::io::Error),
}

impl ReadProblem {
    fn diagnostic(&self, display: &str, limits: &Limits) -> Diagnostic {
        match self {
            ReadProblem::Folder => Diagnostic::error(codes::NOT_A_FILE, format!("`{display}` is a folder, not a file"))
                .label("a folder")
                .help("name a YAML or JSON file"),
            ReadProblem::NotRegular(what) => {
                Diagnostic::error(codes::NOT_A_FILE, format!("`{display}` is {what}, not a regular file"))
                    .label(format!("names {what}"))
                    .help("specs and the files their `$ref`s name must be regular files")
            }
            ReadProblem::TooLarge(size) => {
                let size = size.map(|s| format!(" ({s} bytes)")).unwrap_or_default();
                Diagnostic::error(
                    codes::LIMIT,
                    format!("`{display}` is larger than the limit of {} bytes{size}", limits.max_file_bytes),
                )
                .label("file too large")
                .help("split the file, or raise `limits.max_file_bytes` in the configuration")
            }
            ReadProblem::Io(e) => {
                Diagnostic::error(codes::IO, format!("cannot read `{display}`: {e}")).label("cannot read")
            }
        }
    }
}

/// Reads a regular file of at most `max_bytes` bytes. Special files are refused before they
/// are opened (opening a FIFO blocks), checked again on the opened handle (the path may have
/// changed in between), and the read stops past the limit whatever size the file claims.
pub fn read_regular_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadProblem> {
    let check = |metadata: &std::fs::Metadata| {
        let kind = metadata.file_type();
        if kind.is_dir() {
            return Err(ReadProblem::Folder);
        }
        if !kind.is_file() {
            return Err(ReadProblem::NotRegular(special_kind(&kind)));
        }
        if metadata.len() > max_bytes {
            return Err(ReadProblem::TooLarge(Some(metadata.len())));
        }
        Ok(metadata.len())
    };
    check(&std::fs::metadata(path).map_err(ReadProblem::Io)?)?;
    let file = std::fs::File::open(path).map_err(ReadProblem::Io)?;
    let claimed = check(&file.metadata().map_err(ReadProblem::Io)?)?;
    let mut bytes = Vec::with_capacity(usize::try_from(claimed).unwrap_or(0));
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadProblem::Io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadProblem::TooLarge(None));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// The error for a file that is not UTF-8, at its first invalid byte, and a text to show it
/// with (the same bytes up to that point, so the location's offsets hold).
fn invalid_utf8(bytes: &[u8], offset: usize, display: &str) -> (Diagnostic, String) {
    let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let line = valid.matches('\n').count() + 1;
    let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let lossy = String::from_utf8_lossy(bytes).into_owned();
    let byte = bytes.get(offset).copied().unwrap_or_default();
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let location = Location {
        file: display.into(),
        line,
        column,
        start: offset,
        end: offset + char::REPLACEMENT_CHARACTER.len_utf8(),
    };
    let diagnostic = Diagnostic::error(
        codes::ENCODING,
        format!("`{display}` is not valid UTF-8: byte `0x{byte:02X}` at byte offset {offset} is invalid"),
    )
    .at(Some(location))
    .label("invalid UTF-8")
    .help(if utf16 { "the file looks like UTF-16; save it as UTF-8" } else { "save the file as UTF-8" });
    (diagnostic, lossy)
}

/// A parsed file: its value, the span of every node by JSON Pointer, and warnings.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    pub spans: Spans,
    pub warnings: Vec<Diagnostic>,
}

/// Whether a spec file is read as JSON, with JSON's stricter syntax check, rather than as
/// YAML: by its extension, `.json`.
pub fn is_json_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Parses text that is YAML (or JSON, when `is_json`, which gets JSON's stricter syntax
/// check). A UTF-8 byte order mark is skipped; spans stay byte offsets into `text`.
pub fn parse(text: &str, display: &str, is_json: bool, limits: &Limits) -> Result<Parsed, Box<Diagnostic>> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let body = &text[bom..];
    let located = |code, message: String, start: usize, line, column, label: &str| {
        let end = (start + 1).min(text.len()).max(start);
        Box::new(
            Diagnostic::error(code, message)
                .at(Some(Location { file: display.into(), line, column, start, end }))
                .label(label),
        )
    };
    let budget = limits.expansion_budget(text.len() as u64);
    let new_builder = || Builder {
        text,
        body_start: bom,
        display,
        max_depth: limits.max_depth,
        expansion_budget: budget,
        // Every span is keyed by its pointer; deep nodes under long keys must not make
        // the index quadratic in the input.
        index_budget: budget.saturating_mul(4),
        ..Builder::default()
    };
    let mut builder = new_builder();
    if is_json {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
            let (line, column) = (e.line(), e.column());
            let start = bom + offset_of(body, line, column);
            let message = e.to_string();
            let message = message.split(" at line").next().unwrap_or(&message).to_owned();
            return Err(located(codes::SYNTAX, format!("invalid JSON: {message}"), start, line, column, "here"));
        }
        read_json(body, &mut builder).map_err(|offset| {
            let (line, column) = line_column(body, offset);
            located(codes::SYNTAX, "invalid JSON string".into(), bom + offset, line, column, "here")
        })?;
        if let Some(error) = builder.error.take() {
            return Err(Box::new(error));
        }
        return Ok(Parsed {
            value: builder.done.unwrap_or(Value::Null),
            spans: builder.spans,
            warnings: builder.warnings,
        });
    }
    // libyaml refuses control characters before it parses anything, and its error says only
    // where its reader was; the first such character is found here instead.
    if let Some((offset, c)) = body.char_indices().find(|&(_, c)| !yaml_allows(c)) {
        let (line, column) = line_column(body, offset);
        let mut error = located(
            codes::SYNTAX,
            format!("invalid YAML: control character `{}` is not allowed", c.escape_unicode()),
            bom + offset,
            line,
            column,
            "control character",
        );
        error.help = Some("remove it, or write it as an escape (`\\t`, `\\u0000`) in a double-quoted string".into());
        return Err(error);
    }
    if let Err(stop) = read_yaml(body, None, &mut builder, &located) {
        let diagnostic = match stop {
            // libyaml-safer 0.3 panics where a block scalar runs to the end of a file that has
            // no final line break (its issue #6); libyaml reads it. Such a file is read again
            // with the line break, and that block scalar keeps the value libyaml gives it.
            Stop::Panicked(_) if !body.ends_with(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) => {
                builder = new_builder();
                read_yaml(&format!("{body}\n"), Some(body), &mut builder, &located).err().map(Stop::diagnostic)
            }
            stop => Some(stop.diagnostic()),
        };
        if let Some(diagnostic) = diagnostic {
            return Err(diagnostic);
        }
    }
    Ok(Parsed { value: builder.done.unwrap_or(Value::Null), spans: builder.spans, warnings: builder.warnings })
}

/// Why reading YAML stopped: the diagnostic to report.
enum Stop {
    Error(Box<Diagnostic>),
    /// The reader panicked (see [`Failure::Panicked`]).
    Panicked(Box<Diagnostic>),
}

impl Stop {
    fn diagnostic(self) -> Box<Diagnostic> {
        match self {
            Stop::Error(diagnostic) | Stop::Panicked(diagnostic) => diagnostic,
        }
    }
}

/// Reads the YAML `input` into `builder`. `unterminated` is the text `input` was made from by
/// adding a final line break.
fn read_yaml(
    input: &str,
    unterminated: Option<&str>,
    builder: &mut Builder<'_>,
    located: &impl Fn(&'static str, String, usize, usize, usize, &str) -> Box<Diagnostic>,
) -> Result<(), Stop> {
    // Events are pulled one at a time, so the depth limit stops a deep document before any
    // later pass could recurse into it. libyaml's parser is a state machine with explicit
    // stacks: it does not recurse per nesting level either. Its reader decodes what the
    // input hands it at once, into four bytes a character: a small buffer bounds that.
    let mut parser = libyaml_safer::Parser::new();
    parser.set_encoding(libyaml_safer::Encoding::Utf8);
    parser.set_input(std::io::BufReader::with_capacity(READ_CHUNK, input.as_bytes()));
    let mut documents = 0;
    let mut last = Mark::default();
    loop {
        let mut event = match next_event(&mut parser) {
            Ok(event) => event,
            Err(Failure::Yaml(e)) => {
                let mark = e.problem_mark().unwrap_or(last);
                let start = builder.offset(mark);
                let mut error = located(
                    codes::SYNTAX,
                    format!("invalid YAML: {}", e.problem()),
                    start,
                    mark.line as usize + 1,
                    mark.column as usize + 1,
                    "here",
                );
                if let (Some(context), Some(at)) = (e.context(), e.context_mark()) {
                    error.help =
                        Some(format!("{context} that starts at line {}, column {}", at.line + 1, at.column + 1));
                }
                return Err(Stop::Error(error));
            }
            Err(Failure::Panicked) => {
                let start = builder.offset(last);
                let mut error = located(
                    codes::SYNTAX,
                    "invalid YAML: the YAML reader cannot read what follows".into(),
                    start,
                    last.line as usize + 1,
                    last.column as usize + 1,
                    "after here",
                );
                error.help = Some("check the syntax after this point, e.g. a tag followed by `,`".into());
                return Err(Stop::Panicked(error));
            }
        };
        last = event.end_mark;
        match event.data {
            EventData::StreamEnd => break,
            EventData::DocumentStart { .. } => {
                documents += 1;
                if documents > 1 {
                    let span = builder.span_at(event.start_mark, 3);
                    return Err(Stop::Error(Box::new(
                        Diagnostic::error(
                            codes::MULTIPLE_DOCUMENTS,
                            format!("`{}` holds more than one YAML document", builder.display),
                        )
                        .at(Some(builder.location(span)))
                        .label("a second document starts here")
                        .help("a spec is one document: remove this `---` and what follows, or split the file"),
                    )));
                }
            }
            _ => {}
        }
        if let (
            Some(unterminated),
            EventData::Scalar { value, style: ScalarStyle::Literal | ScalarStyle::Folded, .. },
        ) = (unterminated, &mut event.data)
        {
            // The line break added at the end became this block scalar's last (libyaml adds
            // none at the end of the input).
            if usize::try_from(event.end_mark.index) == Ok(input.len()) {
                if let Some(read) = final_scalar(unterminated) {
                    *value = read;
                }
            }
        }
        builder.on_event(event);
        if let Some(error) = builder.error.take() {
            return Err(Stop::Error(Box::new(error)));
        }
    }
    Ok(())
}

/// The value libyaml gives the last scalar of `text`, a block scalar running to the end of a
/// text without a final line break: read by `serde_yaml` (libyaml ported unchanged, which
/// does not panic there) as the document's last leaf.
fn final_scalar(text: &str) -> Option<String> {
    let mut value = serde_yaml::from_str::<serde_yaml::Value>(text).ok()?;
    loop {
        value = match value {
            serde_yaml::Value::Mapping(mapping) => mapping.into_iter().last()?.1,
            serde_yaml::Value::Sequence(sequence) => sequence.into_iter().last()?,
            serde_yaml::Value::Tagged(tagged) => tagged.value,
            serde_yaml::Value::String(text) => return Some(text),
            _ => return None,
        };
    }
}

/// Builds the value and spans of a JSON text that `serde_json` has accepted, straight from its
/// bytes (no YAML events: those cost an allocation or two a scalar), until the builder fails.
/// JSON is not read as YAML: a YAML reader limits implicit keys to 1,024 characters, refuses
/// characters JSON strings may hold (C1 controls, U+FFFE) and reads U+2028 as a line break.
/// Strings with escapes are decoded by `serde_json`; other scalars (numbers, `true`, `null`)
/// go through the same core schema as YAML's. Iterative, linear. Marks count lines and
/// characters as libyaml's do. `Err` holds the offset of a string `serde_json` would not decode
/// (it accepted it before).
fn read_json(body: &str, builder: &mut Builder<'_>) -> Result<(), usize> {
    let bytes = body.as_bytes();
    let mut mark = Mark::default();
    let mut at = 0;
    while at < bytes.len() && builder.error.is_none() {
        mark.index = at as u64;
        let len = match bytes[at] {
            b'\n' => {
                at += 1;
                mark.line += 1;
                mark.column = 0;
                continue;
            }
            b' ' | b'\t' | b'\r' | b',' | b':' => 1,
            open @ (b'{' | b'[') => {
                builder.open(open == b'[', None, builder.span_at(mark, 1));
                1
            }
            b'}' | b']' => {
                builder.close();
                1
            }
            b'"' => {
                let (mut end, mut escapes) = (at + 1, false);
                while end < bytes.len() && bytes[end] != b'"' {
                    escapes |= bytes[end] == b'\\';
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let raw = body.get(at..=end).ok_or(at)?;
                // Without an escape the text between the quotes is the string (`serde_json`
                // accepted it: it holds no control character).
                let text: String =
                    if escapes { serde_json::from_str(raw).map_err(|_| at)? } else { raw[1..raw.len() - 1].to_owned() };
                // A string of one line is underlined to its closing quote, as a YAML one.
                let len = if text.contains('\n') {
                    scalar_len(builder.text, &text, ScalarStyle::DoubleQuoted, builder.offset(mark))
                } else {
                    raw.len()
                };
                builder.scalar(text, builder.span_at(mark, len), None, None, ScalarStyle::DoubleQuoted);
                raw.len()
            }
            _ => {
                let len = bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\r' | b'\n'))
                    .unwrap_or(bytes.len() - at);
                let raw = body.get(at..at + len).ok_or(at)?;
                builder.scalar(raw.to_owned(), builder.span_at(mark, len.max(1)), None, None, ScalarStyle::Plain);
                len
            }
        };
        // Columns count characters: every byte that does not continue one.
        mark.column += bytes[at..at + len].iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
        at += len;
    }
    Ok(())
}

/// How many bytes libyaml's reader is handed at a time.
const READ_CHUNK: usize = 16 << 10;

/// Whether libyaml reads a character: YAML's printable set (tab, line breaks, and no other
/// C0 or C1 control character, surrogate or U+FFFE/U+FFFF).
fn yaml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Why no event came.
enum Failure {
    Yaml(libyaml_safer::Error),
    /// libyaml-safer 0.3 still panics on a few malformed inputs where libyaml reports an
    /// error (its issues #6 and #7: `a: ''|` then a line, a tag followed by `,`), and where
    /// a block scalar runs to the end of a text without a final line break (read again by
    /// [`parse`]).
    Panicked,
}

thread_local! {
    /// Set while this thread pulls an event, so the panic hook stays quiet about a panic
    /// that [`next_event`] catches and reports as a syntax error.
    static PULLING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The next event of `parser`. A panic inside the parser is caught and becomes
/// [`Failure::Panicked`]; the parser is not used again after it.
fn next_event<R: std::io::BufRead>(parser: &mut libyaml_safer::Parser<R>) -> Result<Event, Failure> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PULLING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    PULLING.with(|p| p.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse()));
    PULLING.with(|p| p.set(false));
    match result {
        Ok(Ok(event)) => Ok(event),
        Ok(Err(e)) => Err(Failure::Yaml(e)),
        Err(_) => Err(Failure::Panicked),
    }
}

fn too_deep(max_depth: usize) -> String {
    format!("the document nests mappings and sequences deeper than {max_depth} levels")
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// An open collection; `parent` is the length of [`Builder::pointer`] before the
/// collection's own token, which its end cuts the pointer back to.
enum Frame {
    Seq { parent: usize, span: Span, items: Vec<Value> },
    Map { parent: usize, span: Span, map: Map<String, Value>, key: Option<(String, Span)> },
}

/// A value with an anchor, kept for its aliases, with its cost and depth.
struct Anchored {
    value: Value,
    cost: u64,
    depth: usize,
}

#[derive(Default)]
struct Builder<'a> {
    text: &'a str,
    /// Where the parsed text starts in `text` (after a byte order mark).
    body_start: usize,
    display: &'a str,
    stack: Vec<Frame>,
    /// The pointer of the innermost open collection, grown and cut back in place: every
    /// node's span is keyed by its pointer, and a string built for each would cost an
    /// allocation a node.
    pointer: String,
    spans: Spans,
    anchors: BTreeMap<String, Anchored>,
    /// The anchor of each open collection that has one, with the stack depth it opened at.
    pending_anchor: Vec<(usize, String)>,
    done: Option<Value>,
    error: Option<Diagnostic>,
    warnings: Vec<Diagnostic>,
    max_depth: usize,
    /// What anchors and aliases may copy, and what they have copied.
    expansion_budget: u64,
    expanded: u64,
    /// What the keys of the span index may take, and what they take.
    index_budget: u64,
    indexed: u64,
}

impl Builder<'_> {
    /// libyaml's marks count bytes of the parsed text (after a byte order mark).
    fn offset(&self, mark: Mark) -> usize {
        let index = usize::try_from(mark.index).unwrap_or(usize::MAX);
        self.body_start.saturating_add(index).min(self.text.len())
    }

    fn span_at(&self, mark: Mark, len: usize) -> Span {
        let start = self.offset(mark);
        let end = (start + len).min(self.text.len());
        Span { start, end, line: mark.line as usize + 1, column: mark.column as usize + 1 }
    }

    /// Where a node's content starts: libyaml marks a node at its anchor or tag, and a block
    /// scalar at its `|` or `>`; spans point past those, at the content (for a block
    /// scalar, its first non-blank line, which `parse_embedded_json` relies on).
    fn content_start(&self, (start, end): (Mark, Mark), properties: bool, block: bool) -> Mark {
        let (from, to) = (self.offset(start), self.offset(end));
        let Some(between) = self.text.get(from..to) else { return start };
        let mut skip = 0;
        if properties {
            // `&anchor`, `!tag`, in either order, each followed by blanks, line breaks or a
            // comment.
            for _ in 0..2 {
                let rest = &between[skip..];
                if !rest.starts_with(['&', '!']) {
                    break;
                }
                skip += rest.find(|c: char| c.is_whitespace() || ",[]{}".contains(c)).unwrap_or(rest.len());
                loop {
                    let rest = &between[skip..];
                    let blanks = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
                    skip += blanks;
                    if !rest[blanks..].starts_with('#') {
                        break;
                    }
                    skip += rest[blanks..].find('\n').unwrap_or(rest.len() - blanks);
                }
            }
        }
        if block {
            // Past the header line, then past lines that are blank.
            let rest = &between[skip..];
            let Some(header) = rest.find('\n') else { return start };
            let mut at = header + 1;
            while let Some(line_end) = rest[at..].find('\n') {
                if !rest[at..at + line_end].trim().is_empty() {
                    break;
                }
                at += line_end + 1;
            }
            let line = &rest[at..];
            if line.trim().is_empty() {
                // No content: the block scalar is empty.
                return start;
            }
            skip += at + line.find(|c: char| c != ' ').unwrap_or(0);
        }
        advance(&between[..skip], start)
    }

    fn location(&self, span: Span) -> Location {
        Location { file: self.display.into(), line: span.line, column: span.column, start: span.start, end: span.end }
    }

    fn fail(&mut self, code: &'static str, message: String, span: Span, label: &str) {
        if self.error.is_none() {
            self.error = Some(Diagnostic::error(code, message).at(Some(self.location(span))).label(label));
        }
    }

    fn fail_with_help(&mut self, code: &'static str, message: String, span: Span, label: &str, help: String) {
        self.fail(code, message, span, label);
        self.error = self.error.take().map(|e| e.help(help));
    }

    /// Counts what an anchor or alias copies against the expansion budget.
    fn charge(&mut self, cost: u64, span: Span) -> bool {
        self.expanded = self.expanded.saturating_add(cost);
        if self.expanded <= self.expansion_budget {
            return true;
        }
        self.fail_with_help(
            codes::LIMIT,
            format!("YAML aliases expand `{}` to more than {} bytes", self.display, self.expansion_budget),
            span,
            "the expansion passes the limit here",
            "use fewer aliases, or raise `limits.max_expansion_ratio` in the configuration".into(),
        );
        false
    }

    /// Records the span of the node at [`Self::pointer`].
    fn record_span(&mut self, span: NodeSpan) {
        self.indexed = self.indexed.saturating_add(self.pointer.len() as u64);
        if self.indexed > self.index_budget {
            self.fail_with_help(
                codes::LIMIT,
                format!("the paths to the nodes of `{}` add up to more than {} bytes", self.display, self.index_budget),
                span.value,
                "the limit is passed here",
                "shorten the keys that hold many nodes, or raise `limits.max_expansion_ratio` in the configuration"
                    .into(),
            );
            return;
        }
        self.spans.insert(&self.pointer, span);
    }

    /// Makes [`Self::pointer`] the next value's, and gives the span of its key when in a
    /// mapping, and the pointer's length before (to cut it back to).
    fn enter_next(&mut self) -> (usize, Option<Span>) {
        let parent = self.pointer.len();
        match self.stack.last() {
            None => (parent, None),
            Some(Frame::Seq { items, .. }) => {
                use std::fmt::Write as _;
                let _ = write!(self.pointer, "/{}", items.len());
                (parent, None)
            }
            Some(Frame::Map { key: Some((k, span)), .. }) => {
                self.pointer.push('/');
                crate::source::push_escaped(&mut self.pointer, k);
                (parent, Some(*span))
            }
            Some(Frame::Map { .. }) => (parent, None),
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn finish_value(&mut self, value: Value, anchor: Option<String>, span: Span) {
        if let Some(anchor) = anchor {
            let (cost, depth) = value_shape(&value);
            if !self.charge(cost, span) {
                return;
            }
            self.anchors.insert(anchor, Anchored { value: value.clone(), cost, depth });
        }
        match self.stack.last_mut() {
            None => self.done = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => {
                if let Some((k, _)) = key.take() {
                    map.insert(k, value);
                }
            }
        }
    }

    fn start_key(&mut self, key: String, span: Span) {
        let duplicate = matches!(self.stack.last(), Some(Frame::Map { map, .. }) if map.contains_key(&key));
        if duplicate {
            self.fail(codes::DUPLICATE_KEY, format!("duplicate key `{key}`"), span, "defined again here");
        }
        if let Some(Frame::Map { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some((key, span));
        }
    }

    fn on_event(&mut self, event: Event) {
        if self.error.is_some() {
            return;
        }
        let marks = (event.start_mark, event.end_mark);
        match event.data {
            // Taken from the event, not copied: a large spec has a quarter of a million.
            EventData::Scalar { value: text, anchor, tag, style, .. } => {
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let mark = self.content_start(marks, anchor.is_some() || tag.is_some(), block);
                let start = self.offset(mark);
                let len = scalar_len(self.text, &text, style, start);
                self.scalar(text, self.span_at(mark, len), anchor, tag.as_deref(), style);
            }
            EventData::SequenceStart { ref anchor, ref tag, .. }
            | EventData::MappingStart { ref anchor, ref tag, .. } => {
                let mark = self.content_start(marks, anchor.is_some() || tag.is_some(), false);
                let sequence = matches!(event.data, EventData::SequenceStart { .. });
                self.open(sequence, anchor.clone(), self.span_at(mark, 1));
            }
            EventData::SequenceEnd | EventData::MappingEnd => self.close(),
            EventData::Alias { ref anchor } => {
                let span = self.span_at(event.start_mark, 1);
                let Some(anchored) = self.anchors.get(anchor) else {
                    self.fail(codes::SYNTAX, format!("invalid YAML: unknown alias `*{anchor}`"), span, "alias");
                    return;
                };
                let (cost, depth) = (anchored.cost, anchored.depth);
                if self.stack.len() + depth > self.max_depth {
                    self.fail(codes::LIMIT, too_deep(self.max_depth), span, "this alias nests too deep");
                    return;
                }
                if !self.charge(cost, span) {
                    return;
                }
                let value = self.anchors.get(anchor).map(|a| a.value.clone()).unwrap_or_default();
                if self.expecting_key() {
                    match value {
                        Value::String(s) => self.start_key(s, span),
                        _ => self.fail(
                            codes::UNSUPPORTED,
                            "an alias as a mapping key is not supported yet".into(),
                            span,
                            "alias key",
                        ),
                    }
                    return;
                }
                let (parent, key) = self.enter_next();
                self.record_span(NodeSpan { value: span, key });
                self.pointer.truncate(parent);
                self.finish_value(value, None, span);
            }
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentStart { .. }
            | EventData::DocumentEnd { .. } => {}
        }
    }

    /// A scalar at `span`: the next key of the open mapping, or the next value. Like [`Self::open`]
    /// and [`Self::close`], called only while nothing has failed (`on_event`, `read_json`).
    fn scalar(&mut self, text: String, span: Span, anchor: Option<String>, tag: Option<&str>, style: ScalarStyle) {
        if self.expecting_key() {
            if let Some(anchor) = anchor {
                let value = Value::String(text.clone());
                let (cost, depth) = value_shape(&value);
                if !self.charge(cost, span) {
                    return;
                }
                self.anchors.insert(anchor, Anchored { value, cost, depth });
            }
            self.start_key(text, span);
            return;
        }
        let (parent, key) = self.enter_next();
        self.record_span(NodeSpan { value: span, key });
        self.pointer.truncate(parent);
        let Some(value) = self.scalar_value(text, style, tag, span) else { return };
        self.finish_value(value, anchor, span);
    }

    /// A sequence (`sequence`) or mapping opening at `span`.
    fn open(&mut self, sequence: bool, anchor: Option<String>, span: Span) {
        if self.expecting_key() {
            self.fail(
                codes::UNSUPPORTED,
                "a mapping key that is not a scalar is not supported yet".into(),
                span,
                "complex key",
            );
            return;
        }
        if self.stack.len() >= self.max_depth {
            self.fail_with_help(
                codes::LIMIT,
                too_deep(self.max_depth),
                span,
                "too deep",
                "flatten the document, e.g. with `$ref`s to named schemas".into(),
            );
            return;
        }
        let (parent, key) = self.enter_next();
        self.record_span(NodeSpan { value: span, key });
        if let Some(anchor) = anchor {
            self.pending_anchor.push((self.stack.len(), anchor));
        }
        self.stack.push(if sequence {
            Frame::Seq { parent, span, items: Vec::new() }
        } else {
            Frame::Map { parent, span, map: Map::new(), key: None }
        });
    }

    /// The innermost open collection ends.
    fn close(&mut self) {
        let (value, span, parent) = match self.stack.pop() {
            Some(Frame::Seq { items, span, parent }) => (Value::Array(items), span, parent),
            Some(Frame::Map { map, span, parent, .. }) => (Value::Object(map), span, parent),
            None => return,
        };
        self.pointer.truncate(parent);
        let anchor = match self.pending_anchor.last() {
            Some((depth, _)) if *depth == self.stack.len() => self.pending_anchor.pop().map(|(_, a)| a),
            _ => None,
        };
        self.finish_value(value, anchor, span);
    }

    /// The value of a scalar: a plain one read with the core schema, a quoted or block one a
    /// string. The core schema's own tags (`!!str`, `!!int`, ...) and the non-specific `!`
    /// say how to read it; other tags are ignored, as before.
    fn scalar_value(&mut self, text: String, style: ScalarStyle, tag: Option<&str>, span: Span) -> Option<Value> {
        let core = |name: &str| tag.is_some_and(|t| t.strip_prefix("tag:yaml.org,2002:") == Some(name));
        let as_string = tag == Some("!")
            || core("str")
            || (style != ScalarStyle::Plain && !core("int") && !core("float") && !core("bool") && !core("null"));
        if as_string {
            return Some(Value::String(text));
        }
        match plain_scalar(&text) {
            Scalar::Value(value) => Some(value),
            Scalar::Rounded(value) => {
                self.warnings.push(
                    Diagnostic::warning(
                        codes::NUMBER_RANGE,
                        format!("integer `{text}` does not fit in 64 bits and is rounded to `{value}`"),
                    )
                    .at(Some(self.location(span)))
                    .label("loses precision")
                    .help("quote it to keep it as a string, or use a number within 64 bits"),
                );
                Some(value)
            }
            Scalar::Overflow => {
                self.fail_with_help(
                    codes::NUMBER_RANGE,
                    format!("number `{text}` is too large for a 64-bit float"),
                    span,
                    "out of range",
                    "use a smaller number, or quote it to make it a string".into(),
                );
                None
            }
        }
    }
}

/// The mark `text` further on from `mark`.
fn advance(text: &str, mut mark: Mark) -> Mark {
    for c in text.chars() {
        mark.index += c.len_utf8() as u64;
        if c == '\n' {
            mark.line += 1;
            mark.column = 0;
        } else {
            mark.column += 1;
        }
    }
    mark
}

/// Length in bytes to underline for a scalar starting at byte `start`.
fn scalar_len(source: &str, text: &str, style: ScalarStyle, start: usize) -> usize {
    // Only the scalar itself is scanned: a minified JSON file is one line, and measuring "the
    // rest of the line" for every scalar would be quadratic in its size.
    let rest = &source[start.min(source.len())..];
    let line_len = |rest: &str| rest.find('\n').map_or(rest.len(), |end| rest[..end].trim_end().len());
    match style {
        ScalarStyle::Plain if !text.contains('\n') => text.len().min(rest.len()).max(1),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if !text.contains('\n') => {
            // The quotes plus the raw text up to the closing quote.
            let quote = rest.chars().next().unwrap_or('"');
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                if (c == quote && !escaped) || c == '\n' {
                    return i + usize::from(c == quote);
                }
                escaped = c == '\\' && !escaped && quote == '"';
            }
            rest.len().max(1)
        }
        _ => line_len(rest).max(1),
    }
}

/// A plain scalar read with the core schema.
#[derive(Debug, PartialEq)]
enum Scalar {
    Value(Value),
    /// An integer outside 64 bits, rounded to the nearest float.
    Rounded(Value),
    /// A number too large for a float.
    Overflow,
}

/// The YAML 1.2 core schema for plain scalars.
fn plain_scalar(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Value(Value::Null),
        "true" | "True" | "TRUE" => return Scalar::Value(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Scalar::Value(Value::Bool(false)),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Scalar::Value(n.into());
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Scalar::Value(n.into());
        }
        return rounded(text.parse::<f64>().unwrap_or(f64::INFINITY));
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(digits) = text.strip_prefix(prefix) {
            if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) {
                return match u64::from_str_radix(digits, radix) {
                    Ok(n) => Scalar::Value(i64::try_from(n).map_or_else(|_| n.into(), Into::into)),
                    Err(_) => rounded(
                        digits
                            .chars()
                            .filter_map(|c| c.to_digit(radix))
                            .fold(0.0, |n, d| n * f64::from(radix) + f64::from(d)),
                    ),
                };
            }
        }
    }
    let is_float = {
        let t = text.trim_start_matches(['-', '+']);
        t.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.')
            && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
            && t.chars().any(|c| c.is_ascii_digit())
    };
    if is_float {
        if let Ok(n) = text.parse::<f64>() {
            return Number::from_f64(n).map_or(Scalar::Overflow, |n| Scalar::Value(Value::Number(n)));
        }
    }
    Scalar::Value(Value::String(text.to_owned()))
}

/// An integer too large for 64 bits, as a float.
fn rounded(n: f64) -> Scalar {
    Number::from_f64(n).map_or(Scalar::Overflow, |n| Scalar::Rounded(Value::Number(n)))
}

/// Parses the JSON text held by a string node, and returns its value and the spans of its
/// nodes translated to the file, when the string is a literal block whose lines are the
/// JSON text verbatim. Other strings get the string's own span for every node.
pub fn parse_embedded_json(file: &SourceFile, pointer: &str) -> Option<(Value, Spans)> {
    let text = file.value.pointer(pointer)?.as_str()?;
    let Parsed { value, spans: inner, .. } = parse(text, &file.display, true, &Limits::default()).ok()?;
    let own = file.spans.get(pointer);
    let mut spans = Spans::default();
    let block = own.and_then(|s| block_layout(&file.text, s.value, text));
    let mut translate = |p: &str| {
        let Some(span) = inner.get(p) else { return };
        let translated = match (&block, own) {
            (Some(layout), _) => {
                NodeSpan { value: layout.translate(span.value), key: span.key.map(|k| layout.translate(k)) }
            }
            (None, Some(own)) => own,
            (None, None) => return,
        };
        spans.insert(&format!("{pointer}{p}"), translated);
    };
    each_pointer(&value, &mut String::new(), &mut translate);
    Some((value, spans))
}

/// Calls `f` with the pointer of every node of `value`, `value` itself first.
fn each_pointer(value: &Value, pointer: &mut String, f: &mut dyn FnMut(&str)) {
    f(pointer);
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointer.push('/');
                crate::source::push_escaped(pointer, key);
                each_pointer(child, pointer, f);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                each_pointer(child, pointer, f);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Where the content lines of a literal block scalar start, so inner spans can be moved.
struct BlockLayout {
    /// Byte offset in the file of the start of each content line, and its line number.
    lines: Vec<(usize, usize)>,
    indent: usize,
}

impl BlockLayout {
    fn translate(&self, span: Span) -> Span {
        let Some(&(offset, line)) = self.lines.get(span.line - 1) else { return span };
        let start = offset + self.indent + span.column - 1;
        Span { start, end: start + (span.end - span.start), line, column: self.indent + span.column }
    }
}

fn block_layout(source: &str, span: Span, content: &str) -> Option<BlockLayout> {
    // The parser marks a block scalar at its first content line; the line before it must end
    // with a literal block indicator (`|`, `|-`, `|+`, maybe with an indentation digit).
    let line_start = span.start.checked_sub(span.column - 1)?;
    let previous = source.get(..line_start.checked_sub(1)?)?.rsplit('\n').next()?;
    let indicator = previous.trim_end().rsplit(' ').next()?;
    if !indicator.starts_with('|') {
        return None;
    }
    let indent = span.column - 1;
    let mut lines = Vec::new();
    let mut offset = line_start;
    for (line_no, content_line) in (span.line..).zip(content.split('\n')) {
        let raw = source.get(offset..)?.split('\n').next()?;
        if !content_line.is_empty() && raw.get(indent..)? != content_line {
            return None;
        }
        lines.push((offset, line_no));
        offset += raw.len() + 1;
    }
    Some(BlockLayout { lines, indent })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_t(text: &str, display: &str, is_json: bool) -> Result<(Value, Spans), Box<Diagnostic>> {
        parse(text, display, is_json, &Limits::default()).map(|p| (p.value, p.spans))
    }

    #[test]
    fn integer_keys_are_strings_and_values_keep_positions() {
        let (value, spans) = parse_t("responses:\n  200:\n    description: ok\n", "t.yaml", false).unwrap();
        assert_eq!(value["responses"]["200"]["description"], "ok");
        let span = spans.get("/responses/200/description").unwrap();
        assert_eq!((span.value.line, span.value.column), (3, 18));
        assert_eq!((span.key.unwrap().line, span.key.unwrap().column), (3, 5));
    }

    #[test]
    fn core_schema_scalars() {
        let (value, _) = parse_t("a: 30000\nb: '30000'\nc: true\nd: ~\ne: 1.5\nf: string.\n", "t.yaml", false).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 30000, "b": "30000", "c": true, "d": null, "e": 1.5, "f": "string."})
        );
    }

    #[test]
    fn json_without_spaces_after_colons() {
        let (value, _) = parse_t(r#"{"allOf": [{"$ref":"a.json"}], "n": 1}"#, "t.json", true).unwrap();
        assert_eq!(value["allOf"][0]["$ref"], "a.json");
    }

    #[test]
    fn duplicate_keys_are_errors_with_location() {
        let err = parse_t("a: 1\na: 2\n", "t.yaml", false).unwrap_err();
        assert_eq!(err.code, codes::DUPLICATE_KEY);
        assert_eq!(err.location.unwrap().line, 2);
    }

    #[test]
    fn syntax_errors_have_location() {
        let err = parse_t("a: [1, 2\n", "t.yaml", false).unwrap_err();
        assert_eq!(err.code, codes::SYNTAX);
        let err = parse_t("{\"a\": }", "t.json", true).unwrap_err();
        assert_eq!(err.location.unwrap().column, 7);
    }

    /// Issue #9: the Matrix spec closes multi-line flow collections at or left of their
    /// key's column. libyaml (and every reader built on it) reads that; so must we.
    #[test]
    fn flow_collections_may_close_at_or_left_of_their_key() {
        let text = "a:\n  example: {\n    \"m\": \"join\"\n  }\n  list: [\n    1,\n  2\n]\nb: {\n}\n";
        let (value, spans) = parse_t(text, "t.yaml", false).unwrap();
        assert_eq!(value, serde_json::json!({"a": {"example": {"m": "join"}, "list": [1, 2]}, "b": {}}));
        let span = spans.get("/a/example/m").unwrap().value;
        assert_eq!((span.line, span.column, &text[span.start..span.end]), (3, 10, "\"join\""));
        let span = spans.get("/a/list").unwrap().value;
        assert_eq!((span.line, span.column, &text[span.start..span.end]), (5, 9, "["));
    }

    #[test]
    fn spans_count_bytes_and_columns_count_characters() {
        let text = "é: 'ü'\nk: [ö, x]\n";
        let (_, spans) = parse_t(text, "t.yaml", false).unwrap();
        let span = spans.get("/k/1").unwrap().value;
        assert_eq!((span.line, span.column, &text[span.start..span.end]), (2, 8, "x"));
        let key = spans.get("/é").unwrap().key.unwrap();
        assert_eq!((key.column, &text[key.start..key.end]), (1, "é"));
        assert_eq!(&text[spans.get("/é").unwrap().value.start..spans.get("/é").unwrap().value.end], "'ü'");
    }

    #[test]
    fn spans_point_past_anchors_and_tags_and_at_a_block_scalars_first_line() {
        let text = "a: &x !!str 12\nb: !!map &y {k: v}\nc: |-\n\n  first\n  second\nd: *x\ne: &z # note\n  k: v\n";
        let (value, spans) = parse_t(text, "t.yaml", false).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": "12", "b": {"k": "v"}, "c": "\nfirst\nsecond", "d": "12", "e": {"k": "v"}})
        );
        let at = |p: &str| {
            let s = spans.get(p).unwrap().value;
            (s.line, s.column, &text[s.start..s.end])
        };
        assert_eq!(at("/a"), (1, 13, "12"));
        assert_eq!(at("/b"), (2, 13, "{"));
        assert_eq!(at("/c"), (5, 3, "first"));
        assert_eq!(at("/d"), (7, 4, "*"));
        assert_eq!(at("/e"), (9, 3, "k"));
    }

    #[test]
    fn core_schema_tags_decide_how_a_scalar_reads() {
        let text = "a: !!str 200\nb: ! 12\nc: !!int \"12\"\nd: !!bool 'true'\ne: !custom 7\nf: !!float \"1.5\"\n";
        let (value, _) = parse_t(text, "t.yaml", false).unwrap();
        assert_eq!(value, serde_json::json!({"a": "200", "b": "12", "c": 12, "d": true, "e": 7, "f": 1.5}));
    }

    #[test]
    fn an_anchored_key_can_be_used_again_by_alias() {
        let (value, _) = parse_t("&k name: 1\nother: {*k : 2}\n", "t.yaml", false).unwrap();
        assert_eq!(value, serde_json::json!({"name": 1, "other": {"name": 2}}));
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let err = parse_t("a: 1\nb: x\u{7}y\n", "t.yaml", false).unwrap_err();
        let location = err.location.unwrap();
        assert_eq!(
            (err.code, err.message.as_str()),
            (codes::SYNTAX, "invalid YAML: control character `\\u{7}` is not allowed")
        );
        assert_eq!((location.line, location.column, location.start), (2, 5, 9));
    }

    #[test]
    fn libyaml_errors_keep_their_context_in_the_help() {
        let err = parse_t("a:\n  b: 1\n c: 2\n", "t.yaml", false).unwrap_err();
        let location = err.location.unwrap();
        assert_eq!(err.message, "invalid YAML: did not find expected key");
        assert_eq!((location.line, location.column), (3, 2));
        assert_eq!(err.help.as_deref(), Some("while parsing a block mapping that starts at line 1, column 1"));
    }

    /// JSON is not read as YAML: what YAML refuses or reads otherwise stays JSON's.
    #[test]
    fn json_keeps_json_rules() {
        let key = "k".repeat(2000);
        let text = format!("{{\"{key}\": \"a\u{2028}b\u{85}\", \"n\":1}}");
        let (value, spans) = parse_t(&text, "t.json", true).unwrap();
        assert_eq!(value[&key], "a\u{2028}b\u{85}");
        let span = spans.get("/n").unwrap().value;
        assert_eq!((&text[span.start..span.end], span.column), ("1", 2018));
    }

    /// The JSON reader places every node as libyaml would: lines, columns in characters (not
    /// bytes), keys, strings to their closing quote; a string holding a line break to the end
    /// of its line, as a YAML scalar of several lines.
    #[test]
    fn json_spans_count_characters_and_place_keys() {
        let text = "{\n  \"é\\u00e9\": \"a\\\"b\",\n  \"ü\": [1, {\"x\": \"y\\nz\"}]\n}";
        let (value, spans) = parse_t(text, "t.json", true).unwrap();
        assert_eq!(value, serde_json::json!({"éé": "a\"b", "ü": [1, {"x": "y\nz"}]}));
        let at = |pointer: &str| {
            let span = spans.get(pointer).unwrap();
            let key = span.key.map(|k| (&text[k.start..k.end], k.line, k.column));
            (&text[span.value.start..span.value.end], span.value.line, span.value.column, key)
        };
        assert_eq!(at(""), ("{", 1, 1, None));
        assert_eq!(at("/éé"), ("\"a\\\"b\"", 2, 14, Some(("\"é\\u00e9\"", 2, 3))));
        assert_eq!(at("/ü"), ("[", 3, 8, Some(("\"ü\"", 3, 3))));
        assert_eq!(at("/ü/0"), ("1", 3, 9, None));
        assert_eq!(at("/ü/1"), ("{", 3, 12, None));
        assert_eq!(at("/ü/1/x"), ("\"y\\nz\"}]", 3, 18, Some(("\"x\"", 3, 13))));
        let err = parse_t("{\"a\": 1,\n \"a\": 2}", "t.json", true).unwrap_err();
        assert_eq!(err.code, codes::DUPLICATE_KEY);
        let location = err.location.unwrap();
        assert_eq!((location.line, location.column), (2, 2));
    }
}

#[cfg(test)]
mod hostile {
    //! Hostile input (issue #8): every case is refused with a located diagnostic, quickly,
    //! without exhausting the stack or memory.
    use super::*;

    fn parse_yaml(text: &str) -> Result<Parsed, Box<Diagnostic>> {
        parse(text, "t.yaml", false, &Limits::default())
    }

    /// Runs `f` on a thread of its own, failing (instead of hanging) if it takes too long.
    fn within_seconds<T: Send + 'static>(seconds: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(f()));
        receive.recv_timeout(std::time::Duration::from_secs(seconds)).expect("finished in time")
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn load_errors(path: &Path, limits: &Limits) -> Vec<Diagnostic> {
        let mut diagnostics = Diagnostics::default();
        assert!(load(path, "f.yaml", limits, None, &mut diagnostics).is_none());
        let _ = diagnostics.render(false);
        diagnostics.iter().cloned().collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = temp_dir("fifo");
        let fifo = dir.join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        let errors = within_seconds(10, move || load_errors(&fifo, &Limits::default()));
        assert_eq!(errors[0].code, codes::NOT_A_FILE);
        assert_eq!(errors[0].message, "`f.yaml` is a FIFO, not a regular file");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_behind_a_symbolic_link_is_refused() {
        let dir = temp_dir("device");
        let link = dir.join("zero.yaml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let errors = within_seconds(10, move || load_errors(&link, &Limits::default()));
        assert_eq!(errors[0].code, codes::NOT_A_FILE);
        assert!(errors[0].message.contains("a device"), "{}", errors[0].message);
    }

    #[test]
    fn a_folder_is_refused() {
        let dir = temp_dir("folder");
        let errors = load_errors(&dir, &Limits::default());
        assert_eq!(
            (errors[0].code, errors[0].message.as_str()),
            (codes::NOT_A_FILE, "`f.yaml` is a folder, not a file")
        );
    }

    #[test]
    fn files_past_the_size_limit_are_refused() {
        let dir = temp_dir("size");
        let path = dir.join("big.yaml");
        std::fs::write(&path, "a: 12345678901234567890\n").unwrap();
        let limits = Limits { max_file_bytes: 10, ..Limits::default() };
        let errors = load_errors(&path, &limits);
        assert_eq!(errors[0].code, codes::LIMIT);
        assert!(errors[0].message.contains("larger than the limit of 10 bytes"), "{}", errors[0].message);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_claims_a_smaller_size_is_read_no_further_than_the_limit() {
        // Files under /proc say they are empty; the read itself must stop at the limit.
        let path = Path::new("/proc/self/maps");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        assert!(matches!(read_regular_file(path, 10), Err(ReadProblem::TooLarge(None))));
        assert!(read_regular_file(path, 1 << 30).is_ok_and(|bytes| bytes.len() > 10));
    }

    #[test]
    fn invalid_utf8_is_located_at_its_first_byte() {
        let dir = temp_dir("utf8");
        let path = dir.join("bad.yaml");
        std::fs::write(&path, b"a: \xc3\xa9\nb: x\xff\n").unwrap();
        let errors = load_errors(&path, &Limits::default());
        let location = errors[0].location.clone().unwrap();
        assert_eq!(errors[0].code, codes::ENCODING);
        assert_eq!((location.line, location.column, location.start), (2, 5, 10));
        assert!(errors[0].message.contains("byte `0xFF` at byte offset 10"), "{}", errors[0].message);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_offsets_stay_in_the_file() {
        for (text, is_json) in
            [("\u{feff}swagger: 'é'\nx: 1\n", false), ("\u{feff}{\"swagger\": \"é\", \"x\": 1}", true)]
        {
            let parsed = parse(text, "t", is_json, &Limits::default()).unwrap();
            assert_eq!(parsed.value["swagger"], "é", "{text:?}");
            let span = parsed.spans.get("/x").unwrap().value;
            assert_eq!(&text[span.start..span.end], "1", "{text:?}");
            let key = parsed.spans.get("/swagger").unwrap().key.unwrap();
            assert_eq!(&text[key.start..key.end], if is_json { "\"swagger\"" } else { "swagger" });
        }
        let error = parse("\u{feff}{\"a\": }", "t", true, &Limits::default()).unwrap_err();
        assert_eq!(error.location.unwrap().start, 9);
    }

    #[test]
    fn a_second_document_is_an_error_located_at_it() {
        for text in ["a: 1\n---\nb: 2\n", "--- \na: 1\n...\n--- \nb: 2\n", "a: 1\n---\n"] {
            let error = parse_yaml(text).unwrap_err();
            assert_eq!(error.code, codes::MULTIPLE_DOCUMENTS, "{text:?}");
            let location = error.location.unwrap();
            assert_eq!(&text[location.start..location.start + 3], "---", "{text:?}");
        }
        assert!(parse_yaml("---\na: 1\n...\n").is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_before_it_can_overflow_the_stack() {
        let cases = [
            ("- ".repeat(20_000) + "x\n", false),
            ("[".repeat(20_000), false),
            ("{a: ".repeat(20_000), false),
            ("[".repeat(20_000) + &"]".repeat(20_000), true),
            ("{\"a\":".repeat(20_000) + "1" + &"}".repeat(20_000), true),
        ];
        for (text, is_json) in cases {
            // A test thread has a small stack: this fails if anything recurses per level.
            let error = within_seconds(20, move || parse(&text, "t", is_json, &Limits::default()).unwrap_err());
            assert_eq!(error.code, codes::LIMIT, "{}", error.message);
            assert!(error.message.contains("deeper than 127 levels"), "{}", error.message);
            assert!(error.location.is_some());
        }
    }

    #[test]
    fn the_depth_limit_is_the_same_for_yaml_and_json() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for is_json in [false, true] {
            assert!(parse(&nested(127), "t", is_json, &Limits::default()).is_ok());
            assert_eq!(parse(&nested(128), "t", is_json, &Limits::default()).unwrap_err().code, codes::LIMIT);
        }
        let block = format!("{}x\n", "- ".repeat(128));
        assert_eq!(parse_yaml(&block).unwrap_err().location.unwrap().column, 255);
    }

    #[test]
    fn an_alias_cannot_nest_deeper_than_the_limit() {
        let deep = format!("a: &a {}{}\nb: {}*a{}\n", "[".repeat(100), "]".repeat(100), "[".repeat(30), "]".repeat(30));
        let error = parse_yaml(&deep).unwrap_err();
        assert_eq!((error.code, error.location.unwrap().line), (codes::LIMIT, 2));
    }

    #[test]
    fn an_alias_bomb_is_refused_at_an_alias() {
        let mut text = String::from("a0: &a0 [\"lol lol lol lol lol lol lol lol lol lol\"]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"));
        }
        let error = within_seconds(20, move || parse_yaml(&text).unwrap_err());
        assert_eq!(error.code, codes::LIMIT);
        assert!(error.message.starts_with("YAML aliases expand `t.yaml` to more than"), "{}", error.message);
        let location = error.location.unwrap();
        assert!(location.line > 1);
        // Aliases within the budget still work.
        let value = parse_yaml("a: &x {k: [1, 2]}\nb: *x\n").unwrap().value;
        assert_eq!(value["b"]["k"][1], 2);
    }

    #[test]
    fn many_nodes_under_a_long_key_cannot_make_the_span_index_quadratic() {
        let key = "k".repeat(100_000);
        let text = format!("{{\"{key}\": [{}0]}}", "0,".repeat(100_000));
        let limits = Limits { min_expansion_bytes: 1 << 20, ..Limits::default() };
        let error = within_seconds(20, move || parse(&text, "t", true, &limits).unwrap_err());
        assert_eq!(error.code, codes::LIMIT, "{}", error.message);
    }

    #[test]
    fn numbers_that_do_not_fit_are_reported_where_they_are() {
        let error = parse_yaml("a:\n  minimum: -1e400\n").unwrap_err();
        assert_eq!(error.code, codes::NUMBER_RANGE);
        assert_eq!(error.message, "number `-1e400` is too large for a 64-bit float");
        assert_eq!(error.location.map(|l| (l.line, l.column)), Some((2, 12)));
        let error = parse("{\"a\": 1e400}", "t.json", true, &Limits::default()).unwrap_err();
        assert_eq!(error.code, codes::NUMBER_RANGE);

        let parsed = parse_yaml("default: 99999999999999999999\n").unwrap();
        assert_eq!(parsed.value["default"].as_f64(), Some(1e20));
        let warning = &parsed.warnings[0];
        assert_eq!((warning.code, warning.severity), (codes::NUMBER_RANGE, Severity::Warning));
        assert_eq!(warning.location.as_ref().map(|l| (l.line, l.column)), Some((1, 10)));

        let parsed =
            parse_yaml("a: 18446744073709551615\nb: 0xFFFFFFFFFFFFFFFF\nc: 0x-5\nd: -9223372036854775808\n").unwrap();
        assert_eq!(parsed.value["a"].as_u64(), Some(u64::MAX));
        assert_eq!(parsed.value["b"].as_u64(), Some(u64::MAX));
        assert_eq!(parsed.value["c"], "0x-5");
        assert_eq!(parsed.value["d"].as_i64(), Some(i64::MIN));
        assert!(parsed.warnings.is_empty());
        assert_eq!(plain_scalar(&"9".repeat(400)), Scalar::Overflow);
        assert_eq!(plain_scalar(&format!("0x{}", "f".repeat(300))), Scalar::Overflow);
        assert!(matches!(plain_scalar("0x1ffffffffffffffff"), Scalar::Rounded(_)));
    }

    /// libyaml-safer 0.3 panics on these (its issues #6 and #7) where libyaml reports an
    /// error: they must be located syntax errors, not panics.
    #[test]
    fn inputs_that_make_the_yaml_parser_panic_are_syntax_errors() {
        for (text, line) in [("[!,", 1), ("a: ''|\n 0", 1), ("x: 1\ny: [!t,]\n", 2)] {
            let error = within_seconds(10, move || parse_yaml(text).unwrap_err());
            assert_eq!(error.code, codes::SYNTAX, "{text:?}: {}", error.message);
            assert_eq!(error.location.map(|l| l.line), Some(line), "{text:?}");
        }
        // The parser is used afresh afterwards.
        assert!(parse_yaml("a: [1]\n").is_ok());
    }

    /// libyaml-safer 0.3 panics where a block scalar runs to the end of a text without a final
    /// line break (its issue #6; a DigitalOcean spec has such files). libyaml reads them: so
    /// does the loader, each to the value libyaml gives, with spans inside the text.
    #[test]
    fn a_block_scalar_may_end_the_text_without_a_line_break() {
        for (text, last) in [
            ("a: |\n  x", "/a"),
            ("a: |+\n  x", "/a"),
            ("a: |-\n  x", "/a"),
            ("a: >\n  x\n  y", "/a"),
            ("a: >\n  x\n\n  y", "/a"),
            ("a: |\n  x  ", "/a"),
            ("a: |\n  x\n  ", "/a"),
            ("a: |+\n  x\n  ", "/a"),
            ("a: |+\n  x\n\n  ", "/a"),
            ("a: |\n  x\n   ", "/a"),
            ("a: |\n    x\n ", "/a"),
            ("a: |\n  x\n# a comment", "/a"),
            ("a: |2\n   x", "/a"),
            ("- |\n  x", "/0"),
            ("a: &text |\n  x", "/a"),
            ("a: !!str |\n  x", "/a"),
            ("a:\n  b: >-\n    one\n    two", "/a/b"),
            ("a: 1\nb: |\n  é", "/b"),
            ("a: |", "/a"),
        ] {
            let parsed = parse_yaml(text).unwrap_or_else(|e| panic!("{text:?}: {}", e.message));
            let libyaml: Value = serde_yaml::from_str(text).expect("libyaml reads it");
            assert_eq!(parsed.value, libyaml, "{text:?}");
            let span = parsed.spans.get(last).expect("a span").value;
            assert!(span.start <= span.end && span.end <= text.len(), "{text:?}: {span:?}");
        }
        let parsed = parse_yaml("a: 1\nb: |\n  é").expect("it reads");
        let span = parsed.spans.get("/b").expect("a span").value;
        assert_eq!((span.line, span.column, span.start, span.end), (3, 3, 12, 14));
    }

    /// Positions are not recounted from the start of the file: yaml-rust2 counted characters
    /// and marked a block mapping after its first key, and the conversion to bytes started
    /// over at every such step back (a 4 MB non-ASCII spec took minutes).
    #[test]
    fn many_block_mappings_in_non_ascii_text_load_in_linear_time() {
        let text = "- a: é\n  b: 1\n".repeat(50_000);
        let parsed = within_seconds(30, move || parse_yaml(&text).unwrap());
        assert_eq!(parsed.value.as_array().map(Vec::len), Some(50_000));
        let span = parsed.spans.get("/49999/b").unwrap().value;
        assert_eq!((span.line, span.column), (100_000, 6));
    }

    #[test]
    fn very_long_lines_load_in_linear_time() {
        let text = format!("[{}1]", "1, é, ".repeat(200_000));
        let parsed = within_seconds(30, move || parse_yaml(&text).unwrap());
        assert_eq!(parsed.value.as_array().map(Vec::len), Some(400_001));
    }
}

#[cfg(test)]
mod deep_documents {
    use super::*;

    /// A document at the depth limit goes through every pass on a test thread's small
    /// stack: nothing after the loader recurses so deep that it overflows.
    #[test]
    fn a_spec_at_the_depth_limit_passes_every_check_without_overflowing() {
        let mut schema = String::from("{type: string}");
        for _ in 0..55 {
            schema = format!("{{type: object, properties: {{p: {schema}}}}}");
        }
        let data = format!("{}1{}", "[".repeat(120), "]".repeat(120));
        let example = format!("{}1{}", "{\"p\": ".repeat(55), "}".repeat(55));
        let spec = format!(
            "swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-data: {data}\ndefinitions:\n  Deep: {schema}\n  Ex:\n    type: object\n    example: {example}\n    x-more: {data}\n"
        );
        let dir = std::env::temp_dir().join(format!("load-deep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, spec).unwrap();
        let config = dir.join("codegen.yaml");
        std::fs::write(&config, "spec: spec.yaml\noutput: out\npackage:\n  name: deep\n").unwrap();
        let handle = std::thread::spawn(move || {
            let mut diagnostics = Diagnostics::default();
            let checked = crate::check(&path, &[], &mut diagnostics).is_some();
            // Lowering and emission too.
            let config = crate::Config::load(&config).expect("the configuration loads");
            let files = crate::run(&config, &mut diagnostics);
            (checked && files.is_some(), diagnostics.render(false))
        });
        let (checked, rendered) = handle.join().expect("no stack overflow");
        assert!(checked, "{rendered}");
    }
}

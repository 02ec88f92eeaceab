//! Load: reads a YAML or JSON file into a JSON value and the span of every node.
//!
//! In: a path. Out: a [`SourceFile`], or a diagnostic pointing at the syntax error.
//! YAML is read with the core schema of YAML 1.2, so `200:` is the key `"200"` and
//! `'200'` stays a string. serde_yaml gives no positions for values, so the events of
//! `yaml-rust2`'s parser are folded into values here (see `docs/decisions.md`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location};
use crate::source::{push_token, NodeSpan, SourceFile, Span};

/// Reads and parses one file. `display` is the name diagnostics show for it.
pub fn load_file(path: &Path, display: &str) -> Result<SourceFile, Box<Diagnostic>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Box::new(Diagnostic::error(codes::IO, format!("cannot read `{display}`: {e}"))))?;
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    parse(&text, display, is_json).map(|(value, spans)| SourceFile {
        path: canonical,
        display: display.to_owned(),
        text,
        value,
        spans,
    })
}

/// Like [`load_file`], reporting a failure (with the file's text, so it renders) instead of
/// returning it.
pub fn load_or_report(path: &Path, display: &str, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    match load_file(path, display) {
        Ok(file) => Some(file),
        Err(diagnostic) => {
            if let Ok(text) = std::fs::read_to_string(path) {
                diagnostics.add_source(display, &text);
            }
            diagnostics.push(*diagnostic);
            None
        }
    }
}

/// Parses text that is YAML (or JSON, when `is_json`, which gets JSON's stricter syntax check).
pub fn parse(text: &str, display: &str, is_json: bool) -> Result<(Value, BTreeMap<String, NodeSpan>), Box<Diagnostic>> {
    if is_json {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            let (line, column) = (e.line(), e.column());
            let start = offset_of(text, line, column);
            let message = e.to_string();
            let message = message.split(" at line").next().unwrap_or(&message).to_owned();
            return Err(Box::new(
                Diagnostic::error(codes::SYNTAX, format!("invalid JSON: {message}"))
                    .at(Some(Location { file: display.into(), line, column, start, end: start + 1 }))
                    .label("here"),
            ));
        }
    }
    let mut builder = Builder { text, display, ascii: text.is_ascii(), ..Builder::default() };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        let m = e.marker();
        let start = builder.byte_offset(m.index());
        let (line, column) = (m.line(), m.col() + 1);
        return Err(Box::new(
            Diagnostic::error(codes::SYNTAX, format!("invalid YAML: {}", e.info()))
                .at(Some(Location { file: display.into(), line, column, start, end: start + 1 }))
                .label("here"),
        ));
    }
    if let Some(error) = builder.error {
        return Err(Box::new(error));
    }
    let value = builder.done.unwrap_or(Value::Null);
    Ok((value, builder.spans))
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

enum Frame {
    Seq { pointer: String, items: Vec<Value> },
    Map { pointer: String, map: Map<String, Value>, key: Option<(String, Span)> },
}

#[derive(Default)]
struct Builder<'a> {
    text: &'a str,
    display: &'a str,
    stack: Vec<Frame>,
    spans: BTreeMap<String, NodeSpan>,
    anchors: BTreeMap<usize, Value>,
    pending_anchor: Vec<(usize, usize)>,
    done: Option<Value>,
    error: Option<Diagnostic>,
    ascii: bool,
    /// The last (character, byte) offset pair converted.
    cursor: (usize, usize),
}

impl Builder<'_> {
    fn span_at(&mut self, mark: &Marker, len: usize) -> Span {
        let start = self.byte_offset(mark.index());
        let end = (start + len).min(self.text.len());
        Span { start, end, line: mark.line(), column: mark.col() + 1 }
    }

    /// yaml-rust2 counts characters; spans are byte offsets. Events arrive in text order, so
    /// a cursor makes the conversion linear over the file (ASCII text needs none).
    fn byte_offset(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let (mut chars, mut bytes) = if char_index >= self.cursor.0 { self.cursor } else { (0, 0) };
        for c in self.text[bytes..].chars() {
            if chars == char_index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (chars, bytes);
        bytes
    }

    fn fail(&mut self, code: &'static str, message: String, span: Span, label: &str) {
        if self.error.is_none() {
            let location = Location {
                file: self.display.to_owned(),
                line: span.line,
                column: span.column,
                start: span.start,
                end: span.end,
            };
            self.error = Some(Diagnostic::error(code, message).at(Some(location)).label(label));
        }
    }

    /// The pointer the next value will have, and the span of its key when in a mapping.
    fn next_pointer(&self) -> (String, Option<Span>) {
        match self.stack.last() {
            None => (String::new(), None),
            Some(Frame::Seq { pointer, items }) => (format!("{pointer}/{}", items.len()), None),
            Some(Frame::Map { pointer, key: Some((k, span)), .. }) => (push_token(pointer, k), Some(*span)),
            Some(Frame::Map { pointer, .. }) => (pointer.clone(), None),
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn finish_value(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
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
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let start = self.byte_offset(mark.index());
                let len = scalar_len(self.text, &text, style, start);
                let span = self.span_at(&mark, len);
                if self.expecting_key() {
                    // A block mapping is marked at its first `:`; it starts at its first key.
                    if let Some(Frame::Map { pointer, map, .. }) = self.stack.last() {
                        if map.is_empty() {
                            if let Some(node) = self.spans.get_mut(pointer) {
                                if node.value.start > span.start {
                                    node.value = Span { end: span.start + 1, ..span };
                                }
                            }
                        }
                    }
                    self.start_key(text, span);
                    return;
                }
                let (pointer, key) = self.next_pointer();
                self.spans.insert(pointer, NodeSpan { value: span, key });
                let value = if style == TScalarStyle::Plain { plain_scalar(&text) } else { Value::String(text) };
                self.finish_value(value, anchor);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let span = self.span_at(&mark, 1);
                if self.expecting_key() {
                    self.fail(
                        codes::UNSUPPORTED,
                        "a mapping key that is not a scalar is not supported yet".into(),
                        span,
                        "complex key",
                    );
                    return;
                }
                let (pointer, key) = self.next_pointer();
                self.spans.insert(pointer.clone(), NodeSpan { value: span, key });
                self.pending_anchor.push((self.stack.len(), anchor));
                self.stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq { pointer, items: Vec::new() }
                } else {
                    Frame::Map { pointer, map: Map::new(), key: None }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let value = match self.stack.pop() {
                    Some(Frame::Seq { items, .. }) => Value::Array(items),
                    Some(Frame::Map { map, .. }) => Value::Object(map),
                    None => return,
                };
                let anchor = match self.pending_anchor.pop() {
                    Some((depth, anchor)) if depth == self.stack.len() => anchor,
                    _ => 0,
                };
                self.finish_value(value, anchor);
            }
            Event::Alias(id) => {
                let span = self.span_at(&mark, 1);
                let Some(value) = self.anchors.get(&id).cloned() else {
                    self.fail(codes::SYNTAX, "invalid YAML: unknown alias".into(), span, "alias");
                    return;
                };
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
                let (pointer, key) = self.next_pointer();
                self.spans.insert(pointer, NodeSpan { value: span, key });
                self.finish_value(value, 0);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }
}

/// Length in bytes to underline for a scalar starting at byte `start`.
fn scalar_len(source: &str, text: &str, style: TScalarStyle, start: usize) -> usize {
    // Only the scalar itself is scanned: a minified JSON file is one line, and measuring "the
    // rest of the line" for every scalar would be quadratic in its size.
    let rest = &source[start.min(source.len())..];
    let line_len = |rest: &str| rest.find('\n').map_or(rest.len(), |end| rest[..end].trim_end().len());
    match style {
        TScalarStyle::Plain if !text.contains('\n') => text.len().min(rest.len()).max(1),
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted if !text.contains('\n') => {
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

/// The YAML 1.2 core schema for plain scalars.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1i64, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.trim_start_matches('+').parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = digits.parse::<u64>() {
            if sign > 0 {
                return Value::Number(n.into());
            }
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return Value::Number(n.into());
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(oct, 8) {
            return Value::Number(n.into());
        }
    }
    let is_float = {
        let t = text.trim_start_matches(['-', '+']);
        t.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.')
            && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
            && t.chars().any(|c| c.is_ascii_digit())
    };
    if is_float {
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_owned())
}

/// Parses the JSON text held by a string node, and returns its value and the spans of its
/// nodes translated to the file, when the string is a literal block whose lines are the
/// JSON text verbatim. Other strings get the string's own span for every node.
pub fn parse_embedded_json(file: &SourceFile, pointer: &str) -> Option<(Value, BTreeMap<String, NodeSpan>)> {
    let text = file.value.pointer(pointer)?.as_str()?;
    let (value, inner) = parse(text, &file.display, true).ok()?;
    let own = file.spans.get(pointer).copied();
    let mut spans = BTreeMap::new();
    let block = own.and_then(|s| block_layout(&file.text, s.value, text));
    for (p, span) in inner {
        let translated = match (&block, own) {
            (Some(layout), _) => {
                NodeSpan { value: layout.translate(span.value), key: span.key.map(|k| layout.translate(k)) }
            }
            (None, Some(own)) => own,
            (None, None) => continue,
        };
        spans.insert(format!("{pointer}{p}"), translated);
    }
    Some((value, spans))
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

    #[test]
    fn integer_keys_are_strings_and_values_keep_positions() {
        let (value, spans) = parse("responses:\n  200:\n    description: ok\n", "t.yaml", false).unwrap();
        assert_eq!(value["responses"]["200"]["description"], "ok");
        let span = spans["/responses/200/description"];
        assert_eq!((span.value.line, span.value.column), (3, 18));
        assert_eq!((span.key.unwrap().line, span.key.unwrap().column), (3, 5));
    }

    #[test]
    fn core_schema_scalars() {
        let (value, _) = parse("a: 30000\nb: '30000'\nc: true\nd: ~\ne: 1.5\nf: string.\n", "t.yaml", false).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": 30000, "b": "30000", "c": true, "d": null, "e": 1.5, "f": "string."})
        );
    }

    #[test]
    fn json_without_spaces_after_colons() {
        let (value, _) = parse(r#"{"allOf": [{"$ref":"a.json"}], "n": 1}"#, "t.json", true).unwrap();
        assert_eq!(value["allOf"][0]["$ref"], "a.json");
    }

    #[test]
    fn duplicate_keys_are_errors_with_location() {
        let err = parse("a: 1\na: 2\n", "t.yaml", false).unwrap_err();
        assert_eq!(err.code, codes::DUPLICATE_KEY);
        assert_eq!(err.location.unwrap().line, 2);
    }

    #[test]
    fn syntax_errors_have_location() {
        let err = parse("a: [1, 2\n", "t.yaml", false).unwrap_err();
        assert_eq!(err.code, codes::SYNTAX);
        let err = parse("{\"a\": }", "t.json", true).unwrap_err();
        assert_eq!(err.location.unwrap().column, 7);
    }
}

//! The small grammars spec strings must follow, from RFC 3986 (URI paths and hosts) and
//! RFC 9110 (header field names and media types), and the place of a part inside a string
//! as written in its file.
//!
//! Each check returns the first part that breaks the grammar, as a byte range of the string
//! and a kind, so a diagnostic can point at it and say what it is. The grammars are a few
//! lines of ABNF each; a URI or media type crate would accept or reject the whole string
//! without saying which character is wrong, and some are lenient on purpose (`http` accepts
//! `{`, `}` and `"` in paths for compatibility, and any `%`).

use std::ops::Range;

use crate::diagnostics::Location;
use crate::source::{SourceMap, Sources};

/// RFC 9110 `tchar`: the characters of a `token`, such as a header field name.
pub fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// The first character of `name` that may not stand in an RFC 9110 `token`.
pub fn token_flaw(name: &str) -> Option<(Range<usize>, char)> {
    name.char_indices().find(|(_, c)| !is_tchar(*c)).map(|(i, c)| (i..i + c.len_utf8(), c))
}

/// RFC 3986 `pchar` minus `%` (checked apart), plus `/`: what a path holds unencoded.
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c)
}

/// What breaks the grammar of a URI path or host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriFlaw {
    /// A space or another white-space character.
    Space,
    /// A control character other than white space.
    Control(char),
    /// A character that must be percent-encoded.
    Unencoded(char),
    /// `%` not followed by two hexadecimal digits.
    BadPercent,
    /// A `%NAME%` placeholder, or `{name}` where there is no templating.
    Template,
    /// `{` without a closing `}`, or `{}`.
    BadTemplate,
    /// `?` and what follows.
    Query,
    /// `#` and what follows.
    Fragment,
}

impl UriFlaw {
    /// What the flawed part is, for a message: "holds {what}".
    pub fn what(self, part: &str) -> String {
        match self {
            UriFlaw::Space if part == " " => "a space".to_owned(),
            UriFlaw::Space => format!("the white-space character {}", unicode(part)),
            UriFlaw::Control(c) => format!("the control character {}", unicode(&c.to_string())),
            UriFlaw::Unencoded(_) => format!("`{part}`, which must be percent-encoded"),
            UriFlaw::BadPercent => format!("`{part}`, which is not a percent-encoding"),
            UriFlaw::Template => format!("the template `{part}`"),
            UriFlaw::BadTemplate => format!("`{part}`, which is not a template variable"),
            UriFlaw::Query => format!("the query string `{part}`"),
            UriFlaw::Fragment => format!("the fragment `{part}`"),
        }
    }
}

fn unicode(part: &str) -> String {
    part.chars().map(|c| format!("U+{:04X}", u32::from(c))).collect::<Vec<_>>().join(" ")
}

/// How `{` is read in a string checked as a URI path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Braces {
    /// `{name}` is a template variable (an OpenAPI path key).
    Template,
    /// `{name}` is a template where none is allowed (Swagger 2.0 `basePath`).
    Forbidden,
}

/// The first part of `path` that a URI path may not hold (RFC 3986 `path-abempty`, with
/// `%XX` encodings), reading `{name}` as `braces` says.
pub fn path_flaw(path: &str, braces: Braces) -> Option<(Range<usize>, UriFlaw)> {
    uri_flaw(path, braces, is_path_char)
}

/// The first part of `host` (RFC 3986 `host [ ":" port ]`) that is not allowed there.
pub fn host_flaw(host: &str) -> Option<(Range<usize>, UriFlaw)> {
    let is_host_char = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:[]".contains(c);
    uri_flaw(host, Braces::Forbidden, is_host_char)
}

/// The first part of the authority of a URL (`user@host:port`) that is not allowed there.
pub fn authority_flaw(authority: &str) -> Option<(Range<usize>, UriFlaw)> {
    let is_authority_char = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:[]@".contains(c);
    uri_flaw(authority, Braces::Forbidden, is_authority_char)
}

/// RFC 3986 `scheme`: a letter, then letters, digits, `+`, `-` and `.`.
pub fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn uri_flaw(text: &str, braces: Braces, allowed: impl Fn(char) -> bool) -> Option<(Range<usize>, UriFlaw)> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let flaw = match c {
            '?' => return Some((i..text.len(), UriFlaw::Query)),
            '#' => return Some((i..text.len(), UriFlaw::Fragment)),
            '{' => {
                let rest = &text[i + 1..];
                let close = rest.find('}');
                let name = close.map(|end| &rest[..end]);
                match name {
                    Some(name) if !name.is_empty() && !name.contains(['{', '/']) => {
                        let end = i + 1 + name.len() + 1;
                        if braces == Braces::Forbidden {
                            return Some((i..end, UriFlaw::Template));
                        }
                        while chars.peek().is_some_and(|(j, _)| *j < end) {
                            chars.next();
                        }
                        continue;
                    }
                    _ => {
                        let end = close.map_or(i + 1, |end| i + 1 + end + 1);
                        return Some((i..end, UriFlaw::BadTemplate));
                    }
                }
            }
            '%' => {
                let hex = text.as_bytes().get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                if hex {
                    continue;
                }
                // `%NAME%`: a placeholder some tool was meant to replace.
                let rest = &text[i + 1..];
                let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                if name_len > 0 && rest[name_len..].starts_with('%') {
                    return Some((i..i + name_len + 2, UriFlaw::Template));
                }
                let end = text[i..].char_indices().nth(3).map_or(text.len(), |(j, _)| i + j);
                return Some((i..end, UriFlaw::BadPercent));
            }
            c if c.is_whitespace() => UriFlaw::Space,
            c if c.is_control() => UriFlaw::Control(c),
            c if allowed(c) => continue,
            c => UriFlaw::Unencoded(c),
        };
        return Some((i..i + c.len_utf8(), flaw));
    }
    None
}

/// Why a media type (or media range, `text/*`) does not follow RFC 9110:
/// `type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )`.
pub fn media_type_flaw(text: &str) -> Option<(Range<usize>, &'static str)> {
    if text.is_empty() {
        return Some((0..0, "empty"));
    }
    let token_end = |from: usize| text[from..].find(|c: char| !is_tchar(c)).map_or(text.len(), |j| from + j);
    let type_end = token_end(0);
    if type_end == 0 {
        return Some((0..char_end(text, 0), "a media type starts with its type, a token"));
    }
    if !text[type_end..].starts_with('/') {
        return Some((type_end..char_end(text, type_end), "expected `/` between the type and the subtype"));
    }
    let subtype_end = token_end(type_end + 1);
    if subtype_end == type_end + 1 {
        return Some((subtype_end..char_end(text, subtype_end), "expected the subtype, a token"));
    }
    let mut at = subtype_end;
    let skip_ows = |at: usize| text[at..].find(|c| c != ' ' && c != '\t').map_or(text.len(), |j| at + j);
    loop {
        at = skip_ows(at);
        if at == text.len() {
            return None;
        }
        if !text[at..].starts_with(';') {
            return Some((at..char_end(text, at), "expected `;` before a parameter"));
        }
        at = skip_ows(at + 1);
        if at == text.len() || text[at..].starts_with(';') {
            continue;
        }
        let name_end = token_end(at);
        if name_end == at {
            return Some((at..char_end(text, at), "expected a parameter name, a token"));
        }
        if !text[name_end..].starts_with('=') {
            return Some((at..name_end, "a parameter needs a value: `name=value`"));
        }
        let value = name_end + 1;
        if text[value..].starts_with('"') {
            match quoted_string_end(&text[value..]) {
                Some(len) => at = value + len,
                None => return Some((value..text.len(), "this quoted string is not closed")),
            }
        } else {
            at = token_end(value);
            if at == value {
                return Some((name_end..char_end(text, value), "a parameter needs a value: `name=value`"));
            }
        }
    }
}

/// The byte after the character at `at` (or `at` at the end).
fn char_end(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// The length of the RFC 9110 `quoted-string` `text` starts with, if it is closed.
fn quoted_string_end(text: &str) -> Option<usize> {
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(i + 1),
            '\\' => {
                chars.next();
            }
            c if c.is_control() && c != '\t' => return None,
            _ => {}
        }
    }
    None
}

/// Where the bytes `range` of the string at `pointer` (its key when `key`, else its value)
/// are written, when the string is written on one line without escapes, plain or quoted;
/// where the whole string is otherwise.
pub fn part_location(
    map: &SourceMap,
    sources: &Sources,
    pointer: &str,
    key: bool,
    text: &str,
    range: Range<usize>,
) -> Option<Location> {
    let whole = if key { map.key_location(sources, pointer) } else { map.value_location(sources, pointer) }?;
    let narrowed = (|| {
        let (file, _) = map.origin(pointer)?;
        let written = sources.files.get(file)?.text.get(whole.start..whole.end)?;
        let offset = if written == text {
            0
        } else if written.len() == text.len() + 2
            && (written.starts_with('"') || written.starts_with('\''))
            && written.ends_with(&written[..1])
            && &written[1..written.len() - 1] == text
        {
            1
        } else {
            return None;
        };
        if text.contains(['\n', '\r']) || range.end > text.len() {
            return None;
        }
        let column = whole.column + text.get(..range.start)?.chars().count() + offset;
        let start = whole.start + offset + range.start;
        Some(Location { column, start, end: whole.start + offset + range.end, ..whole.clone() })
    })();
    narrowed.or(Some(whole))
}

/// Where `needle` is written inside the string at `pointer` (its key when `key`, else its
/// value), when the string is written on one line; where the whole string is otherwise.
pub fn needle_location(map: &SourceMap, sources: &Sources, pointer: &str, key: bool, needle: &str) -> Option<Location> {
    let whole = if key { map.key_location(sources, pointer) } else { map.value_location(sources, pointer) }?;
    let narrowed = (|| {
        let (file, _) = map.origin(pointer)?;
        let written = sources.files.get(file)?.text.get(whole.start..whole.end)?;
        if written.contains(['\n', '\r']) {
            return None;
        }
        let offset = written.find(needle)?;
        let column = whole.column + written.get(..offset)?.chars().count();
        let start = whole.start + offset;
        Some(Location { column, start, end: start + needle.len(), ..whole.clone() })
    })();
    narrowed.or(Some(whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Option<(&str, UriFlaw)> {
        path_flaw(p, Braces::Template).map(|(r, f)| (&p[r], f))
    }

    #[test]
    fn path_keys() {
        assert_eq!(path("/rooms/{roomId}/state/{type}"), None);
        assert_eq!(path("/a-b_c.d~e!$&'()*+,;=:@/%20%7e"), None);
        assert_eq!(path("/events "), Some((" ", UriFlaw::Space)));
        assert_eq!(path("/a\tb"), Some(("\t", UriFlaw::Space)));
        assert_eq!(path("/a\u{1}b"), Some(("\u{1}", UriFlaw::Control('\u{1}'))));
        assert_eq!(path("/caf\u{e9}"), Some(("\u{e9}", UriFlaw::Unencoded('\u{e9}'))));
        assert_eq!(path("/a\"b"), Some(("\"", UriFlaw::Unencoded('"'))));
        assert_eq!(path("/search?q={q}"), Some(("?q={q}", UriFlaw::Query)));
        assert_eq!(path("/x#frag"), Some(("#frag", UriFlaw::Fragment)));
        assert_eq!(path("/x/{id"), Some(("{", UriFlaw::BadTemplate)));
        assert_eq!(path("/x/{}"), Some(("{}", UriFlaw::BadTemplate)));
        assert_eq!(path("/x/{a{b}"), Some(("{a{b}", UriFlaw::BadTemplate)));
        assert_eq!(path("/x/}"), Some(("}", UriFlaw::Unencoded('}'))));
        assert_eq!(path("/v/%CLIENT_MAJOR_VERSION%/x"), Some(("%CLIENT_MAJOR_VERSION%", UriFlaw::Template)));
        assert_eq!(path("/100%"), Some(("%", UriFlaw::BadPercent)));
        assert_eq!(path("/%zz/a"), Some(("%zz", UriFlaw::BadPercent)));
        assert_eq!(path("/%\u{e9}\u{e9}"), Some(("%\u{e9}\u{e9}", UriFlaw::BadPercent)));
        let base = |p: &'static str| path_flaw(p, Braces::Forbidden).map(|(r, f)| (&p[r], f));
        assert_eq!(base("/api/{version}"), Some(("{version}", UriFlaw::Template)));
        assert_eq!(base("/api/v1"), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(host_flaw("api.example.org:8443"), None);
        assert_eq!(host_flaw("[::1]:80"), None);
        assert_eq!(
            host_flaw("example.org/api").map(|(r, f)| ("example.org/api"[r].to_owned(), f)),
            Some(("/".into(), UriFlaw::Unencoded('/')))
        );
        assert_eq!(host_flaw("a b").map(|(_, f)| f), Some(UriFlaw::Space));
    }

    #[test]
    fn multi_byte_characters_anywhere_never_panic() {
        let pieces = ["%", "{", "}", "é", "\u{1F600}", "/", ";", "=", "\"", "\\", "?", "#", "a", " ", "%E", "%é"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    for braces in [Braces::Template, Braces::Forbidden] {
                        if let Some((range, _)) = path_flaw(&text, braces) {
                            assert!(text.get(range).is_some(), "{text:?}");
                        }
                    }
                    for text in [text.clone(), format!("a/b;{text}"), format!("a/b; n={text}")] {
                        if let Some((range, _)) = media_type_flaw(&text) {
                            assert!(text.get(range).is_some(), "{text:?}");
                        }
                        if let Some((range, _)) = host_flaw(&text).or_else(|| authority_flaw(&text)) {
                            assert!(text.get(range).is_some(), "{text:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn tokens() {
        assert_eq!(token_flaw("X-Request-ID"), None);
        assert_eq!(token_flaw("!#$%&'*+-.^_`|~09azAZ"), None);
        assert_eq!(token_flaw("X Foo"), Some((1..2, ' ')));
        assert_eq!(token_flaw("X:Foo"), Some((1..2, ':')));
        assert_eq!(token_flaw("\u{fc}"), Some((0..2, '\u{fc}')));
    }

    #[test]
    fn media_types() {
        let flaw = |t: &'static str| media_type_flaw(t).map(|(r, why)| (&t[r], why));
        for ok in [
            "application/json",
            "*/*",
            "text/*",
            "application/vnd.api+json",
            "text/plain; charset=utf-8",
            "text/plain;charset=\"utf-8\"",
            "text/plain; a=\"x\\\"y\"; b=c",
            "application/json;",
            "application/json ; ; q=0.5",
        ] {
            assert_eq!(media_type_flaw(ok), None, "{ok}");
        }
        assert_eq!(flaw(""), Some(("", "empty")));
        assert_eq!(flaw("json"), Some(("", "expected `/` between the type and the subtype")));
        assert_eq!(flaw("application/"), Some(("", "expected the subtype, a token")));
        assert_eq!(flaw("application/json; charset"), Some(("charset", "a parameter needs a value: `name=value`")));
        assert_eq!(flaw("application/json; charset="), Some(("=", "a parameter needs a value: `name=value`")));
        assert_eq!(flaw("application/json charset=utf-8"), Some(("c", "expected `;` before a parameter")));
        assert_eq!(flaw(" application/json"), Some((" ", "a media type starts with its type, a token")));
        assert_eq!(flaw("text/plain; a=\"x"), Some(("\"x", "this quoted string is not closed")));
        assert_eq!(flaw("application/json, text/plain"), Some((",", "expected `;` before a parameter")));
    }
}

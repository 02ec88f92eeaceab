//! Form bodies: `application/x-www-form-urlencoded` and `multipart/form-data`, written by
//! [`FormWriter`] and read by [`Form::parse`] (decision 30).

use std::borrow::Cow;
use std::fmt::Display;

use crate::error::{FromHttpRequestError, IntoHttpError};
use crate::wire::Params;

/// The most parts a multipart body may have; the body itself is bounded by the server's limit.
const MAX_PARTS: usize = 1000;
/// The most bytes of headers one part may have.
const MAX_PART_HEADERS: usize = 8 * 1024;

/// A file in a `multipart/form-data` body: its bytes, and the file name and media type its
/// part names, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilePart {
    /// The file's content, unchanged.
    pub bytes: Vec<u8>,
    /// The `filename` of the part's `Content-Disposition`.
    pub file_name: Option<String>,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes, with no name or media type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// The file with a file name.
    #[must_use]
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The file with a media type.
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

enum Part {
    Text(String),
    File(FilePart),
}

/// A form body being written, field by field, in order.
pub struct FormWriter {
    multipart: bool,
    fields: Vec<(Cow<'static, str>, Part)>,
    /// The media type the spec's `encoding` declares for a field's parts.
    content_types: Vec<(&'static str, &'static str)>,
}

impl FormWriter {
    /// An empty form; `multipart` for `multipart/form-data`, else
    /// `application/x-www-form-urlencoded`.
    pub fn new(multipart: bool) -> Self {
        FormWriter { multipart, fields: Vec::new(), content_types: Vec::new() }
    }

    /// Declares the media type of the field `name`'s parts (an `encoding` object's
    /// `contentType`): a text part is sent with it, a file part whose [`FilePart`] names no
    /// media type too (instead of `application/octet-stream`). Only multipart bodies have
    /// part headers; an urlencoded form ignores it.
    pub fn content_type(&mut self, name: &'static str, content_type: &'static str) {
        self.content_types.push((name, content_type));
    }

    /// Adds one text field of the items joined by `separator` (an array of an urlencoded
    /// form with `explode: false`: `a,b,c`, or `a b c`, `a|b|c` for the delimited styles).
    /// Nothing is added for no items.
    pub fn joined<T: Display>(&mut self, name: &'static str, values: &[T], separator: char) {
        if values.is_empty() {
            return;
        }
        let text = values.iter().map(ToString::to_string).collect::<Vec<_>>().join(&separator.to_string());
        self.fields.push((Cow::Borrowed(name), Part::Text(text)));
    }

    /// Adds a text field.
    pub fn text(&mut self, name: &'static str, value: &impl Display) {
        self.fields.push((Cow::Borrowed(name), Part::Text(value.to_string())));
    }

    /// Adds a structured value in brackets (an urlencoded field with `style: deepObject`):
    /// a text field `name[key]` per member, `name[0]` per item, at any depth
    /// ([`crate::wire::nested_pairs`]).
    pub fn nested<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), IntoHttpError> {
        let pairs = crate::wire::nested_pairs(name, value)
            .map_err(|reason| IntoHttpError::InvalidBody { reason: format!("the form field `{name}`: {reason}") })?;
        self.fields.extend(pairs.into_iter().map(|(key, text)| (Cow::Owned(key), Part::Text(text))));
        Ok(())
    }

    /// Adds a text field per item.
    pub fn texts<T: Display>(&mut self, name: &'static str, values: &[T]) {
        for value in values {
            self.text(name, value);
        }
    }

    /// Adds a file (in a form that is not multipart, its bytes as text, lossily).
    pub fn file(&mut self, name: &'static str, file: &FilePart) {
        self.fields.push((Cow::Borrowed(name), Part::File(file.clone())));
    }

    /// The body's media type (with its boundary) and bytes.
    pub fn finish(self) -> Result<(String, Vec<u8>), IntoHttpError> {
        if !self.multipart {
            let mut serializer = form_urlencoded::Serializer::new(String::new());
            for (name, part) in &self.fields {
                match part {
                    Part::Text(text) => serializer.append_pair(name, text),
                    Part::File(file) => serializer.append_pair(name, &String::from_utf8_lossy(&file.bytes)),
                };
            }
            return Ok(("application/x-www-form-urlencoded".to_owned(), serializer.finish().into_bytes()));
        }
        let boundary = self.boundary();
        let mut out = Vec::new();
        for (name, part) in &self.fields {
            let declared = self.content_types.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name={}", quoted(name)?);
            match part {
                Part::Text(text) => {
                    out.extend_from_slice(format!("{disposition}\r\n").as_bytes());
                    if let Some(content_type) = declared {
                        out.extend_from_slice(format!("Content-Type: {}\r\n", header_value(content_type)?).as_bytes());
                    }
                    out.extend_from_slice(b"\r\n");
                    out.extend_from_slice(text.as_bytes());
                }
                Part::File(file) => {
                    if let Some(file_name) = &file.file_name {
                        disposition.push_str(&format!("; filename={}", quoted(file_name)?));
                    }
                    out.extend_from_slice(format!("{disposition}\r\n").as_bytes());
                    let content_type = file.content_type.as_deref().or(declared).unwrap_or("application/octet-stream");
                    out.extend_from_slice(format!("Content-Type: {}\r\n\r\n", header_value(content_type)?).as_bytes());
                    out.extend_from_slice(&file.bytes);
                }
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((format!("multipart/form-data; boundary={boundary}"), out))
    }

    /// A boundary that no part holds: the same for the same form, so requests are
    /// reproducible.
    fn boundary(&self) -> String {
        let holds = |boundary: &str| {
            self.fields.iter().any(|(name, part)| {
                let bytes = match part {
                    Part::Text(text) => text.as_bytes(),
                    Part::File(file) => file.bytes.as_slice(),
                };
                contains(bytes, boundary.as_bytes())
                    || contains(name.as_bytes(), boundary.as_bytes())
                    || matches!(part, Part::File(FilePart { file_name: Some(f), .. }) if f.contains(boundary))
            })
        };
        (0u64..)
            .map(|n| format!("specgen-boundary-{n:016x}"))
            .find(|b| !holds(b))
            .unwrap_or_else(|| "specgen-boundary".to_owned())
    }
}

/// A part's media type, which cannot hold a line break.
fn header_value(content_type: &str) -> Result<&str, IntoHttpError> {
    if content_type.contains(['\r', '\n']) {
        return Err(IntoHttpError::InvalidBody {
            reason: format!("the media type {content_type:?} of a form part holds a line break"),
        });
    }
    Ok(content_type)
}

/// `"text"` with `"` and `\` escaped; a line break cannot be written in a header.
fn quoted(text: &str) -> Result<String, IntoHttpError> {
    if text.contains(['\r', '\n']) {
        return Err(IntoHttpError::InvalidBody {
            reason: format!("the form field or file name {text:?} holds a line break"),
        });
    }
    Ok(format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle, 0).is_some()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| haystack[i..].starts_with(needle))
}

/// A form body read: its text fields (read as parameters of [`crate::ParamLocation::Form`])
/// and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    fields: Params,
    files: Vec<(String, FilePart)>,
}

fn invalid(reason: impl Into<String>) -> FromHttpRequestError {
    FromHttpRequestError::InvalidBody { reason: reason.into() }
}

impl Form {
    /// Reads a form body of the media type `content_type` (its `boundary` parameter for
    /// multipart). In a multipart body, a part with a `filename`, or a media type that is
    /// neither text (`text/*`) nor JSON, is a file; in an urlencoded body every field is text.
    pub fn parse(content_type: Option<&http::HeaderValue>, body: &[u8]) -> Result<Self, FromHttpRequestError> {
        let content_type = content_type.and_then(|v| v.to_str().ok()).unwrap_or("application/x-www-form-urlencoded");
        if crate::essence(content_type) != "multipart/form-data" {
            let pairs = form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), Ok(v.into_owned()))).collect();
            return Ok(Form { fields: Params::form(pairs), files: Vec::new() });
        }
        let boundary = content_type
            .split(';')
            .skip(1)
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 70)
            .ok_or_else(|| invalid("a `multipart/form-data` body without a `boundary`"))?;
        let delimiter = format!("--{boundary}");
        let delimiter = delimiter.as_bytes();
        let start = if body.starts_with(delimiter) {
            0
        } else {
            find(body, &[b"\r\n", delimiter].concat(), 0)
                .map(|i| i + 2)
                .ok_or_else(|| invalid("no multipart boundary"))?
        };
        let separator = [b"\r\n", delimiter].concat();
        let mut at = start + delimiter.len();
        let (mut pairs, mut files) = (Vec::new(), Vec::new());
        loop {
            if body.get(at..).ok_or_else(|| invalid("a truncated multipart body"))?.starts_with(b"--") {
                break;
            }
            if pairs.len() + files.len() >= MAX_PARTS {
                return Err(invalid(format!("more than {MAX_PARTS} parts")));
            }
            let line_end = find(body, b"\r\n", at).ok_or_else(|| invalid("a truncated multipart body"))?;
            let headers_start = line_end + 2;
            let headers_end = find(body, b"\r\n\r\n", line_end).map(|i| i + 2);
            let (headers, content_start) = if body[headers_start..].starts_with(b"\r\n") {
                (&body[headers_start..headers_start], headers_start + 2)
            } else {
                let end = headers_end.ok_or_else(|| invalid("a multipart part without the end of its headers"))?;
                (&body[headers_start..end], end + 2)
            };
            if headers.len() > MAX_PART_HEADERS {
                return Err(invalid("the headers of a multipart part are too long"));
            }
            let content_end =
                find(body, &separator, content_start).ok_or_else(|| invalid("a multipart part without its end"))?;
            let content = &body[content_start..content_end];
            let part = PartHeaders::parse(headers)?;
            let is_file = part.file_name.is_some()
                || part.content_type.as_deref().is_some_and(|t| {
                    let essence = crate::essence(t);
                    !essence.starts_with("text/") && !crate::is_json(&essence)
                });
            if is_file {
                files.push((
                    part.name,
                    FilePart { bytes: content.to_vec(), file_name: part.file_name, content_type: part.content_type },
                ));
            } else {
                let text = String::from_utf8(content.to_vec()).map_err(|_| "not UTF-8".to_owned());
                pairs.push((part.name, text));
            }
            at = content_end + separator.len();
        }
        Ok(Form { fields: Params::form(pairs), files })
    }

    /// The text fields, read as parameters.
    pub fn fields(&self) -> &Params {
        &self.fields
    }

    /// The file field `name`, given at most once; `None` when absent.
    pub fn optional_file(&self, name: &'static str) -> Result<Option<FilePart>, FromHttpRequestError> {
        let mut found = self.files.iter().filter(|(n, _)| n == name).map(|(_, f)| f.clone());
        // A file sent without a file name or media type arrives as a text field.
        let mut texts = self.fields.raw(name);
        let first = found.next().or_else(|| texts.next().map(|t| FilePart::new(t.as_bytes())));
        if found.next().is_some() || (first.is_some() && texts.next().is_some()) {
            return Err(self.fields.invalid(name, "given more than once"));
        }
        Ok(first)
    }

    /// Every file of the field `name`, in order.
    pub fn files(&self, name: &'static str) -> Vec<FilePart> {
        let files = self.files.iter().filter(|(n, _)| n == name).map(|(_, f)| f.clone());
        files.chain(self.fields.raw(name).map(|t| FilePart::new(t.as_bytes()))).collect()
    }

    /// The file field `name`, given exactly once.
    pub fn required_file(&self, name: &'static str) -> Result<FilePart, FromHttpRequestError> {
        self.optional_file(name)?.ok_or_else(|| self.fields.missing(name))
    }
}

struct PartHeaders {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl PartHeaders {
    fn parse(headers: &[u8]) -> Result<Self, FromHttpRequestError> {
        let text =
            std::str::from_utf8(headers).map_err(|_| invalid("the headers of a multipart part are not UTF-8"))?;
        let (mut name, mut file_name, mut content_type) = (None, None, None);
        for line in text.split("\r\n").filter(|l| !l.is_empty()) {
            let (key, value) = line.split_once(':').ok_or_else(|| invalid("a malformed multipart part header"))?;
            if key.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_owned());
            } else if key.trim().eq_ignore_ascii_case("content-disposition") {
                for (k, v) in disposition_params(value)? {
                    if k.eq_ignore_ascii_case("name") {
                        name = Some(v);
                    } else if k.eq_ignore_ascii_case("filename") {
                        file_name = Some(v);
                    }
                }
            }
        }
        let name = name.ok_or_else(|| invalid("a multipart part without a `name`"))?;
        Ok(PartHeaders { name, file_name, content_type })
    }
}

/// The parameters of a `Content-Disposition` value (`form-data; name="a"; filename="b"`),
/// quoted strings unescaped.
fn disposition_params(value: &str) -> Result<Vec<(String, String)>, FromHttpRequestError> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    // The disposition type.
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ';') {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect::<String>().trim().to_owned();
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => val.extend(chars.next()),
                    Some('"') => break,
                    Some(c) => val.push(c),
                    None => return Err(invalid("an unterminated quoted string in `Content-Disposition`")),
                }
            }
        } else {
            while let Some(c) = chars.peek().copied().filter(|c| *c != ';') {
                val.push(c);
                chars.next();
            }
            val = val.trim().to_owned();
        }
        out.push((key, val));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte, and the first boundary the writer tries.
    fn file_bytes() -> Vec<u8> {
        (0..=255u8).chain(b"\r\n--specgen-boundary-0000000000000000".iter().copied()).collect()
    }

    fn round_trip(multipart: bool) -> Form {
        let mut writer = FormWriter::new(multipart);
        writer.text("name", &"Rex \"the\" dog & co");
        writer.texts("tags", &[1, 2]);
        if multipart {
            writer.file(
                "file",
                &FilePart::new(file_bytes()).with_file_name("p\u{e4}t \"1\".png").with_content_type("image/png"),
            );
        }
        let (content_type, body) = writer.finish().expect("encoded");
        let value = http::HeaderValue::from_str(&content_type).expect("a header");
        Form::parse(Some(&value), &body).expect("decoded")
    }

    #[test]
    fn forms_round_trip() {
        for multipart in [false, true] {
            let form = round_trip(multipart);
            assert_eq!(form.fields().required::<String>("name"), Ok("Rex \"the\" dog & co".to_owned()));
            assert_eq!(form.fields().repeated::<i32>("tags"), Ok(vec![1, 2]));
            if multipart {
                let file = form.required_file("file").expect("the file");
                assert_eq!(file.bytes, file_bytes());
                assert_eq!(file.file_name.as_deref(), Some("p\u{e4}t \"1\".png"));
                assert_eq!(file.content_type.as_deref(), Some("image/png"));
            }
            assert!(form.optional_file("other").expect("absent").is_none());
        }
    }

    #[test]
    fn malformed_multipart_is_an_error_not_a_panic() {
        let value = http::HeaderValue::from_static("multipart/form-data; boundary=b");
        for body in [
            &b""[..],
            b"--b",
            b"--b\r\n",
            b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
            b"--b\r\nX\r\n\r\n",
        ] {
            assert!(Form::parse(Some(&value), body).is_err(), "{body:?}");
        }
        let none = http::HeaderValue::from_static("multipart/form-data");
        assert!(Form::parse(Some(&none), b"--b--").is_err());
        let empty = Form::parse(Some(&value), b"--b--\r\n").expect("an empty form");
        assert!(empty.required_file("f").is_err());
    }

    /// The `Content-Type` header of the part named `name` in a multipart body.
    fn part_content_type(body: &[u8], name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(body);
        let start = text.find(&format!("name=\"{name}\""))?;
        let head = &text[start..text[start..].find("\r\n\r\n").map(|i| start + i)?];
        head.lines().find_map(|line| line.strip_prefix("Content-Type: ")).map(str::to_owned)
    }

    #[test]
    fn a_declared_content_type_is_sent_for_its_parts() {
        let mut writer = FormWriter::new(true);
        writer.content_type("photo", "image/png");
        writer.content_type("meta", "application/json");
        writer.file("photo", &FilePart::new(vec![0x89, b'P']));
        writer.file("named", &FilePart::new(vec![1]));
        writer.file("typed", &FilePart::new(vec![2]).with_content_type("image/gif"));
        writer.text("meta", &r#"{"a":1}"#);
        writer.text("plain", &"x");
        let (content_type, body) = writer.finish().expect("encoded");
        assert_eq!(part_content_type(&body, "photo").as_deref(), Some("image/png"));
        assert_eq!(part_content_type(&body, "named").as_deref(), Some("application/octet-stream"));
        assert_eq!(part_content_type(&body, "typed").as_deref(), Some("image/gif"));
        assert_eq!(part_content_type(&body, "meta").as_deref(), Some("application/json"));
        assert_eq!(part_content_type(&body, "plain"), None);
        // A JSON text part is still a text field when read.
        let value = http::HeaderValue::from_str(&content_type).expect("a header");
        let form = Form::parse(Some(&value), &body).expect("decoded");
        assert_eq!(form.fields().required::<String>("meta"), Ok(r#"{"a":1}"#.to_owned()));
        let photo = form.required_file("photo").expect("the photo");
        assert_eq!(photo.content_type.as_deref(), Some("image/png"));
    }

    #[test]
    fn joined_items_are_one_field() {
        let mut writer = FormWriter::new(false);
        writer.joined("ids", &[1, 2, 3], ',');
        writer.joined("words", &["a b", "c"], '|');
        writer.joined("none", &[] as &[i32], ',');
        let (content_type, body) = writer.finish().expect("encoded");
        assert_eq!(String::from_utf8_lossy(&body), "ids=1%2C2%2C3&words=a+b%7Cc");
        let value = http::HeaderValue::from_str(&content_type).expect("a header");
        let form = Form::parse(Some(&value), &body).expect("decoded");
        assert_eq!(form.fields().delimited::<i32>("ids", ','), Ok(vec![1, 2, 3]));
        assert_eq!(form.fields().delimited::<String>("words", '|'), Ok(vec!["a b".to_owned(), "c".to_owned()]));
        assert_eq!(form.fields().delimited::<i32>("none", ','), Ok(vec![]));
    }

    #[test]
    fn nested_fields_round_trip_in_brackets() {
        let card = serde_json::json!({"number": "4242 4242", "exp": {"month": 12, "year": 2030}, "cvc": null});
        let mut writer = FormWriter::new(false);
        writer.text("amount", &2000);
        writer.nested("card", &card).expect("written");
        writer.nested("expand", &["customer"]).expect("written");
        let (content_type, body) = writer.finish().expect("a body");
        // Members come in the order `serde_json` keeps them, which a feature of it decides.
        let text = String::from_utf8(body.clone()).expect("text");
        let mut pairs: Vec<&str> = text.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [
                "amount=2000",
                "card%5Bexp%5D%5Bmonth%5D=12",
                "card%5Bexp%5D%5Byear%5D=2030",
                "card%5Bnumber%5D=4242+4242",
                "expand%5B0%5D=customer"
            ]
        );
        let form =
            Form::parse(Some(&http::HeaderValue::from_str(&content_type).expect("a header")), &body).expect("read");
        let fields = form.fields();
        assert_eq!(fields.required::<i64>("amount"), Ok(2000));
        assert_eq!(
            fields.nested_required::<Vec<String>>("expand", &crate::wire::Shape::List(&crate::wire::Shape::Text)),
            Ok(vec!["customer".to_owned()])
        );
        // `null` is not sent; where the shape does not say, text that looks a number is one.
        let read: serde_json::Value = fields.nested_required("card", &crate::wire::Shape::Any).expect("read");
        assert_eq!(read, serde_json::json!({"number": "4242 4242", "exp": {"month": 12, "year": 2030}}));
    }
}

//! How parameters and bodies are written and read: used by generated code, not a stable API.

use std::collections::BTreeMap;
use std::fmt::{self, Display, Write as _};
use std::str::FromStr;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::endpoint::Metadata;
use crate::error::{FromHttpRequestError, FromHttpResponseError, IntoHttpError, ParamLocation};

/// Bytes percent-encoded in a path segment: all but RFC 3986's unreserved characters,
/// sub-delimiters, `:` and `@`.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Bytes percent-encoded in a value read by [`Params::nested`]: all but RFC 3986's unreserved
/// characters.
const NESTED_VALUE: &AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Bytes percent-encoded in a key read by [`Params::nested`]: as in a value, but for the
/// brackets that say where a member or item is.
const NESTED_KEY: &AsciiSet = &NESTED_VALUE.remove(b'[').remove(b']');

/// Bytes percent-encoded in a cookie value.
const COOKIE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'%').add(b',').add(b';').add(b'\\');

/// The parameters of one location of a request, decoded, in the order they came. A value
/// that does not decode (`%zz`, or bytes that are not UTF-8) is kept as the reason, and is an
/// error naming the parameter when it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    location: ParamLocation,
    pairs: Vec<(String, Result<String, String>)>,
}

impl Params {
    /// The query parameters of `uri`, percent-decoded (`+` is a space).
    pub fn query(uri: &http::Uri) -> Self {
        let query = uri.query().unwrap_or_default();
        let pairs = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let plus = |text: &str| text.replace('+', " ");
                (decode(&plus(name)).unwrap_or_else(|_| plus(name)), decode(&plus(value)))
            })
            .collect();
        Params { location: ParamLocation::Query, pairs }
    }

    /// Every header value; names are compared without regard to case. A value that is not
    /// UTF-8 is an error when read.
    pub fn headers(headers: &http::HeaderMap) -> Self {
        let pairs = headers
            .iter()
            .map(|(name, value)| {
                let text = std::str::from_utf8(value.as_bytes()).map(str::to_owned).map_err(|_| not_utf8());
                (name.as_str().to_owned(), text)
            })
            .collect();
        Params { location: ParamLocation::Header, pairs }
    }

    /// The cookies of every `Cookie` header, values percent-decoded.
    pub fn cookies(headers: &http::HeaderMap) -> Self {
        let mut pairs = Vec::new();
        for value in headers.get_all(http::header::COOKIE) {
            for cookie in value.as_bytes().split(|&b| b == b';') {
                let Some(split) = cookie.iter().position(|&b| b == b'=') else { continue };
                let (name, value) = (&cookie[..split], &cookie[split + 1..]);
                let name = String::from_utf8_lossy(name).trim().to_owned();
                let value = std::str::from_utf8(value).map_err(|_| not_utf8()).and_then(|value| decode(value.trim()));
                pairs.push((name, value));
            }
        }
        Params { location: ParamLocation::Cookie, pairs }
    }

    /// The fields of a form body, as name and value (or the reason it does not decode).
    pub(crate) fn form(pairs: Vec<(String, Result<String, String>)>) -> Self {
        Params { location: ParamLocation::Form, pairs }
    }

    /// The path parameters of `request` if it is a request for the endpoint `metadata`
    /// describes: its method, and a path its template matches. Else
    /// [`FromHttpRequestError::WrongEndpoint`].
    pub fn route<B>(request: &http::Request<B>, metadata: &Metadata) -> Result<Self, FromHttpRequestError> {
        let path = request.uri().path();
        let params = (*request.method() == metadata.method).then(|| Params::path(metadata.path, path)).flatten();
        params.ok_or_else(|| FromHttpRequestError::WrongEndpoint {
            method: request.method().clone(),
            path: path.to_owned(),
        })
    }

    /// The path parameters of `path` if it matches `template` (`/rooms/{roomId}`), decoded.
    /// A parameter matches a non-empty part of one segment.
    pub fn path(template: &str, path: &str) -> Option<Self> {
        let mut pairs = Vec::new();
        let mut templates = template.split('/');
        let mut segments = path.split('/');
        loop {
            match (templates.next(), segments.next()) {
                (None, None) => return Some(Params { location: ParamLocation::Path, pairs }),
                (Some(template), Some(segment)) => match_segment(template, segment, &mut pairs)?,
                _ => return None,
            }
        }
    }

    /// The values of `name` that decoded.
    pub(crate) fn raw<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs.iter().filter(move |(key, _)| key == name).filter_map(|(_, value)| value.as_deref().ok())
    }

    /// The values of `name`, each decoded or the error naming it.
    fn values<'a>(&'a self, name: &'static str) -> impl Iterator<Item = Result<&'a str, FromHttpRequestError>> + 'a {
        let location = self.location;
        self.pairs
            .iter()
            .filter(
                move |(key, _)| {
                    if location == ParamLocation::Header {
                        key.eq_ignore_ascii_case(name)
                    } else {
                        key == name
                    }
                },
            )
            .map(move |(_, value)| value.as_deref().map_err(|reason| self.invalid(name, reason)))
    }

    /// The error for a missing parameter `name`.
    pub fn missing(&self, name: &'static str) -> FromHttpRequestError {
        FromHttpRequestError::MissingParameter { name, location: self.location }
    }

    /// The error for a parameter `name` whose value is wrong.
    pub fn invalid(&self, name: &'static str, reason: impl Display) -> FromHttpRequestError {
        FromHttpRequestError::InvalidParameter { name, location: self.location, reason: reason.to_string() }
    }

    /// A parameter given at most once; `None` when absent.
    pub fn optional<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        let mut values = self.values(name);
        let Some(value) = values.next() else { return Ok(None) };
        if values.next().is_some() {
            return Err(self.invalid(name, "given more than once"));
        }
        value?.parse().map(Some).map_err(|e| self.invalid(name, e))
    }

    /// A parameter given exactly once.
    pub fn required<T: FromStr>(&self, name: &'static str) -> Result<T, FromHttpRequestError>
    where
        T::Err: Display,
    {
        self.optional(name)?.ok_or_else(|| self.missing(name))
    }

    /// The items of a parameter given once per item (`tag=a&tag=b`); none when absent.
    pub fn repeated<T: FromStr>(&self, name: &'static str) -> Result<Vec<T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        self.values(name).map(|value| value?.parse().map_err(|e| self.invalid(name, e))).collect()
    }

    /// The items of a parameter given once per item, at least one.
    pub fn repeated_required<T: FromStr>(&self, name: &'static str) -> Result<Vec<T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        let items = self.repeated(name)?;
        if items.is_empty() {
            return Err(self.missing(name));
        }
        Ok(items)
    }

    /// The items of a parameter given once, split at `separator` (`tags=a,b`); none when
    /// absent.
    pub fn delimited<T: FromStr>(&self, name: &'static str, separator: char) -> Result<Vec<T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        Ok(self.delimited_option(name, separator)?.unwrap_or_default())
    }

    /// The items of a parameter given once, split at `separator`; the parameter must be
    /// present.
    pub fn delimited_required<T: FromStr>(
        &self,
        name: &'static str,
        separator: char,
    ) -> Result<Vec<T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        self.delimited_option(name, separator)?.ok_or_else(|| self.missing(name))
    }

    /// The pairs named as none of `declared` (the endpoint's other parameters) and as no query
    /// credential of `metadata`: an object parameter `name` spread over the query one pair per
    /// member (`form` style, exploded: `a=1&b=2`); none when absent. A name given twice is an
    /// error naming `name`.
    pub fn others<T: FromStr>(
        &self,
        name: &'static str,
        declared: &[&str],
        metadata: &Metadata,
    ) -> Result<BTreeMap<String, T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        let credential = |key: &str| {
            metadata
                .security
                .iter()
                .flat_map(|s| s.alternatives.iter().copied().flatten())
                .any(|scheme| matches!(scheme.location, crate::endpoint::CredentialLocation::Query(n) if n == key))
        };
        self.members(name, |key| {
            // `object[member]` is a member of the `deepObject` parameter `object`.
            let base = key.split_once('[').map_or(key, |(base, _)| base);
            (!declared.contains(&key) && !declared.contains(&base) && !credential(key)).then_some(key)
        })
    }

    /// The members of the object parameter `name` in the `deepObject` style, one
    /// `name[member]=value` pair each (`metadata[k]=v`); none when absent. A member given
    /// twice is an error.
    pub fn deep_object<T: FromStr>(&self, name: &'static str) -> Result<BTreeMap<String, T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        self.members(name, |key| key.strip_prefix(name)?.strip_prefix('[')?.strip_suffix(']'))
    }

    /// [`Params::deep_object`], at least one member.
    pub fn deep_object_required<T: FromStr>(
        &self,
        name: &'static str,
    ) -> Result<BTreeMap<String, T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        self.at_least_one(name, self.deep_object(name)?)
    }

    /// The parameter `name` written in brackets at any depth (`style: deepObject` of a
    /// structured value): `name[key]=value` per member, `name[0]=value` (or `name[]=value`) per
    /// item, as [`nested_pairs`] writes them; `None` when no pair names it. `shape` is its
    /// type's: the text of each value becomes the JSON value the type reads (`12` a number
    /// where the member is an integer, a string where it is a string).
    pub fn nested<T: DeserializeOwned>(
        &self,
        name: &'static str,
        shape: &Shape,
    ) -> Result<Option<T>, FromHttpRequestError> {
        // The pairs of `name` as a query `serde_qs` reads: brackets as written, the rest of
        // each key and value percent-encoded.
        let mut query = String::new();
        for (key, value) in &self.pairs {
            let Some(rest) = key.strip_prefix(name) else { continue };
            if !rest.is_empty() && !rest.starts_with('[') {
                continue;
            }
            let value = value.as_deref().map_err(|reason| self.invalid(name, format!("`{key}`: {reason}")))?;
            if !query.is_empty() {
                query.push('&');
            }
            let _ =
                write!(query, "{}={}", utf8_percent_encode(key, NESTED_KEY), utf8_percent_encode(value, NESTED_VALUE));
        }
        if query.is_empty() {
            return Ok(None);
        }
        let config = serde_qs::Config::new().max_depth(MAX_NESTING);
        let mut text = config.deserialize_str::<BTreeMap<String, Value>>(&query).map_err(|e| self.invalid(name, e))?;
        let Some(text) = text.remove(name) else { return Ok(None) };
        // Text that fits no reading of the shape is read as it is, for the type to name what
        // it expected.
        let value = shape.read(&text).unwrap_or(text);
        serde_json::from_value(value).map(Some).map_err(|e| self.invalid(name, e))
    }

    /// [`Params::nested`], given.
    pub fn nested_required<T: DeserializeOwned>(
        &self,
        name: &'static str,
        shape: &Shape,
    ) -> Result<T, FromHttpRequestError> {
        self.nested(name, shape)?.ok_or_else(|| self.missing(name))
    }

    /// [`Params::others`], at least one.
    pub fn others_required<T: FromStr>(
        &self,
        name: &'static str,
        declared: &[&str],
        metadata: &Metadata,
    ) -> Result<BTreeMap<String, T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        self.at_least_one(name, self.others(name, declared, metadata)?)
    }

    /// The members of the object parameter `name` that `member` finds among the pairs (it
    /// gives the member's name of a pair's): a value that does not read, or a member given
    /// twice, is an error naming `name`.
    fn members<'a, T: FromStr>(
        &'a self,
        name: &'static str,
        member: impl Fn(&'a str) -> Option<&'a str>,
    ) -> Result<BTreeMap<String, T>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        let mut out = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(member) = member(key) else { continue };
            let value = value.as_deref().map_err(|reason| self.invalid(name, format!("`{member}`: {reason}")))?;
            let value = value.parse().map_err(|e| self.invalid(name, format!("`{member}`: {e}")))?;
            if out.insert(member.to_owned(), value).is_some() {
                return Err(self.invalid(name, format!("`{member}` given more than once")));
            }
        }
        Ok(out)
    }

    /// `members` of the object parameter `name`, which must have one.
    fn at_least_one<T>(
        &self,
        name: &'static str,
        members: BTreeMap<String, T>,
    ) -> Result<BTreeMap<String, T>, FromHttpRequestError> {
        if members.is_empty() {
            return Err(self.missing(name));
        }
        Ok(members)
    }

    fn delimited_option<T: FromStr>(
        &self,
        name: &'static str,
        separator: char,
    ) -> Result<Option<Vec<T>>, FromHttpRequestError>
    where
        T::Err: Display,
    {
        let Some(value) = self.optional::<String>(name)? else { return Ok(None) };
        if value.is_empty() {
            return Ok(Some(Vec::new()));
        }
        value
            .split(separator)
            .map(|item| item.parse().map_err(|e| self.invalid(name, e)))
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

/// Whether `request` carries each of the endpoint's fixed query pairs (a query string of
/// `name=value` pairs its path key holds: OpenAI's `/responses?beta=true`); a request without
/// them is another endpoint's: [`FromHttpRequestError::WrongEndpoint`].
pub fn fixed_query<B>(
    request: &http::Request<B>,
    pairs: &[(&'static str, &'static str)],
) -> Result<(), FromHttpRequestError> {
    let query = Params::query(request.uri());
    if pairs.iter().all(|&(name, value)| query.values(name).any(|v| v.is_ok_and(|v| v == value))) {
        return Ok(());
    }
    Err(FromHttpRequestError::WrongEndpoint { method: request.method().clone(), path: request.uri().path().to_owned() })
}

/// Matches one path segment against a template segment of literal text and `{name}`
/// captures; a capture ends where the literal text after it starts.
fn match_segment(template: &str, segment: &str, pairs: &mut Vec<(String, Result<String, String>)>) -> Option<()> {
    if !template.contains('{') {
        return (decode(segment).ok()? == template).then_some(());
    }
    let whole_segment = template.starts_with('{') && template.find('}') == Some(template.len() - 1);
    let mut template = template;
    let mut rest = segment;
    while !template.is_empty() {
        if let Some(after) = template.strip_prefix('{') {
            let (name, after_name) = after.split_once('}')?;
            let literal = after_name.split('{').next().unwrap_or_default();
            let end = if literal.is_empty() {
                if !after_name.is_empty() {
                    // Two captures in a row cannot be told apart.
                    return None;
                }
                rest.len()
            } else {
                rest.find(literal)?
            };
            let (value, tail) = (rest.get(..end)?, rest.get(end..)?);
            // A variable that is the whole segment may be empty (RFC 6570 expands `""` to
            // nothing: Matrix's state key `""` is `/state/m.room.create/`); one beside a
            // literal may not, or `{id}.json` would match `.json`.
            if value.is_empty() && !whole_segment {
                return None;
            }
            pairs.push((name.to_owned(), decode(value)));
            template = after_name;
            rest = tail;
        } else {
            let literal = template.split('{').next().unwrap_or_default();
            rest = rest.strip_prefix(literal)?;
            template = template.get(literal.len()..)?;
        }
    }
    rest.is_empty().then_some(())
}

/// Whether `path` matches the path template `template`.
pub fn matches_path(template: &str, path: &str) -> bool {
    Params::path(template, path).is_some()
}

/// Percent-decodes `text` strictly: a `%` not followed by two hex digits, or bytes that are
/// not UTF-8 once decoded, are an error (never decoded lossily or passed through).
fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte != b'%' {
            out.push(byte);
            i += 1;
            continue;
        }
        let hex = |offset: usize| bytes.get(i + offset).and_then(|b| char::from(*b).to_digit(16));
        match (hex(1), hex(2)) {
            (Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            _ => {
                let end = bytes.len().min(i + 3);
                let escape = String::from_utf8_lossy(&bytes[i..end]);
                return Err(format!("`{escape}` is not a percent-encoded byte"));
            }
        }
    }
    String::from_utf8(out).map_err(|_| not_utf8())
}

fn not_utf8() -> String {
    "the value is not UTF-8".to_owned()
}

/// Items written as one value, separated by a character (`tags=a,b`).
#[derive(Debug, Clone, Copy)]
pub struct Delimited<'a, T>(pub &'a [T], pub char);

impl<T: Display> Display for Delimited<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char(self.1)?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

/// A request being written: the path with its parameters filled in, the query, the headers
/// and the cookies.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<String>,
}

impl Outgoing {
    /// Starts from a path template (`/rooms/{roomId}`).
    pub fn new(template: &str) -> Self {
        Outgoing { path: template.to_owned(), ..Outgoing::default() }
    }

    /// Fills the path parameter `name` in, percent-encoded as a segment.
    pub fn path(&mut self, name: &str, value: &impl Display) {
        let encoded = utf8_percent_encode(&value.to_string(), SEGMENT).to_string();
        self.path = self.path.replace(&format!("{{{name}}}"), &encoded);
    }

    /// Adds the query parameter `name`.
    pub fn query(&mut self, name: &str, value: &impl Display) {
        self.query.push((name.to_owned(), value.to_string()));
    }

    /// Adds the query parameter `name` in brackets ([`nested_pairs`]).
    pub fn nested_query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), IntoHttpError> {
        let pairs = nested_pairs(name, value)
            .map_err(|reason| IntoHttpError::InvalidParameter { name: name.to_owned(), reason })?;
        self.query.extend(pairs);
        Ok(())
    }

    /// Adds the header `name`.
    pub fn header(&mut self, name: &'static str, value: &impl Display) {
        self.headers.push((name, value.to_string()));
    }

    /// Adds the cookie `name`, its value percent-encoded.
    pub fn cookie(&mut self, name: &str, value: &impl Display) {
        self.cookies.push(cookie(name, &value.to_string()));
    }

    /// Adds the query parameter `name` if it has a value.
    pub fn optional_query(&mut self, name: &str, value: Option<&impl Display>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Adds the header `name` if it has a value.
    pub fn optional_header(&mut self, name: &'static str, value: Option<&impl Display>) {
        if let Some(value) = value {
            self.header(name, value);
        }
    }

    /// Adds the cookie `name` if it has a value.
    pub fn optional_cookie(&mut self, name: &str, value: Option<&impl Display>) {
        if let Some(value) = value {
            self.cookie(name, value);
        }
    }

    /// The `http` request: `base_url` (`https://example.org`, or `""` for a URI of path and
    /// query only) joined to the path, with the query, headers, cookies and `body`
    /// (its media type and bytes).
    pub fn into_request(
        self,
        method: http::Method,
        base_url: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
        let mut uri = format!("{}{}", base_url.trim_end_matches('/'), self.path);
        if !self.query.is_empty() {
            uri.push('?');
            uri.push_str(&form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.query).finish());
        }
        let parsed: http::Uri =
            uri.parse().map_err(|e: http::uri::InvalidUri| IntoHttpError::InvalidUri { reason: e.to_string(), uri })?;
        let (content_type, bytes) = match body {
            Some((content_type, bytes)) => (Some(content_type), bytes),
            None => (None, Vec::new()),
        };
        let mut request = http::Request::new(bytes);
        *request.method_mut() = method;
        *request.uri_mut() = parsed;
        for (name, value) in &self.headers {
            append_header(request.headers_mut(), name, value)?;
        }
        if !self.cookies.is_empty() {
            append_header(request.headers_mut(), "cookie", &self.cookies.join("; "))?;
        }
        if let Some(content_type) = content_type {
            append_header(request.headers_mut(), "content-type", content_type)?;
        }
        Ok(request)
    }
}

/// `name=value` for a `Cookie` header, the value percent-encoded.
pub fn cookie(name: &str, value: &str) -> String {
    format!("{name}={}", utf8_percent_encode(value, COOKIE))
}

/// Adds a header, checking its name and value.
pub fn append_header(headers: &mut http::HeaderMap, name: &str, value: &str) -> Result<(), IntoHttpError> {
    let invalid = |reason: String| IntoHttpError::InvalidHeader { name: name.to_owned(), reason };
    let header = http::HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
    let value = http::HeaderValue::from_str(value).map_err(|e| invalid(e.to_string()))?;
    headers.append(header, value);
    Ok(())
}

/// Adds the query parameter `name` to the URI of `request`.
pub fn append_query<B>(request: &mut http::Request<B>, name: &str, value: &str) -> Result<(), IntoHttpError> {
    let pair = form_urlencoded::Serializer::new(String::new()).append_pair(name, value).finish();
    let uri = request.uri().to_string();
    let separator = if uri.contains('?') { '&' } else { '?' };
    let joined = format!("{uri}{separator}{pair}");
    *request.uri_mut() = joined
        .parse()
        .map_err(|e: http::uri::InvalidUri| IntoHttpError::InvalidUri { reason: e.to_string(), uri: joined })?;
    Ok(())
}

/// The deepest a nested parameter ([`Params::nested`]) is read: brackets past it are part of
/// the last key, so a body of brackets cannot make the reader recurse without end.
const MAX_NESTING: usize = 16;

/// The pairs that write `value` in brackets under `name` (`style: deepObject` of a structured
/// value, as Stripe, Rails and `qs` read them): `name[key]=value` per member, `name[0]=value`
/// per item, at any depth; `name=value` for a scalar. What has no text (`null`, an empty
/// object or list) writes no pair. Keys and values are not percent-encoded yet.
pub fn nested_pairs<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<(String, String)>, String> {
    fn write(key: String, value: Value, out: &mut Vec<(String, String)>) {
        match value {
            Value::Null => {}
            Value::Bool(value) => out.push((key, value.to_string())),
            Value::Number(value) => out.push((key, value.to_string())),
            Value::String(value) => out.push((key, value)),
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    write(format!("{key}[{index}]"), item, out);
                }
            }
            Value::Object(members) => {
                for (member, value) in members {
                    write(format!("{key}[{member}]"), value, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    write(name.to_owned(), serde_json::to_value(value).map_err(|e| e.to_string())?, &mut out);
    Ok(out)
}

/// What a value in brackets is ([`Params::nested`]), which its text alone does not say: the
/// generated code gives each its type's shape, so that `12` is read as a number where the
/// member is an integer and as a string where it is a string, even inside a union or a struct
/// that keeps the members it does not declare (which read a value without saying what they
/// expect).
#[derive(Debug)]
pub enum Shape {
    /// Text: a string, a string enum or format.
    Text,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Any JSON value: text that reads as a number or a boolean is one.
    Any,
    /// A list of items of one shape; one value is a list of one.
    List(&'static Shape),
    /// A tuple: one item of each shape, in order.
    Tuple(&'static [&'static Shape]),
    /// An object: its declared members' shapes, and the shape of any other member.
    Object(&'static [(&'static str, &'static Shape)], &'static Shape),
    /// The first of several shapes the value fits (an untagged union).
    OneOf(&'static [&'static Shape]),
    /// An object of one of several shapes, chosen by the text of its member named first (the
    /// tag of a discriminated union), each shape after the tag value that selects it.
    Tagged(&'static str, &'static [(&'static str, &'static Shape)]),
}

impl Shape {
    /// `text` (what `serde_qs` reads of brackets: strings, lists and objects of them) as the
    /// JSON value of this shape; `None` when it does not fit.
    fn read(&self, text: &Value) -> Option<Value> {
        match (self, text) {
            (Shape::Text, Value::String(_)) => Some(text.clone()),
            (Shape::Integer, Value::String(t)) => {
                t.parse::<i64>().map(Value::from).or_else(|_| t.parse::<u64>().map(Value::from)).ok()
            }
            (Shape::Number, Value::String(t)) => {
                t.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
            }
            (Shape::Bool, Value::String(t)) => match t.as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            (Shape::Any, text) => Some(Shape::any(text)),
            (Shape::List(item), Value::Array(items)) => {
                items.iter().map(|i| item.read(i)).collect::<Option<_>>().map(Value::Array)
            }
            (Shape::List(item), Value::String(_)) => item.read(text).map(|one| Value::Array(vec![one])),
            (Shape::Tuple(shapes), Value::Array(items)) if shapes.len() == items.len() => {
                shapes.iter().zip(items).map(|(shape, item)| shape.read(item)).collect::<Option<_>>().map(Value::Array)
            }
            (Shape::Object(declared, rest), Value::Object(members)) => members
                .iter()
                .map(|(key, value)| {
                    let shape = declared.iter().find(|(name, _)| name == key).map_or(*rest, |(_, shape)| *shape);
                    Some((key.clone(), shape.read(value)?))
                })
                .collect::<Option<_>>()
                .map(Value::Object),
            // Members named `0`, `1`, ... read as items: they are members here.
            (Shape::Object(..), Value::Array(items)) => {
                let members = items.iter().enumerate().map(|(i, item)| (i.to_string(), item.clone())).collect();
                self.read(&Value::Object(members))
            }
            (Shape::OneOf(shapes), text) => shapes.iter().find_map(|shape| shape.read(text)),
            (Shape::Tagged(tag, shapes), Value::Object(members)) => {
                let chosen = members.get(*tag)?.as_str()?;
                shapes.iter().find(|(value, _)| *value == chosen)?.1.read(text)
            }
            _ => None,
        }
    }

    /// `text` with each string that reads as a number or boolean made one.
    fn any(text: &Value) -> Value {
        match text {
            Value::String(_) => [Shape::Bool, Shape::Integer, Shape::Number]
                .iter()
                .find_map(|shape| shape.read(text))
                .unwrap_or_else(|| text.clone()),
            Value::Array(items) => Value::Array(items.iter().map(Shape::any).collect()),
            Value::Object(members) => Value::Object(members.iter().map(|(k, v)| (k.clone(), Shape::any(v))).collect()),
            other => other.clone(),
        }
    }
}

/// Serializes a body as JSON.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, IntoHttpError> {
    serde_json::to_vec(value).map_err(|e| IntoHttpError::InvalidBody { reason: e.to_string() })
}

/// A required JSON request body.
pub fn request_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, FromHttpRequestError> {
    if body.is_empty() {
        return Err(FromHttpRequestError::InvalidBody { reason: "the body is missing".into() });
    }
    serde_json::from_slice(body).map_err(|e| FromHttpRequestError::InvalidBody { reason: e.to_string() })
}

/// An optional JSON request body: `None` when the body is empty.
pub fn optional_request_json<T: DeserializeOwned>(body: &[u8]) -> Result<Option<T>, FromHttpRequestError> {
    if body.is_empty() {
        return Ok(None);
    }
    request_json(body).map(Some)
}

/// A required text request body.
pub fn request_text(body: &[u8]) -> Result<String, FromHttpRequestError> {
    if body.is_empty() {
        return Err(FromHttpRequestError::InvalidBody { reason: "the body is missing".into() });
    }
    String::from_utf8(body.to_vec()).map_err(|e| FromHttpRequestError::InvalidBody { reason: e.to_string() })
}

/// An optional text request body: `None` when the body is empty.
pub fn optional_request_text(body: &[u8]) -> Result<Option<String>, FromHttpRequestError> {
    if body.is_empty() {
        return Ok(None);
    }
    request_text(body).map(Some)
}

/// The JSON body of a response.
pub fn response_json<T: DeserializeOwned>(status: http::StatusCode, body: &[u8]) -> Result<T, FromHttpResponseError> {
    serde_json::from_slice(body).map_err(|e| FromHttpResponseError::InvalidBody { status, reason: e.to_string() })
}

/// A required binary request body: its bytes, whatever they are.
pub fn request_bytes(body: &[u8]) -> Result<Vec<u8>, FromHttpRequestError> {
    if body.is_empty() {
        return Err(FromHttpRequestError::InvalidBody { reason: "the body is missing".into() });
    }
    Ok(body.to_vec())
}

/// An optional binary request body: `None` when the body is empty.
pub fn optional_request_bytes(body: &[u8]) -> Option<Vec<u8>> {
    (!body.is_empty()).then(|| body.to_vec())
}

/// The binary body of a response: its bytes, whatever they are.
pub fn response_bytes(body: &[u8]) -> Vec<u8> {
    body.to_vec()
}

/// The response header `name`, given at most once; `None` when absent.
pub fn response_header<T: FromStr>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    name: &'static str,
) -> Result<Option<T>, FromHttpResponseError>
where
    T::Err: Display,
{
    Params::headers(headers).optional(name).map_err(|e| response_header_error(status, name, e))
}

/// The response header `name`, given exactly once: its absence is
/// [`FromHttpResponseError::MissingHeader`].
pub fn required_response_header<T: FromStr>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    name: &'static str,
) -> Result<T, FromHttpResponseError>
where
    T::Err: Display,
{
    response_header(status, headers, name)?.ok_or(FromHttpResponseError::MissingHeader { status, name })
}

/// The items of the response header `name`, separated by commas; empty when absent.
pub fn response_header_items<T: FromStr>(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    name: &'static str,
) -> Result<Vec<T>, FromHttpResponseError>
where
    T::Err: Display,
{
    Params::headers(headers).delimited(name, ',').map_err(|e| response_header_error(status, name, e))
}

fn response_header_error(
    status: http::StatusCode,
    name: &'static str,
    error: FromHttpRequestError,
) -> FromHttpResponseError {
    let reason = match error {
        FromHttpRequestError::InvalidParameter { reason, .. } => reason,
        other => other.to_string(),
    };
    FromHttpResponseError::InvalidHeader { status, name, reason }
}

/// Adds the header `name` to a response.
pub fn set_header(
    response: &mut http::Response<Vec<u8>>,
    name: &'static str,
    value: &impl Display,
) -> Result<(), IntoHttpError> {
    append_header(response.headers_mut(), name, &value.to_string())
}

/// The text body of a response.
pub fn response_text(status: http::StatusCode, body: &[u8]) -> Result<String, FromHttpResponseError> {
    String::from_utf8(body.to_vec()).map_err(|e| FromHttpResponseError::InvalidBody { status, reason: e.to_string() })
}

/// An `http` response with `status` and `body` written as JSON, of the media type `media_type`.
pub fn json_response<T: Serialize>(
    status: u16,
    media_type: &str,
    body: &T,
) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
    response(status, Some((media_type, to_json(body)?)))
}

/// The error for a response whose status the endpoint does not declare, with its body.
pub fn unexpected_status(status: http::StatusCode, body: &[u8]) -> FromHttpResponseError {
    FromHttpResponseError::UnexpectedStatus { status, body: body.to_vec() }
}

/// An `http` response with `status` and, when `body` is given, its media type and bytes.
pub fn response(status: u16, body: Option<(&str, Vec<u8>)>) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
    let status = http::StatusCode::from_u16(status).map_err(|_| IntoHttpError::InvalidStatus { status })?;
    let (content_type, bytes) = match body {
        Some((content_type, bytes)) => (Some(content_type), bytes),
        None => (None, Vec::new()),
    };
    let mut response = http::Response::new(bytes);
    *response.status_mut() = status;
    if let Some(content_type) = content_type {
        append_header(response.headers_mut(), "content-type", content_type)?;
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_match_whole_and_partial_segments() {
        let params = Params::path("/files/{name}.json", "/files/a%2Fb%20c.json").expect("matches");
        assert_eq!(params.required::<String>("name"), Ok("a/b c".to_owned()));
        assert!(Params::path("/files/{name}.json", "/files/.json").is_none());
        assert!(Params::path("/files/{name}.json", "/files/a.txt").is_none());
        assert!(Params::path("/a/{x}", "/a/b/c").is_none());
        assert!(Params::path("/a/{x}{y}", "/a/bc").is_none());
        assert!(matches_path("/_matrix/v2_alpha/sync", "/_matrix/v2_%61lpha/sync"));
    }

    #[test]
    fn a_variable_that_is_the_whole_segment_may_be_empty() {
        let params = Params::path("/state/{type}/{key}", "/state/m.room.create/").expect("matches");
        assert_eq!(params.required::<String>("key"), Ok(String::new()));
        assert!(Params::path("/state/{type}/{key}", "/state/m.room.create").is_none());
        let mut out = Outgoing::new("/state/{type}/{key}");
        out.path("type", &"m.room.create");
        out.path("key", &"");
        assert!(matches_path("/state/{type}/{key}", &out.path));
    }

    #[test]
    fn written_values_read_back() {
        let mut out = Outgoing::new("/items/{id}");
        out.path("id", &"a/b");
        out.query("tags", &"x y");
        out.query("tags", &"&");
        out.query("ids", &Delimited(&[1, 2], '|'));
        out.cookie("session", &"s;1");
        let request = out.into_request(http::Method::GET, "http://localhost/", None).expect("a request");
        assert_eq!(request.uri().path(), "/items/a%2Fb");
        let query = Params::query(request.uri());
        assert_eq!(query.repeated::<String>("tags"), Ok(vec!["x y".to_owned(), "&".to_owned()]));
        assert_eq!(query.delimited::<i32>("ids", '|'), Ok(vec![1, 2]));
        assert_eq!(Params::cookies(request.headers()).required::<String>("session"), Ok("s;1".to_owned()));
    }

    #[test]
    fn optional_parameters_are_written_only_with_a_value() {
        let mut out = Outgoing::new("/items");
        out.optional_query("limit", Some(&3));
        out.optional_query("from", None::<&String>);
        out.optional_header("x-trace", Some(&"t"));
        out.optional_header("x-none", None::<&String>);
        out.optional_cookie("session", Some(&"s"));
        out.optional_cookie("gone", None::<&String>);
        let request = out.into_request(http::Method::GET, "", None).expect("a request");
        assert_eq!(request.uri().query(), Some("limit=3"));
        let headers = Params::headers(request.headers());
        assert_eq!(headers.optional::<String>("x-trace"), Ok(Some("t".to_owned())));
        assert_eq!(headers.optional::<String>("x-none"), Ok(None));
        assert_eq!(request.headers().get_all(http::header::COOKIE).iter().count(), 1);
        assert_eq!(Params::cookies(request.headers()).optional::<String>("gone"), Ok(None));
    }

    #[test]
    fn a_request_is_the_endpoint_of_its_fixed_query_pairs_only_when_it_carries_them() {
        let request = |uri: &str| http::Request::builder().method(http::Method::POST).uri(uri).body(()).unwrap();
        let pairs = &[("beta", "true"), ("v", "a b")];
        assert_eq!(fixed_query(&request("/r?v=a+b&x=1&beta=true"), pairs), Ok(()));
        for other in ["/r", "/r?beta=true", "/r?beta=false&v=a%20b", "/r?beta=%zz&v=a%20b"] {
            assert!(
                matches!(fixed_query(&request(other), pairs), Err(FromHttpRequestError::WrongEndpoint { path, .. }) if path == "/r"),
                "{other}"
            );
        }
    }

    /// An object spread over the query is every pair no other parameter or credential names.
    #[test]
    fn an_object_in_the_query_is_the_pairs_no_one_else_names() {
        use crate::endpoint::{CredentialLocation, SecurityRequirement, SecurityScheme};
        let metadata = Metadata {
            name: "lookup",
            method: http::Method::GET,
            path: "/lookup",
            security: Some(SecurityRequirement {
                alternatives: &[&[SecurityScheme {
                    scheme: "token",
                    location: CredentialLocation::Query("access_token"),
                }]],
                optional: false,
            }),
            request_body: None,
            errors: crate::ErrorFormat::Problem,
        };
        let mut out = Outgoing::new("/lookup");
        out.query("limit", &3);
        for (name, value) in BTreeMap::from([("network", "irc"), ("channel", "#a b")]) {
            out.query(name, &value);
        }
        out.query("access_token", &"secret");
        let request = out.into_request(http::Method::GET, "", None).expect("a request");
        let query = Params::query(request.uri());
        let fields: BTreeMap<String, String> = query.others("fields", &["limit"], &metadata).expect("read");
        assert_eq!(
            fields,
            BTreeMap::from([("channel".to_owned(), "#a b".to_owned()), ("network".to_owned(), "irc".to_owned())])
        );
        assert_eq!(query.required::<i32>("limit"), Ok(3));
        let numbers = Params::query(&"/?a=1&b=x".parse().expect("a URI"));
        assert!(matches!(
            numbers.others::<i32>("n", &[], &metadata),
            Err(FromHttpRequestError::InvalidParameter { name: "n", reason, .. }) if reason.starts_with("`b`: ")
        ));
        let twice = Params::query(&"/?a=1&a=2".parse().expect("a URI"));
        assert!(matches!(
            twice.others::<i32>("n", &[], &metadata),
            Err(FromHttpRequestError::InvalidParameter { reason, .. }) if reason == "`a` given more than once"
        ));
        // A `deepObject` parameter's members are its own, not the others'.
        let deep = Params::query(&"/?meta%5Bk%5D=1&meta[a%20b]=2&metadata[x]=3&other=4".parse().expect("a URI"));
        let members: BTreeMap<String, i32> = deep.deep_object("meta").expect("read");
        assert_eq!(members, BTreeMap::from([("k".to_owned(), 1), ("a b".to_owned(), 2)]));
        let rest: BTreeMap<String, i32> = deep.others("n", &["meta", "metadata"], &metadata).expect("read");
        assert_eq!(rest, BTreeMap::from([("other".to_owned(), 4)]));
        assert!(matches!(
            Params::query(&"/?a=1".parse().expect("a URI")).deep_object_required::<i32>("meta"),
            Err(FromHttpRequestError::MissingParameter { name: "meta", .. })
        ));
        let none = Params::query(&"/?access_token=t".parse().expect("a URI"));
        assert_eq!(none.others::<String>("n", &[], &metadata), Ok(BTreeMap::new()));
        assert!(matches!(
            none.others_required::<String>("n", &[], &metadata),
            Err(FromHttpRequestError::MissingParameter { name: "n", .. })
        ));
    }

    #[test]
    fn a_route_is_the_method_and_a_path_the_template_matches() {
        let metadata = Metadata {
            name: "get_item",
            method: http::Method::GET,
            path: "/items/{id}",
            security: None,
            request_body: None,
            errors: crate::ErrorFormat::Problem,
        };
        let request =
            |method: http::Method, uri: &str| http::Request::builder().method(method).uri(uri).body(()).unwrap();
        let params = Params::route(&request(http::Method::GET, "/items/a%20b?x=1"), &metadata).expect("its route");
        assert_eq!(params.required::<String>("id"), Ok("a b".to_owned()));
        for (method, uri) in
            [(http::Method::POST, "/items/a"), (http::Method::GET, "/items/a/b"), (http::Method::GET, "/other")]
        {
            let wrong = Params::route(&request(method.clone(), uri), &metadata);
            let path = uri.to_owned();
            assert!(
                matches!(&wrong, Err(FromHttpRequestError::WrongEndpoint { method: m, path: p }) if *m == method && *p == path),
                "{wrong:?}"
            );
        }
    }

    #[test]
    fn a_json_response_has_its_status_media_type_and_body() {
        let response =
            json_response(201, "application/vnd.api+json", &serde_json::json!({"id": 1})).expect("a response");
        assert_eq!(response.status(), http::StatusCode::CREATED);
        assert_eq!(response.headers()["content-type"], "application/vnd.api+json");
        assert_eq!(response.body().as_slice(), br#"{"id":1}"#);
        assert!(matches!(
            json_response(1000, "application/json", &1),
            Err(IntoHttpError::InvalidStatus { status: 1000 })
        ));
        let unexpected = unexpected_status(http::StatusCode::IM_A_TEAPOT, b"tea");
        assert!(matches!(
            unexpected,
            FromHttpResponseError::UnexpectedStatus { status: http::StatusCode::IM_A_TEAPOT, ref body } if body == b"tea"
        ));
    }

    #[test]
    fn errors_name_the_parameter() {
        let query = Params::query(&http::Uri::from_static("/?n=abc&twice=1&twice=2"));
        assert!(matches!(query.required::<i64>("n"), Err(FromHttpRequestError::InvalidParameter { name: "n", .. })));
        assert!(matches!(
            query.optional::<i64>("twice"),
            Err(FromHttpRequestError::InvalidParameter { name: "twice", .. })
        ));
        assert!(matches!(
            query.required::<i64>("gone"),
            Err(FromHttpRequestError::MissingParameter { name: "gone", .. })
        ));
        assert_eq!(query.optional::<i64>("gone"), Ok(None));
    }

    fn invalid_reason(result: Result<impl std::fmt::Debug, FromHttpRequestError>, expected: &str) -> String {
        match result {
            Err(FromHttpRequestError::InvalidParameter { name, reason, .. }) if name == expected => reason,
            other => panic!("expected `{expected}` to be invalid, got {other:?}"),
        }
    }

    #[test]
    fn bad_percent_encoding_is_an_error_naming_the_parameter() {
        let query = Params::query(&http::Uri::from_static("/?a=%FF&b=%zz&c=1%2&d=%C3%A9+x&%zz=1"));
        assert!(invalid_reason(query.optional::<String>("a"), "a").contains("UTF-8"));
        assert!(invalid_reason(query.optional::<String>("b"), "b").contains("`%zz`"));
        assert!(invalid_reason(query.repeated::<String>("c"), "c").contains("`%2`"));
        assert_eq!(query.required::<String>("d"), Ok("é x".to_owned()));

        let params = Params::path("/files/{name}", "/files/%FF").expect("matches");
        invalid_reason(params.required::<String>("name"), "name");
        assert!(!matches_path("/caf\u{e9}", "/caf%zz"));

        let mut headers = http::HeaderMap::new();
        headers.insert("x-name", http::HeaderValue::from_bytes(b"caf\xe9").expect("a header value"));
        headers.insert(http::header::COOKIE, http::HeaderValue::from_static("a=%FF; b=%zz; c=ok"));
        invalid_reason(Params::headers(&headers).optional::<String>("x-name"), "x-name");
        let cookies = Params::cookies(&headers);
        invalid_reason(cookies.optional::<String>("a"), "a");
        invalid_reason(cookies.optional::<String>("b"), "b");
        assert_eq!(cookies.required::<String>("c"), Ok("ok".to_owned()));
    }

    #[test]
    fn response_headers_are_typed_and_a_missing_required_one_is_named() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-rate-limit", http::HeaderValue::from_static("5000"));
        headers.insert("x-tags", http::HeaderValue::from_static("a,b"));
        let ok = http::StatusCode::OK;
        assert_eq!(required_response_header::<i32>(ok, &headers, "X-Rate-Limit"), Ok(5000));
        assert_eq!(response_header_items::<String>(ok, &headers, "X-Tags"), Ok(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(
            required_response_header::<i32>(ok, &headers, "ETag"),
            Err(FromHttpResponseError::MissingHeader { status: ok, name: "ETag" })
        );
        assert!(matches!(
            response_header::<i32>(ok, &headers, "X-Tags"),
            Err(FromHttpResponseError::InvalidHeader { name: "X-Tags", .. })
        ));
        let error = required_response_header::<i32>(ok, &headers, "ETag").expect_err("missing");
        assert_eq!(error.to_string(), "a 200 OK response without its header `ETag`");
    }

    /// A charge's shape as Stripe writes it: nested objects, a list of objects, an `anyOf` of
    /// an object and `""` (to unset it), numbers and booleans, and text that needs escaping.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Charge {
        amount: i64,
        capture: bool,
        description: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        statement: Option<String>,
        shipping: Shipping,
        items: Vec<Item>,
        /// An empty map has no pairs: it reads back only where absent means empty.
        #[serde(default)]
        metadata: BTreeMap<String, String>,
        tax: Unset<Item>,
    }

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Shipping {
        address: BTreeMap<String, String>,
        rate: f64,
    }

    /// As generated structs are: the members it does not declare kept (`flatten`), which
    /// makes serde read the others without saying what it expects.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Item {
        price: String,
        quantity: u32,
        #[serde(flatten)]
        rest: BTreeMap<String, Value>,
    }

    fn item(price: &str, quantity: u32) -> Item {
        Item { price: price.to_owned(), quantity, rest: BTreeMap::new() }
    }

    static ITEM: Shape = Shape::Object(&[("price", &Shape::Text), ("quantity", &Shape::Integer)], &Shape::Any);
    static UNSET_ITEM: Shape = Shape::OneOf(&[&ITEM, &Shape::Text]);
    static SHIPPING: Shape =
        Shape::Object(&[("address", &Shape::Object(&[], &Shape::Text)), ("rate", &Shape::Number)], &Shape::Any);
    static CHARGE: Shape = Shape::Object(
        &[
            ("amount", &Shape::Integer),
            ("capture", &Shape::Bool),
            ("description", &Shape::Text),
            ("statement", &Shape::Text),
            ("shipping", &SHIPPING),
            ("items", &Shape::List(&ITEM)),
            ("metadata", &Shape::Object(&[], &Shape::Text)),
            ("tax", &UNSET_ITEM),
        ],
        &Shape::Any,
    );
    static TEXTS: Shape = Shape::List(&Shape::Text);

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(untagged)]
    enum Unset<T> {
        Value(T),
        Empty(String),
    }

    fn charge() -> Charge {
        Charge {
            amount: 2000,
            capture: false,
            description: "Rex & co = 100% [dogs]+cats".to_owned(),
            statement: None,
            shipping: Shipping {
                address: BTreeMap::from([
                    ("line1".to_owned(), "1 Main St".to_owned()),
                    ("odd key".to_owned(), "é".to_owned()),
                ]),
                rate: 1.5,
            },
            items: vec![item("0042", 2), item("price_2", 1)],
            metadata: BTreeMap::new(),
            tax: Unset::Value(item("007", 3)),
        }
    }

    #[test]
    fn nested_values_are_written_in_brackets() {
        // Members come in the order `serde_json` keeps them, which a feature of it decides.
        let mut pairs = nested_pairs("charge", &charge()).expect("written");
        pairs.sort();
        let pair = |key: &str, value: &str| (key.to_owned(), value.to_owned());
        assert_eq!(
            pairs,
            [
                pair("charge[amount]", "2000"),
                pair("charge[capture]", "false"),
                pair("charge[description]", "Rex & co = 100% [dogs]+cats"),
                pair("charge[items][0][price]", "0042"),
                pair("charge[items][0][quantity]", "2"),
                pair("charge[items][1][price]", "price_2"),
                pair("charge[items][1][quantity]", "1"),
                pair("charge[shipping][address][line1]", "1 Main St"),
                pair("charge[shipping][address][odd key]", "é"),
                pair("charge[shipping][rate]", "1.5"),
                pair("charge[tax][price]", "007"),
                pair("charge[tax][quantity]", "3"),
            ]
        );
        // A scalar is one pair; an empty list or object, none.
        assert_eq!(nested_pairs("limit", &5).expect("written"), [pair("limit", "5")]);
        assert_eq!(nested_pairs("expand", &Vec::<String>::new()).expect("written"), []);
        assert_eq!(nested_pairs("metadata", &BTreeMap::<String, String>::new()).expect("written"), []);
        let mut outgoing = Outgoing::new("/v1/charges");
        outgoing.nested_query("expand", &["customer", "data.invoice"]).expect("written");
        let request = outgoing.into_request(http::Method::GET, "", None).expect("a request");
        assert_eq!(request.uri().query(), Some("expand%5B0%5D=customer&expand%5B1%5D=data.invoice"));
    }

    #[test]
    fn nested_values_read_back_as_their_types() {
        let mut outgoing = Outgoing::new("/v1/charges");
        outgoing.nested_query("charge", &charge()).expect("written");
        outgoing.query("other", &"x");
        let request = outgoing.into_request(http::Method::POST, "", None).expect("a request");
        let params = Params::query(request.uri());
        // Strings of digits stay strings and integers are numbers, in a union and in structs
        // that keep undeclared members alike.
        assert_eq!(params.nested::<Charge>("charge", &CHARGE), Ok(Some(charge())));
        assert_eq!(params.nested_required::<Charge>("charge", &CHARGE), Ok(charge()));
        // `charges` is not `charge`, nor is `charge` a member of it.
        assert_eq!(params.nested::<Charge>("charg", &CHARGE), Ok(None));
        assert_eq!(
            params.nested_required::<Charge>("charges", &CHARGE),
            Err(FromHttpRequestError::MissingParameter { name: "charges", location: ParamLocation::Query })
        );
        // `""` unsets a value; `[]` items, as Rails and `qs` write them, are a list, and so is
        // one value; an undeclared member's text is read as what it looks like.
        let uri: http::Uri =
            "/?tax=&expand[]=a&expand[]=b&one=x&item[price]=1&item[quantity]=2&item[extra]=3".parse().expect("a URI");
        let params = Params::query(&uri);
        assert_eq!(params.nested::<Unset<Item>>("tax", &UNSET_ITEM), Ok(Some(Unset::Empty(String::new()))));
        assert_eq!(params.nested::<Vec<String>>("expand", &TEXTS), Ok(Some(vec!["a".to_owned(), "b".to_owned()])));
        assert_eq!(params.nested::<Vec<String>>("one", &TEXTS), Ok(Some(vec!["x".to_owned()])));
        let extra = Item { rest: BTreeMap::from([("extra".to_owned(), Value::from(3))]), ..item("1", 2) };
        assert_eq!(params.nested::<Item>("item", &ITEM), Ok(Some(extra)));
    }

    #[test]
    fn a_nested_value_that_does_not_read_is_an_error_naming_it() {
        let reason = |query: &str| match Params::query(&query.parse().expect("a URI")).nested::<Item>("item", &ITEM) {
            Err(FromHttpRequestError::InvalidParameter { name: "item", location: ParamLocation::Query, reason }) => {
                reason
            }
            other => panic!("{query}: {other:?}"),
        };
        assert!(reason("/?item[price]=p&item[quantity]=many").contains("invalid"), "not a number");
        assert!(reason("/?item[price]=p").contains("quantity"), "a member missing");
        // A scalar given twice is a list of two, which the member is not.
        assert!(reason("/?item[price]=p&item[price]=q&item[quantity]=1").contains("sequence"), "given twice");
        assert!(reason("/?item[price]=%FF&item[quantity]=1").contains("item[price]"), "not UTF-8");
        // Brackets past the deepest level read are text of the last key, not more levels.
        let params = Params::form(vec![(format!("item{}", "[x]".repeat(100_000)), Ok("1".to_owned()))]);
        assert!(params.nested::<Item>("item", &ITEM).is_err());
        let read = params.nested::<Value>("item", &Shape::Any).expect("read").expect("given");
        let mut depth = 0;
        let mut at = &read;
        while let Some(inner) = at.as_object().and_then(|members| members.values().next()) {
            (depth, at) = (depth + 1, inner);
        }
        assert_eq!(depth, MAX_NESTING + 1, "the levels read, then the key holding the rest");
    }
}

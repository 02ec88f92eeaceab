//! Endpoints: what an operation is ([`Metadata`]), and how its request and response convert to
//! and from `http` types ([`Endpoint`], [`EndpointResponse`]).

use crate::error::{ErrorFormat, FromHttpRequestError, FromHttpResponseError, IntoHttpError};
use base64::Engine as _;

use crate::wire;

/// Standard base64 with padding, as HTTP Basic authentication writes credentials.
const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What an endpoint is: its name, method, path, the credential it asks for, and the error
/// format of its API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The operation's name: its module in the generated crate and its server trait method.
    pub name: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path template, the spec's base path included (`/api/items/{id}`).
    pub path: &'static str,
    /// The credential the endpoint asks for, if any.
    pub security: Option<SecurityRequirement>,
    /// The media type of the request body the endpoint takes; `None` when it takes none.
    pub request_body: Option<&'static str>,
    /// How the API writes error bodies.
    pub errors: ErrorFormat,
}

/// The credentials an endpoint asks for: any one of its alternatives, each of which needs
/// all its schemes at once (OpenAPI's list of security requirements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// The alternatives, in the spec's order; the first a request satisfies is the one that
    /// matched.
    pub alternatives: &'static [&'static [SecurityScheme]],
    /// The endpoint also answers requests with no credential (an empty requirement `{}`).
    pub optional: bool,
}

/// One security scheme of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The security scheme's name in the spec.
    pub scheme: &'static str,
    /// Where the credential travels.
    pub location: CredentialLocation,
}

/// The credentials of the alternative a request satisfied.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matched {
    /// The index of the alternative in [`SecurityRequirement::alternatives`]; `None` when the
    /// request carries none (for an optional requirement).
    pub alternative: Option<usize>,
    /// Each scheme of that alternative, with its credential's value.
    pub credentials: Vec<(&'static str, String)>,
}

impl SecurityRequirement {
    /// The first alternative `request` satisfies. When none is: `Ok` with no alternative for
    /// an optional requirement; else the first invalid credential, or the first scheme of
    /// the first alternative as the missing one.
    pub fn matched<B>(&self, request: &http::Request<B>) -> Result<Matched, (SecurityScheme, CredentialError)> {
        let mut invalid = None;
        for (index, alternative) in self.alternatives.iter().enumerate() {
            let mut credentials = Vec::new();
            for scheme in alternative.iter() {
                match scheme.location.extract(request) {
                    Ok(value) => credentials.push((scheme.scheme, value)),
                    Err(error @ CredentialError::Invalid(_)) => {
                        invalid.get_or_insert((*scheme, error));
                        break;
                    }
                    Err(CredentialError::Missing) => break,
                }
            }
            if credentials.len() == alternative.len() {
                return Ok(Matched { alternative: Some(index), credentials });
            }
        }
        if let Some(invalid) = invalid {
            return Err(invalid);
        }
        match self.alternatives.first().and_then(|a| a.first()) {
            Some(first) if !self.optional => Err((*first, CredentialError::Missing)),
            _ => Ok(Matched::default()),
        }
    }
}

/// Where a credential travels in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialLocation {
    /// An API key in the query parameter of this name.
    Query(&'static str),
    /// An API key in the header of this name.
    Header(&'static str),
    /// An API key in the cookie of this name.
    Cookie(&'static str),
    /// A token in `Authorization: Bearer <token>`.
    Bearer,
    /// `user:password` in `Authorization: Basic <base64>`.
    Basic,
}

/// Why a request carries no usable credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialError {
    /// The request has none.
    Missing,
    /// The request has it more than once, or in a form that does not decode.
    Invalid(String),
}

impl CredentialLocation {
    /// The credential `request` carries here (for [`CredentialLocation::Basic`],
    /// `user:password`). An empty value counts as none.
    pub fn extract<B>(self, request: &http::Request<B>) -> Result<String, CredentialError> {
        let params = match self {
            Self::Query(name) => Some((wire::Params::query(request.uri()), name)),
            Self::Header(name) => Some((wire::Params::headers(request.headers()), name)),
            Self::Cookie(name) => Some((wire::Params::cookies(request.headers()), name)),
            Self::Bearer | Self::Basic => None,
        };
        let value = match params {
            Some((params, name)) => {
                params.optional::<String>(name).map_err(|e| CredentialError::Invalid(e.to_string()))?
            }
            None if self == Self::Bearer => authorization(request, "Bearer")?,
            None => match authorization(request, "Basic")? {
                Some(encoded) => Some(decode_basic(&encoded).ok_or_else(|| {
                    CredentialError::Invalid("the `Basic` credentials are not base64 of UTF-8 text".into())
                })?),
                None => None,
            },
        };
        value.filter(|value| !value.is_empty()).ok_or(CredentialError::Missing)
    }

    /// Adds the credential `value` to `request` (for [`CredentialLocation::Basic`],
    /// `user:password`).
    pub fn apply<B>(self, request: &mut http::Request<B>, value: &str) -> Result<(), IntoHttpError> {
        match self {
            Self::Query(name) => wire::append_query(request, name, value),
            Self::Header(name) => wire::append_header(request.headers_mut(), name, value),
            Self::Cookie(name) => wire::append_header(request.headers_mut(), "cookie", &wire::cookie(name, value)),
            Self::Bearer => wire::append_header(request.headers_mut(), "authorization", &format!("Bearer {value}")),
            Self::Basic => {
                wire::append_header(request.headers_mut(), "authorization", &format!("Basic {}", BASE64.encode(value)))
            }
        }
    }
}

/// An endpoint's request: implemented by each generated `endpoints::<operation>::Request`.
///
/// The request holds every parameter and the body, typed; credentials are not part of it
/// (see [`Credential`]).
pub trait Endpoint: Sized + Send + Sync + 'static {
    /// The endpoint's method, path and credential.
    const METADATA: Metadata;

    /// The endpoint's response: one variant per status the spec declares.
    type Response: EndpointResponse;

    /// The `http` request: `base_url` (`https://example.org`, or `""` for a URI of path and
    /// query only) joined to the path, with the parameters and body. No credential is added.
    fn try_into_http_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, IntoHttpError>;

    /// Reads the request from an `http` request, checking every parameter and the body.
    fn try_from_http_request<B: AsRef<[u8]>>(request: &http::Request<B>) -> Result<Self, FromHttpRequestError>;
}

/// An endpoint's response: implemented by each generated `endpoints::<operation>::Response`.
pub trait EndpointResponse: Sized + Send + Sync + 'static {
    /// The `http` response: the variant's status, headers and body.
    fn try_into_http_response(&self) -> Result<http::Response<Vec<u8>>, IntoHttpError>;

    /// Reads the response from an `http` response. A status the endpoint does not declare is
    /// [`FromHttpResponseError::UnexpectedStatus`], with its body.
    fn try_from_http_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Result<Self, FromHttpResponseError>;
}

/// The credential of one security scheme: implemented by each generated credential type
/// (whose `Debug` output hides the secret).
pub trait Credential: Sized + Send + Sync + 'static {
    /// The security scheme's name in the spec.
    const SCHEME: &'static str;
    /// Where the credential travels.
    const LOCATION: CredentialLocation;

    /// The credential a request carries as `value` (for HTTP Basic, `user:password`); `None`
    /// when the value is not of the scheme's form.
    fn from_value(value: String) -> Option<Self>;

    /// The value the credential travels as.
    fn to_value(&self) -> String;

    /// The credential `request` carries; an empty value counts as none.
    fn from_http_request<B>(request: &http::Request<B>) -> Result<Self, CredentialError> {
        let value = Self::LOCATION.extract(request)?;
        Self::from_value(value).ok_or_else(|| CredentialError::Invalid(format!("not a `{}` credential", Self::SCHEME)))
    }

    /// Adds the credential to `request`.
    fn apply<B>(&self, request: &mut http::Request<B>) -> Result<(), IntoHttpError> {
        Self::LOCATION.apply(request, &self.to_value())
    }
}

/// The credentials of the request's `Authorization: <scheme> <credentials>` header, if it has
/// one with that scheme (compared without regard to case). Two such headers, or one that is
/// not UTF-8, are an error.
fn authorization<B>(request: &http::Request<B>, scheme: &str) -> Result<Option<String>, CredentialError> {
    let mut values = request.headers().get_all(http::header::AUTHORIZATION).iter();
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(CredentialError::Invalid("the `Authorization` header is given more than once".into()));
    }
    let value = std::str::from_utf8(value.as_bytes())
        .map_err(|_| CredentialError::Invalid("the `Authorization` header is not UTF-8".into()))?;
    let Some((given, credentials)) = value.trim().split_once(' ') else { return Ok(None) };
    Ok(given.eq_ignore_ascii_case(scheme).then(|| credentials.trim().to_owned()))
}

/// `user:password` from the base64 of HTTP Basic authentication (padding optional).
fn decode_basic(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], uri: &str) -> http::Request<()> {
        let mut builder = http::Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).expect("a request")
    }

    #[test]
    fn credentials_travel_where_the_scheme_says() {
        for location in [
            CredentialLocation::Query("access_token"),
            CredentialLocation::Header("x-api-key"),
            CredentialLocation::Cookie("session"),
            CredentialLocation::Bearer,
            CredentialLocation::Basic,
        ] {
            let mut request = request(&[], "/path");
            location.apply(&mut request, "user:p\u{e4}ss word").expect("applied");
            assert_eq!(location.extract(&request), Ok("user:p\u{e4}ss word".to_owned()), "{location:?}");
        }
    }

    #[test]
    fn repeated_or_undecodable_credentials_are_invalid_not_missing() {
        let twice = request(&[], "/p?access_token=a&access_token=b");
        assert!(matches!(CredentialLocation::Query("access_token").extract(&twice), Err(CredentialError::Invalid(_))));
        let twice = request(&[("authorization", "Bearer a"), ("authorization", "Bearer b")], "/p");
        assert!(matches!(CredentialLocation::Bearer.extract(&twice), Err(CredentialError::Invalid(_))));
        let bad = request(&[("authorization", "Basic !!!")], "/p");
        assert!(matches!(CredentialLocation::Basic.extract(&bad), Err(CredentialError::Invalid(_))));
        let none = request(&[("authorization", "Bearer ")], "/p?access_token=");
        assert_eq!(CredentialLocation::Bearer.extract(&none), Err(CredentialError::Missing));
        assert_eq!(CredentialLocation::Query("access_token").extract(&none), Err(CredentialError::Missing));
    }
}

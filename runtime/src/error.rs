//! What can go wrong converting requests and responses, and [`ApiError`], the error body a
//! server sends and a client decodes.

/// Where a request parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// A segment of the path (`/rooms/{roomId}`).
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// The `Cookie` header.
    Cookie,
    /// A field of a form body (`application/x-www-form-urlencoded` or `multipart/form-data`).
    Form,
}

impl std::fmt::Display for ParamLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
            Self::Form => "form",
        })
    }
}

/// Why an `http::Request` is not a valid request of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromHttpRequestError {
    /// The method or the path is not the endpoint's.
    WrongEndpoint {
        /// The request's method.
        method: http::Method,
        /// The request's path.
        path: String,
    },
    /// A required parameter is absent.
    MissingParameter {
        /// The parameter's name as the spec writes it.
        name: &'static str,
        /// Where it was expected.
        location: ParamLocation,
    },
    /// A parameter is present, but its value is not one the spec allows.
    InvalidParameter {
        /// The parameter's name as the spec writes it.
        name: &'static str,
        /// Where it was found.
        location: ParamLocation,
        /// Why the value does not parse.
        reason: String,
    },
    /// The body is missing, or is not what the spec describes.
    InvalidBody {
        /// What is wrong with it.
        reason: String,
    },
}

impl std::fmt::Display for FromHttpRequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WrongEndpoint { method, path } => write!(f, "`{method} {path}` is not a request of this endpoint"),
            Self::MissingParameter { name, location } => write!(f, "missing {location} parameter `{name}`"),
            Self::InvalidParameter { name, location, reason } => {
                write!(f, "invalid {location} parameter `{name}`: {reason}")
            }
            Self::InvalidBody { reason } => write!(f, "invalid request body: {reason}"),
        }
    }
}

impl std::error::Error for FromHttpRequestError {}

/// Why an `http::Response` is not a response of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromHttpResponseError {
    /// The status is none the endpoint declares. The body is kept: it may be an API error.
    UnexpectedStatus {
        /// The response's status.
        status: http::StatusCode,
        /// The response's body.
        body: Vec<u8>,
    },
    /// The body is not what the spec describes for the status.
    InvalidBody {
        /// The response's status.
        status: http::StatusCode,
        /// What is wrong with the body.
        reason: String,
    },
    /// A header the spec requires of the status is absent.
    MissingHeader {
        /// The response's status.
        status: http::StatusCode,
        /// The header's name as the spec writes it.
        name: &'static str,
    },
    /// A header is not what the spec describes for the status.
    InvalidHeader {
        /// The response's status.
        status: http::StatusCode,
        /// The header's name as the spec writes it.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl std::fmt::Display for FromHttpResponseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnexpectedStatus { status, body } => {
                write!(f, "unexpected status {status}")?;
                match std::str::from_utf8(body) {
                    Ok(text) if !text.trim().is_empty() => write!(f, ": {}", text.trim()),
                    _ => Ok(()),
                }
            }
            Self::InvalidBody { status, reason } => write!(f, "invalid body of a {status} response: {reason}"),
            Self::MissingHeader { status, name } => write!(f, "a {status} response without its header `{name}`"),
            Self::InvalidHeader { status, name, reason } => {
                write!(f, "invalid header `{name}` of a {status} response: {reason}")
            }
        }
    }
}

impl std::error::Error for FromHttpResponseError {}

/// Why a request or response cannot be written as an `http` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntoHttpError {
    /// The base URL and the path do not make a URI.
    InvalidUri {
        /// The text that is not a URI.
        uri: String,
        /// Why.
        reason: String,
    },
    /// A header name or value is not allowed in HTTP (a value with a line break, say).
    InvalidHeader {
        /// The header's name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A status outside `100..=999`.
    InvalidStatus {
        /// The status.
        status: u16,
    },
    /// The body could not be serialized.
    InvalidBody {
        /// Why.
        reason: String,
    },
    /// A parameter's value could not be written.
    InvalidParameter {
        /// The parameter's name.
        name: String,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for IntoHttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidUri { uri, reason } => write!(f, "invalid URI `{uri}`: {reason}"),
            Self::InvalidHeader { name, reason } => write!(f, "invalid header `{name}`: {reason}"),
            Self::InvalidStatus { status } => write!(f, "invalid status {status}"),
            Self::InvalidBody { reason } => write!(f, "the body cannot be serialized: {reason}"),
            Self::InvalidParameter { name, reason } => write!(f, "the parameter `{name}` cannot be written: {reason}"),
        }
    }
}

impl std::error::Error for IntoHttpError {}

/// How an API family writes error bodies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ErrorFormat {
    /// RFC 9457 problem details: `{"type", "title", "status", "detail"}` as
    /// `application/problem+json`.
    #[default]
    Problem,
    /// Matrix: `{"errcode": "M_...", "error": "..."}` as `application/json`.
    Matrix,
}

/// The errors a server answers by itself, before or instead of a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `401`: no credential.
    MissingCredential,
    /// `400`: a required parameter is absent.
    MissingParameter,
    /// `400`: a parameter or credential does not parse.
    InvalidParameter,
    /// `400`: the body does not parse or did not arrive whole.
    InvalidBody,
    /// `404` or `405`: no endpoint has this path, or not with this method.
    Unrecognized,
    /// `413`: the body is too large.
    TooLarge,
    /// `415`: the body is not of the endpoint's media type.
    UnsupportedMediaType,
    /// `408`: the request did not arrive in time.
    Timeout,
    /// `501`: the server does not implement the operation.
    NotImplemented,
    /// `500`: the server failed.
    Internal,
}

impl ErrorFormat {
    /// The media type of this format's error bodies.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Problem => "application/problem+json",
            Self::Matrix => "application/json",
        }
    }

    /// The code this format gives a built-in error: the Matrix `errcode`, or the problem
    /// `type` (`about:blank`, as RFC 9457 recommends when the status says it all).
    pub fn code(self, kind: ErrorKind) -> &'static str {
        match self {
            Self::Problem => "about:blank",
            Self::Matrix => match kind {
                ErrorKind::MissingCredential => "M_MISSING_TOKEN",
                ErrorKind::MissingParameter => "M_MISSING_PARAM",
                ErrorKind::InvalidParameter => "M_INVALID_PARAM",
                ErrorKind::InvalidBody => "M_BAD_JSON",
                // The Matrix spec's code for an endpoint the server does not implement.
                ErrorKind::Unrecognized | ErrorKind::NotImplemented => "M_UNRECOGNIZED",
                ErrorKind::TooLarge => "M_TOO_LARGE",
                ErrorKind::UnsupportedMediaType => "M_NOT_JSON",
                ErrorKind::Timeout | ErrorKind::Internal => "M_UNKNOWN",
            },
        }
    }
}

/// An error as an API sends it: an HTTP status and the API's error body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The status.
    pub status: http::StatusCode,
    /// The body.
    pub body: ErrorBody,
}

/// An error body in one of the formats an API family uses.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum ErrorBody {
    /// A Matrix error body.
    Matrix(MatrixError),
    /// An RFC 9457 problem details body.
    Problem(Problem),
}

/// A Matrix error body: `{"errcode": "M_...", "error": "..."}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatrixError {
    /// The error code (`M_FORBIDDEN`).
    pub errcode: String,
    /// A human-readable message.
    #[serde(default)]
    pub error: String,
    /// Further fields some errors carry (`retry_after_ms`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An RFC 9457 problem details body: `{"type", "title", "status", "detail"}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    /// A short summary of the problem type.
    #[serde(default)]
    pub title: String,
    /// The HTTP status, repeated in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What went wrong this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Extension members.
    #[serde(flatten)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl ApiError {
    /// An error with `status`, the format's `code` (a Matrix `errcode` such as `M_FORBIDDEN`,
    /// or a problem `type` URI) and a human-readable message.
    pub fn new(
        format: ErrorFormat,
        status: http::StatusCode,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let body = match format {
            ErrorFormat::Matrix => ErrorBody::Matrix(MatrixError {
                errcode: code.into(),
                error: message.into(),
                extra: serde_json::Map::new(),
            }),
            ErrorFormat::Problem => ErrorBody::Problem(Problem {
                type_: code.into(),
                title: status.canonical_reason().unwrap_or_default().to_owned(),
                status: Some(status.as_u16()),
                detail: Some(message.into()),
                extensions: serde_json::Map::new(),
            }),
        };
        ApiError { status, body }
    }

    /// A built-in error of `kind`, with the format's code for it.
    pub fn builtin(format: ErrorFormat, status: http::StatusCode, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::new(format, status, format.code(kind), message)
    }

    /// `401`: the request lacks the credential of the security scheme `scheme`.
    pub fn missing_credential(format: ErrorFormat, scheme: &str) -> Self {
        let message = format!("the request has no `{scheme}` credential");
        Self::builtin(format, http::StatusCode::UNAUTHORIZED, ErrorKind::MissingCredential, message)
    }

    /// `400` for a parameter or body that does not parse (`404` for a request of another
    /// endpoint).
    pub fn bad_request(format: ErrorFormat, error: &FromHttpRequestError) -> Self {
        let (status, kind) = match error {
            FromHttpRequestError::WrongEndpoint { .. } => (http::StatusCode::NOT_FOUND, ErrorKind::Unrecognized),
            FromHttpRequestError::MissingParameter { .. } => {
                (http::StatusCode::BAD_REQUEST, ErrorKind::MissingParameter)
            }
            FromHttpRequestError::InvalidParameter { .. } => {
                (http::StatusCode::BAD_REQUEST, ErrorKind::InvalidParameter)
            }
            FromHttpRequestError::InvalidBody { .. } => (http::StatusCode::BAD_REQUEST, ErrorKind::InvalidBody),
        };
        Self::builtin(format, status, kind, error.to_string())
    }

    /// `404`: no endpoint has the path `path`.
    pub fn not_found(format: ErrorFormat, path: &str) -> Self {
        Self::builtin(format, http::StatusCode::NOT_FOUND, ErrorKind::Unrecognized, format!("no endpoint at `{path}`"))
    }

    /// `405`: the path is an endpoint's, but not with `method`.
    pub fn method_not_allowed(format: ErrorFormat, method: &http::Method) -> Self {
        let message = format!("`{method}` is not allowed on this path");
        Self::builtin(format, http::StatusCode::METHOD_NOT_ALLOWED, ErrorKind::Unrecognized, message)
    }

    /// `413`: the body is larger than `limit` bytes.
    pub fn payload_too_large(format: ErrorFormat, limit: usize) -> Self {
        let message = format!("the body is larger than {limit} bytes");
        Self::builtin(format, http::StatusCode::PAYLOAD_TOO_LARGE, ErrorKind::TooLarge, message)
    }

    /// `408`: the body did not arrive in time.
    pub fn request_timeout(format: ErrorFormat) -> Self {
        Self::builtin(format, http::StatusCode::REQUEST_TIMEOUT, ErrorKind::Timeout, "the body did not arrive in time")
    }

    /// `415`: the body's media type `given` is not the `expected` one.
    pub fn unsupported_media_type(format: ErrorFormat, expected: &str, given: &str) -> Self {
        let message = format!("the body must be `{expected}`, not `{given}`");
        Self::builtin(format, http::StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorKind::UnsupportedMediaType, message)
    }

    /// `501`: the server does not implement the operation `name`.
    pub fn not_implemented(format: ErrorFormat, name: &str) -> Self {
        let message = format!("the operation `{name}` is not implemented by this server");
        Self::builtin(format, http::StatusCode::NOT_IMPLEMENTED, ErrorKind::NotImplemented, message)
    }

    /// `500`: the server failed.
    pub fn internal(format: ErrorFormat, message: impl Into<String>) -> Self {
        Self::builtin(format, http::StatusCode::INTERNAL_SERVER_ERROR, ErrorKind::Internal, message)
    }

    /// The format of the body.
    pub fn format(&self) -> ErrorFormat {
        match self.body {
            ErrorBody::Matrix(_) => ErrorFormat::Matrix,
            ErrorBody::Problem(_) => ErrorFormat::Problem,
        }
    }

    /// The error as an `http` response with a JSON body.
    pub fn to_http_response(&self) -> http::Response<Vec<u8>> {
        // Strings and JSON maps always serialize.
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        let mut response = http::Response::new(body);
        *response.status_mut() = self.status;
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(self.format().content_type()));
        response
    }

    /// The API error of a response with an error status (`4xx`, `5xx`) and a body in
    /// `format`; `None` for another status or body.
    pub fn from_http_response(format: ErrorFormat, status: http::StatusCode, body: &[u8]) -> Option<Self> {
        if !status.is_client_error() && !status.is_server_error() {
            return None;
        }
        let body = match format {
            ErrorFormat::Matrix => ErrorBody::Matrix(serde_json::from_slice(body).ok()?),
            ErrorFormat::Problem => ErrorBody::Problem(serde_json::from_slice(body).ok()?),
        };
        Some(ApiError { status, body })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.body {
            ErrorBody::Matrix(body) => write!(f, "{}: {}: {}", self.status, body.errcode, body.error),
            ErrorBody::Problem(body) => {
                write!(f, "{}: {}", self.status, body.title)?;
                match &body.detail {
                    Some(detail) => write!(f, ": {detail}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// A string that is none of the values of a generated enum: what its `FromStr` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant {
    /// The value received.
    pub value: String,
    /// The values the enum accepts.
    pub expected: &'static [&'static str],
}

impl std::fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown value `{}`, expected one of: ", self.value)?;
        for (i, value) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownVariant {}

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
}

impl std::fmt::Display for ParamLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
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
}

impl std::fmt::Display for IntoHttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidUri { uri, reason } => write!(f, "invalid URI `{uri}`: {reason}"),
            Self::InvalidHeader { name, reason } => write!(f, "invalid header `{name}`: {reason}"),
            Self::InvalidStatus { status } => write!(f, "invalid status {status}"),
            Self::InvalidBody { reason } => write!(f, "the body cannot be serialized: {reason}"),
        }
    }
}

impl std::error::Error for IntoHttpError {}

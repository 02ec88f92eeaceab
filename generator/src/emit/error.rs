//! Emits `error.rs`: the spec-independent conversion errors (a template) and `ApiError`, the
//! error a server sends and a client decodes, in the API family's format
//! ([`ErrorFormat`]): Matrix `{"errcode", "error"}` or RFC 9457 problem details.

use proc_macro2::TokenStream;
use quote::quote;

use crate::config::ErrorFormat;

/// The tokens of `error.rs`: `runtime` (the template) and the `ApiError` of `format`.
pub fn module(format: ErrorFormat, runtime: TokenStream) -> TokenStream {
    let api_error = match format {
        ErrorFormat::Matrix => matrix(),
        ErrorFormat::Problem => problem(),
    };
    quote! {
        #runtime
        #api_error
    }
}

/// What both formats share: the error value and its built-in constructors, given how each
/// format builds one (`new`), writes it and names its content type.
fn shared(new: TokenStream, codes: &Codes, content_type: &str, display: TokenStream) -> TokenStream {
    let Codes {
        missing_credential,
        missing_parameter,
        invalid_parameter,
        invalid_body,
        unrecognized,
        too_large,
        timeout,
        unsupported,
        internal,
    } = codes;
    quote! {
        /// An error as the API sends it: an HTTP status and the API's error body.
        #[derive(Debug, Clone, PartialEq)]
        pub struct ApiError {
            /// The status.
            pub status: http::StatusCode,
            /// The body.
            pub body: ErrorBody,
        }

        impl ApiError {
            #new

            /// `401`: the request lacks the credential of the security scheme `scheme`.
            pub fn missing_credential(scheme: &str) -> Self {
                Self::new(http::StatusCode::UNAUTHORIZED, #missing_credential, format!("the request has no `{scheme}` credential"))
            }

            /// `400` for a parameter or body that does not parse (`404` for a request of another endpoint).
            pub fn bad_request(error: &FromHttpRequestError) -> Self {
                let (status, code) = match error {
                    FromHttpRequestError::WrongEndpoint { .. } => (http::StatusCode::NOT_FOUND, #unrecognized),
                    FromHttpRequestError::MissingParameter { .. } => (http::StatusCode::BAD_REQUEST, #missing_parameter),
                    FromHttpRequestError::InvalidParameter { .. } => (http::StatusCode::BAD_REQUEST, #invalid_parameter),
                    FromHttpRequestError::InvalidBody { .. } => (http::StatusCode::BAD_REQUEST, #invalid_body),
                };
                Self::new(status, code, error.to_string())
            }

            /// `404`: no endpoint has the path `path`.
            pub fn not_found(path: &str) -> Self {
                Self::new(http::StatusCode::NOT_FOUND, #unrecognized, format!("no endpoint at `{path}`"))
            }

            /// `405`: the path is an endpoint's, but not with `method`.
            pub fn method_not_allowed(method: &http::Method) -> Self {
                Self::new(http::StatusCode::METHOD_NOT_ALLOWED, #unrecognized, format!("`{method}` is not allowed on this path"))
            }

            /// `413`: the body is larger than `limit` bytes.
            pub fn payload_too_large(limit: usize) -> Self {
                Self::new(http::StatusCode::PAYLOAD_TOO_LARGE, #too_large, ::std::format!("the body is larger than {limit} bytes"))
            }

            /// `408`: the body did not arrive in time.
            pub fn request_timeout() -> Self {
                Self::new(http::StatusCode::REQUEST_TIMEOUT, #timeout, "the body did not arrive in time")
            }

            /// `415`: the body's media type `given` is not the `expected` one.
            pub fn unsupported_media_type(expected: &str, given: &str) -> Self {
                Self::new(
                    http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    #unsupported,
                    ::std::format!("the body must be `{expected}`, not `{given}`"),
                )
            }

            /// `500`: the server failed.
            pub fn internal(message: impl Into<String>) -> Self {
                Self::new(http::StatusCode::INTERNAL_SERVER_ERROR, #internal, message)
            }

            /// The error as an `http` response with a JSON body.
            pub fn to_http_response(&self) -> http::Response<Vec<u8>> {
                // Strings and a JSON map always serialize.
                let body = serde_json::to_vec(&self.body).unwrap_or_default();
                let mut response = http::Response::new(body);
                *response.status_mut() = self.status;
                response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(#content_type));
                response
            }

            /// The API error of a response with an error status (`4xx`, `5xx`); `None` for another
            /// status or a body that is not an error body.
            pub fn from_http_response(status: http::StatusCode, body: &[u8]) -> Option<Self> {
                if !status.is_client_error() && !status.is_server_error() {
                    return None;
                }
                serde_json::from_slice(body).ok().map(|body| Self { status, body })
            }
        }

        impl std::fmt::Display for ApiError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }

        impl std::error::Error for ApiError {}
    }
}

/// The code each built-in error gets.
struct Codes {
    missing_credential: &'static str,
    missing_parameter: &'static str,
    invalid_parameter: &'static str,
    invalid_body: &'static str,
    unrecognized: &'static str,
    too_large: &'static str,
    timeout: &'static str,
    unsupported: &'static str,
    internal: &'static str,
}

fn matrix() -> TokenStream {
    let codes = Codes {
        missing_credential: "M_MISSING_TOKEN",
        missing_parameter: "M_MISSING_PARAM",
        invalid_parameter: "M_INVALID_PARAM",
        invalid_body: "M_BAD_JSON",
        unrecognized: "M_UNRECOGNIZED",
        too_large: "M_TOO_LARGE",
        timeout: "M_UNKNOWN",
        unsupported: "M_NOT_JSON",
        internal: "M_UNKNOWN",
    };
    let new = quote! {
        /// An error with `status`, the Matrix error code `errcode` (`M_FORBIDDEN`) and a
        /// human-readable message.
        pub fn new(status: http::StatusCode, errcode: impl Into<String>, message: impl Into<String>) -> Self {
            Self {
                status,
                body: ErrorBody { errcode: errcode.into(), error: message.into(), extra: serde_json::Map::new() },
            }
        }
    };
    let display = quote! {
        write!(f, "{}: {}: {}", self.status, self.body.errcode, self.body.error)
    };
    let shared = shared(new, &codes, "application/json", display);
    quote! {
        #shared

        /// A Matrix error body: `{"errcode": "M_...", "error": "..."}`.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct ErrorBody {
            /// The error code (`M_FORBIDDEN`).
            pub errcode: String,
            /// A human-readable message.
            #[serde(default)]
            pub error: String,
            /// Further fields some errors carry (`retry_after_ms`).
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    }
}

fn problem() -> TokenStream {
    // RFC 9457 recommends `about:blank` when the status says all there is to say.
    let codes = Codes {
        missing_credential: "about:blank",
        missing_parameter: "about:blank",
        invalid_parameter: "about:blank",
        invalid_body: "about:blank",
        unrecognized: "about:blank",
        too_large: "about:blank",
        timeout: "about:blank",
        unsupported: "about:blank",
        internal: "about:blank",
    };
    let new = quote! {
        /// An error with `status`, the problem type `type_` (a URI reference; `about:blank` when
        /// the status says it all) and a detail for this occurrence. The title is the status's
        /// reason phrase.
        pub fn new(status: http::StatusCode, type_: impl Into<String>, detail: impl Into<String>) -> Self {
            Self {
                status,
                body: ErrorBody {
                    type_: type_.into(),
                    title: status.canonical_reason().unwrap_or_default().to_owned(),
                    status: Some(status.as_u16()),
                    detail: Some(detail.into()),
                    extensions: serde_json::Map::new(),
                },
            }
        }
    };
    let display = quote! {
        write!(f, "{}: {}", self.status, self.body.title)?;
        match &self.body.detail {
            Some(detail) => write!(f, ": {detail}"),
            None => Ok(()),
        }
    };
    let shared = shared(new, &codes, "application/problem+json", display);
    quote! {
        #shared

        /// An RFC 9457 problem details body: `{"type", "title", "status", "detail"}`.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct ErrorBody {
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
    }
}

// Every std item is named by its absolute path: this module also holds one credential type
// per security scheme, named by the spec (`String`, `Option`, ...).

/// What an endpoint is: its method, its path and the credential it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The operation's name: its module here, its server trait method and its client method.
    pub name: &'static str,
    /// The HTTP method.
    pub method: ::http::Method,
    /// The path template, the spec's base path included (`/api/items/{id}`).
    pub path: &'static str,
    /// The credential the endpoint asks for, if any.
    pub security: ::std::option::Option<SecurityRequirement>,
}

/// The credential an endpoint asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// The security scheme's name in the spec.
    pub scheme: &'static str,
    /// Where the credential travels.
    pub location: CredentialLocation,
    /// The endpoint also answers requests without the credential.
    pub optional: bool,
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

impl CredentialLocation {
    /// The credential `request` carries here, if any (for [`CredentialLocation::Basic`],
    /// `user:password`). An empty or repeated value counts as none.
    pub fn extract<B>(self, request: &::http::Request<B>) -> ::std::option::Option<::std::string::String> {
        let value = match self {
            Self::Query(name) => crate::wire::Params::query(request.uri()).optional::<::std::string::String>(name).ok().flatten(),
            Self::Header(name) => crate::wire::Params::headers(request.headers()).optional::<::std::string::String>(name).ok().flatten(),
            Self::Cookie(name) => crate::wire::Params::cookies(request.headers()).optional::<::std::string::String>(name).ok().flatten(),
            Self::Bearer => crate::wire::authorization(request, "Bearer"),
            Self::Basic => crate::wire::authorization(request, "Basic")
                .and_then(|encoded| crate::wire::base64_decode(&encoded))
                .and_then(|bytes| ::std::string::String::from_utf8(bytes).ok()),
        };
        value.filter(|value| !value.is_empty())
    }

    /// Adds the credential `value` to `request` (for [`CredentialLocation::Basic`],
    /// `user:password`).
    pub fn apply<B>(self, request: &mut ::http::Request<B>, value: &str) -> ::std::result::Result<(), crate::error::IntoHttpError> {
        match self {
            Self::Query(name) => crate::wire::append_query(request, name, value),
            Self::Header(name) => crate::wire::append_header(request.headers_mut(), name, value),
            Self::Cookie(name) => crate::wire::append_header(request.headers_mut(), "cookie", &crate::wire::cookie(name, value)),
            Self::Bearer => crate::wire::append_header(request.headers_mut(), "authorization", &::std::format!("Bearer {value}")),
            Self::Basic => crate::wire::append_header(
                request.headers_mut(),
                "authorization",
                &::std::format!("Basic {}", crate::wire::base64_encode(value.as_bytes())),
            ),
        }
    }
}

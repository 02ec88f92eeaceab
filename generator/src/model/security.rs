//! Security in the located model: the document's schemes (`components.securitySchemes`,
//! which upgrade makes of Swagger 2.0's `securityDefinitions`) and the requirements each
//! operation is under.
//!
//! Built in lint's one walk of the document ([`crate::lint`]'s sites), like the rest of
//! [`crate::model`]: lint checks that every requirement names a defined scheme, and lowering
//! reads the schemes and requirements from here instead of from the JSON.
//!
//! Each operation carries its *effective* requirements in [`crate::model::Operation::security`]:
//! its own `security` when it has one (an empty list included: it takes the document's away),
//! else the document's. The requirements are a field of the operation rather than a table of
//! the [`crate::model::Model`] keyed by operation index because an operation is what lowering
//! holds when it needs them, and an index into another list would go stale the moment
//! operations are filtered or reordered; the document's requirements are one [`Arc`] shared
//! by every operation that inherits them, so inheriting costs no copy.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::diagnostics::Location;
use crate::model::object;
use crate::source::{push_token, Spec};

/// Where the document's security lives: its schemes and its own requirements.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// The schemes of `components.securitySchemes`, in the document's order.
    pub schemes: Vec<Scheme>,
    /// The document's `security`, if it has one (a list).
    pub document: Option<Arc<Requirements>>,
}

impl Security {
    /// The security of `spec`'s document: its schemes and top-level requirements.
    pub fn of(spec: &Spec) -> Security {
        let document = &spec.document;
        let schemes = match document.pointer("/components/securitySchemes") {
            Some(Value::Object(schemes)) => schemes
                .iter()
                .map(|(name, scheme)| {
                    let pointer = push_token("/components/securitySchemes", name);
                    Scheme {
                        name: name.clone(),
                        kind: SchemeKind::of(scheme),
                        location: spec.key_location(&pointer),
                        pointer,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let document = document.as_object().and_then(|root| requirements(spec, root, "")).map(Arc::new);
        Security { schemes, document }
    }

    /// The scheme named `name`, if the document defines it.
    pub fn scheme(&self, name: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|scheme| scheme.name == name)
    }

    /// The requirements an operation whose object is `operation`, at `pointer`, is under: its
    /// own `security`, else the document's.
    pub fn effective(&self, spec: &Spec, operation: &Map<String, Value>, pointer: &str) -> Option<Arc<Requirements>> {
        match requirements(spec, operation, pointer) {
            Some(own) => Some(Arc::new(own)),
            None => self.document.clone(),
        }
    }
}

/// A security scheme: an entry of `components.securitySchemes`.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Its key (`accessToken`), the name requirements use.
    pub name: String,
    /// `None` for one that does not fit the OpenAPI model (a `$ref` resolve could not
    /// follow, an unknown `type`, a missing field): reading the document into `openapiv3`
    /// reports it.
    pub kind: Option<SchemeKind>,
    pub pointer: String,
    /// The location of its key.
    pub location: Option<Location>,
}

impl Scheme {
    /// The `openapiv3` scheme this one is.
    pub fn typed<'a>(&self, api: &'a openapiv3::OpenAPI) -> Option<&'a openapiv3::SecurityScheme> {
        match api.components.as_ref()?.security_schemes.get(&self.name)? {
            openapiv3::ReferenceOr::Item(scheme) => Some(scheme),
            openapiv3::ReferenceOr::Reference { .. } => None,
        }
    }
}

/// What a scheme asks of a request, and where the credential goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: apiKey`: a key in the query parameter, header or cookie `name`.
    ApiKey { place: KeyPlace, name: String },
    /// `type: http`: the `Authorization` header, of the scheme named (`basic`, `bearer`), as
    /// written.
    Http { scheme: String },
    /// `type: oauth2`: a bearer token in the `Authorization` header.
    OAuth2,
    /// `type: openIdConnect`: a bearer token in the `Authorization` header.
    OpenIdConnect,
}

/// Where an API key goes (`in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    Query,
    Header,
    Cookie,
}

impl SchemeKind {
    /// The kind of the scheme object `scheme`, if it fits the OpenAPI model as far as this
    /// reads it (what `openapiv3` requires besides is checked when the document is read).
    fn of(scheme: &Value) -> Option<SchemeKind> {
        let scheme = object(scheme)?;
        let text = |key: &str| scheme.get(key).and_then(Value::as_str);
        match text("type")? {
            "apiKey" => {
                let place = match text("in")? {
                    "query" => KeyPlace::Query,
                    "header" => KeyPlace::Header,
                    "cookie" => KeyPlace::Cookie,
                    _ => return None,
                };
                Some(SchemeKind::ApiKey { place, name: text("name")?.to_owned() })
            }
            "http" => Some(SchemeKind::Http { scheme: text("scheme")?.to_owned() }),
            "oauth2" => Some(SchemeKind::OAuth2),
            "openIdConnect" => Some(SchemeKind::OpenIdConnect),
            _ => None,
        }
    }
}

/// A `security` list: alternatives (OR), each naming schemes needed together (AND).
#[derive(Debug, Clone)]
pub struct Requirements {
    /// The pointer of the list (`/security` for the document's).
    pub pointer: String,
    /// Its entries that are objects, in order; `{}` among them makes security optional.
    pub alternatives: Vec<Alternative>,
}

impl Requirements {
    /// Whether these are the document's requirements (an operation inherited them), not an
    /// operation's own.
    pub fn is_document(&self) -> bool {
        self.pointer == "/security"
    }

    /// Whether an empty alternative (`{}`) lets a request carry no credential.
    pub fn optional(&self) -> bool {
        self.alternatives.iter().any(|alternative| alternative.schemes.is_empty())
    }
}

/// One entry of a `security` list: the schemes it needs together.
#[derive(Debug, Clone)]
pub struct Alternative {
    pub pointer: String,
    /// Its keys, in the document's order.
    pub schemes: Vec<SchemeName>,
}

/// A scheme as a requirement names it (a key of a requirement object).
#[derive(Debug, Clone)]
pub struct SchemeName {
    pub name: String,
    pub pointer: String,
    /// The location of the key.
    pub location: Option<Location>,
}

/// The `security` of `owner` (the document, or an operation at `pointer`), when it is a list.
fn requirements(spec: &Spec, owner: &Map<String, Value>, pointer: &str) -> Option<Requirements> {
    // A `security` that is not a list of maps does not fit the model: reading says so.
    let Some(Value::Array(list)) = owner.get("security") else { return None };
    let at = format!("{pointer}/security");
    let alternatives = list
        .iter()
        .enumerate()
        .filter_map(|(index, requirement)| {
            let Value::Object(requirement) = requirement else { return None };
            let pointer = format!("{at}/{index}");
            let schemes = requirement
                .keys()
                .map(|name| {
                    let pointer = push_token(&pointer, name);
                    SchemeName { name: name.clone(), location: spec.key_location(&pointer), pointer }
                })
                .collect();
            Some(Alternative { pointer, schemes })
        })
        .collect();
    Some(Requirements { pointer: at, alternatives })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str, yaml: &str) -> crate::model::Model {
        crate::model::of_spec(&format!("security-{name}"), yaml)
    }

    #[test]
    fn schemes_and_effective_requirements_are_located() {
        let model = model(
            "effective",
            "openapi: 3.0.3
info: {title: t, version: '1'}
security:
  - key: []
paths:
  /a:
    get:
      responses:
        '204': {description: none}
    post:
      security:
        - {}
        - basic: []
          key: []
      responses:
        '204': {description: none}
    put:
      security: []
      responses:
        '204': {description: none}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    basic: {type: http, scheme: basic}
    oauth: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x.org', scopes: {}}}}
",
        );
        let schemes: Vec<(&str, Option<&SchemeKind>, &str)> =
            model.security.schemes.iter().map(|s| (s.name.as_str(), s.kind.as_ref(), s.pointer.as_str())).collect();
        assert_eq!(
            schemes,
            [
                (
                    "key",
                    Some(&SchemeKind::ApiKey { place: KeyPlace::Header, name: "X-Key".into() }),
                    "/components/securitySchemes/key"
                ),
                ("basic", Some(&SchemeKind::Http { scheme: "basic".into() }), "/components/securitySchemes/basic"),
                ("oauth", Some(&SchemeKind::OAuth2), "/components/securitySchemes/oauth"),
            ]
        );
        assert_eq!(
            model.security.scheme("basic").and_then(|s| s.location.as_ref()).map(|l| (l.line, l.column)),
            Some((24, 5))
        );
        let document = model.security.document.as_ref().expect("the document's security");
        assert!(document.is_document());
        assert_eq!(document.alternatives[0].schemes[0].pointer, "/security/0/key");
        assert_eq!(document.alternatives[0].schemes[0].location.as_ref().map(|l| (l.line, l.column)), Some((4, 5)));

        let operations: Vec<_> = model.operations().map(|(_, op)| op).collect();
        let (get, put, post) = (operations[0], operations[1], operations[2]);
        // `get` inherits the document's: the same list, not a copy.
        let inherited = get.security.as_ref().expect("inherited");
        assert!(Arc::ptr_eq(inherited, document));
        // `put` takes it away with an empty list of its own.
        let none = put.security.as_ref().expect("its own, empty");
        assert_eq!(none.pointer, "/paths/~1a/put/security");
        assert!(none.alternatives.is_empty());
        // `post`'s own: `{}` makes it optional; the second alternative needs two schemes.
        let own = post.security.as_ref().expect("its own");
        assert!(!own.is_document());
        assert!(own.optional());
        let names: Vec<(&str, &str)> =
            own.alternatives[1].schemes.iter().map(|s| (s.name.as_str(), s.pointer.as_str())).collect();
        assert_eq!(names, [("basic", "/paths/~1a/post/security/1/basic"), ("key", "/paths/~1a/post/security/1/key")]);
        assert_eq!(own.alternatives[1].schemes[1].location.as_ref().map(|l| (l.line, l.column)), Some((14, 11)));
    }

    #[test]
    fn kinds_that_do_not_fit_are_none() {
        let kind = |value: Value| SchemeKind::of(&value);
        assert_eq!(kind(serde_json::json!({"type": "apiKey", "in": "body", "name": "k"})), None);
        assert_eq!(kind(serde_json::json!({"type": "http"})), None);
        assert_eq!(kind(serde_json::json!({"$ref": "#/elsewhere"})), None);
        assert_eq!(kind(serde_json::json!({"type": "openIdConnect"})), Some(SchemeKind::OpenIdConnect));
        assert_eq!(
            kind(serde_json::json!({"type": "apiKey", "in": "query", "name": "k"})),
            Some(SchemeKind::ApiKey { place: KeyPlace::Query, name: "k".into() })
        );
    }
}

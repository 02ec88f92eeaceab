//! The operation IR: each operation as a plain value (method, path, parameters with wire
//! and Rust names, body, responses by status, security) that the emitters read.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, ParameterData, ParameterSchemaOrContent, QueryStyle, ReferenceOr, StatusCode};
use serde_json::Value;

use super::names;
use super::types::{Ctx, Lowerer, Origin, Ty, TypeKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::model::examples::Examples;
use crate::model::security::{KeyPlace, Requirements, SchemeKind};
use crate::model::{self, Model};
use crate::source::push_token;

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `snake_case`: the endpoint module, unique in its [`Operation::module`].
    pub name: String,
    /// The module of `endpoints` the operation's module is in: its root document's, when the
    /// spec has several roots (`room_state`); `None` for a spec of one root.
    pub module: Option<String>,
    /// The server's `Api` method: [`Operation::name`], prefixed with the module where another
    /// module has an operation of the same name; unique among all operations.
    pub api_method: String,
    /// The wire `operationId`, if the spec gave one.
    pub operation_id: Option<String>,
    /// Upper-case HTTP method (`GET`).
    pub method: String,
    /// The path template as the spec writes it (`/rooms/{roomId}`), below the base path.
    pub path: String,
    /// Query pairs every request of the operation carries, and without which a request is
    /// not the operation's: a query string of fixed pairs written into the path key
    /// (OpenAI's `/responses?beta=true`), percent-decoded.
    pub query: Vec<(String, String)>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub security: Option<Security>,
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire: String,
    pub rust: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    /// The spec's example for it (`example`, which upgrade makes of Swagger's `x-example`).
    pub example: Option<Value>,
    /// For arrays in the query: one `name=value` pair per item (`explode`), else comma-joined.
    pub explode: bool,
    /// For a map in the query: `style: deepObject`, one `name[member]=value` pair per
    /// member, rather than one `member=value` pair (`form`, exploded).
    pub deep: bool,
    /// For any other structured value in the query with `style: deepObject`: written in
    /// brackets at any depth (`name[key][0]=value`), read back as its type says.
    pub nested: bool,
    /// The schema's `default`: what the server assumes when the parameter is absent, as the
    /// docs show it ([`Lowerer::default_text`]).
    pub default: Option<String>,
    /// For arrays that are not exploded: what separates the items in the one value (`,`;
    /// ` ` and `|` for the query styles `spaceDelimited` and `pipeDelimited`).
    pub delimiter: char,
}

impl Param {
    /// Whether the field holds any number of values, none meaning the parameter is absent: a
    /// list, or an object spread over the query (a map, one `name=value` pair per member).
    pub fn is_many(&self) -> bool {
        matches!(self.ty, Ty::Vec(_) | Ty::Map(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub media_type: String,
    /// The body's type, for a JSON body ([`BodyKind::Json`]); `String` otherwise.
    pub ty: Ty,
    /// How the body travels.
    pub kind: BodyKind,
    pub required: bool,
    pub doc: Option<String>,
    /// The field holding the body: in the request struct, unique among the parameters'
    /// names (`body`); in a response variant that also carries a status, `body`.
    pub field: String,
    /// The spec's example of the body, for a JSON media type.
    pub example: Option<Value>,
}

/// How a body is written on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// JSON, of [`Body::ty`].
    Json,
    /// Text (`text/*` with a schema that is not binary): a `String`.
    Text,
    /// Bytes, unchanged (`application/octet-stream`, `image/*`, `*/*`, `format: binary`).
    Bytes,
    /// `application/x-www-form-urlencoded` or `multipart/form-data`: a struct of the fields.
    Form { multipart: bool, fields: Vec<FormField> },
}

/// A field of a form body.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub wire: String,
    pub rust: String,
    /// The field's type, for [`FieldValue::Text`] and [`FieldValue::Json`].
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    pub value: FieldValue,
    /// The media type of the field's parts, from its `encoding` object's `contentType`
    /// (multipart only): sent instead of the default.
    pub content_type: Option<String>,
    /// An array of an urlencoded form sent as one field, its items joined by this
    /// (`encoding` with `explode: false`); `None`: one field per item.
    pub separator: Option<char>,
}

impl FormField {
    /// Whether the field holds any number of values, none meaning it is absent: files, or a
    /// list sent a field per item or in brackets (a list sent as JSON text is one field).
    pub fn is_many(&self) -> bool {
        match self.value {
            FieldValue::Files => true,
            FieldValue::Text | FieldValue::Nested => matches!(self.ty, Ty::Vec(_)),
            FieldValue::Json | FieldValue::File => false,
        }
    }
}

/// How a form field's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue {
    /// As text (a string, number, boolean, string enum, or one field per item of an array).
    Text,
    /// As JSON text (an object or other structure).
    Json,
    /// In brackets: a field `name[key]` per member and `name[0]` per item, at any depth (a
    /// structured field of an urlencoded form with `style: deepObject`).
    Nested,
    /// A file: bytes with an optional file name and media type (`format: binary`, multipart).
    File,
    /// Several files under one name.
    Files,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// `None` for `default`; the first status of a range (`200` for `2XX`).
    pub status: Option<u16>,
    /// The status is a range (`2XX`): any status from `status` to `status + 99`.
    pub range: bool,
    /// Variant name (`Ok`, `NotFound`, `Default`).
    pub variant: String,
    pub doc: Option<String>,
    /// `None` when the response has no body.
    pub body: Option<Body>,
    /// The spec's example body, if any.
    pub example: Option<Value>,
    /// The headers the spec declares, as fields of the variant.
    pub headers: Vec<ResponseHeader>,
}

/// A header a response declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    pub wire: String,
    /// The field of the variant: unique in it, never `status` or `body`.
    pub rust: String,
    /// A string, number, boolean or string enum, or an array of those (comma-separated).
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
}

/// How an operation is authenticated.
#[derive(Debug, Clone, PartialEq)]
pub struct Security {
    /// The scheme's name in the spec (`accessToken`).
    pub scheme: String,
    pub kind: CredentialKind,
    pub doc: Option<String>,
    /// A `{}` alternative in the requirement makes the credential optional.
    pub optional: bool,
    /// The Rust type of the credential ([`Credential::rust`]).
    pub credential: String,
    /// Every alternative of the requirement list (OR), each the schemes it needs together
    /// (AND), in the spec's order; the fields above are those of the first scheme of the
    /// first alternative. `{}` is not among them: it is [`Security::optional`].
    pub alternatives: Vec<Vec<SchemeUse>>,
}

impl Security {
    /// One alternative of one scheme: the handler takes that scheme's credential itself;
    /// otherwise an operation's `Credentials` enum, a variant per alternative.
    pub fn is_single(&self) -> bool {
        self.alternatives.len() == 1 && self.alternatives[0].len() == 1
    }
}

/// A scheme as one requirement uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemeUse {
    pub scheme: String,
    pub kind: CredentialKind,
    pub doc: Option<String>,
    /// The Rust type of the credential ([`Credential::rust`]).
    pub credential: String,
}

/// A security scheme some operation uses, as a credential type of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// The scheme's name in the spec (`accessToken`).
    pub scheme: String,
    /// The credential type in `endpoints` (`AccessToken`): unique among the schemes.
    pub rust: String,
    pub kind: CredentialKind,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CredentialKind {
    /// An API key in a query parameter, header or cookie.
    ApiKey { location: ParamLocation, name: String },
    /// `Authorization: Bearer <token>` (also OAuth2 and OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64>`.
    Basic,
}

/// How many named aliases deep a parameter's type is looked through ([`Lowerer::unaliased`]).
const ALIAS_DEPTH: usize = 16;

impl Lowerer<'_> {
    /// The operations of `model`, which lint built and checked, in the document's order.
    pub fn operations(&mut self, model: &Model) -> Vec<Operation> {
        let api = self.api;
        let modules = root_modules(&self.spec.roots);
        let several = modules.len() > 1;
        // Each operation of the model, with the `openapiv3` path item and operation it is.
        let typed: Vec<_> = model
            .operations()
            .filter_map(|(item, operation)| {
                let typed_item = item.typed(api)?;
                Some((item, operation, typed_item, operation.method.of(typed_item)?))
            })
            .collect();
        // The modules that want each name: a name several modules want is namespaced by
        // module in the types named after it.
        let mut wanted: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (item, operation, _, op) in &typed {
            let method = operation.method.as_str();
            wanted.entry(base_name(op, method, &item.template)).or_default().insert(operation.root);
        }
        let mut out = Vec::new();
        // An operation's name is its module: unique among the operations of its root.
        let mut taken: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        // Who took each name, for the warning when another operation wants it.
        let mut owners: BTreeMap<(usize, String), String> = BTreeMap::new();
        for (model_item, operation, item, op) in typed {
            let path = &model_item.template;
            let method = operation.method.as_str();
            let pointer = &operation.pointer;
            let (route, query) = crate::spec::route(path);
            let route = route.to_owned();
            let root = if several { operation.root } else { 0 };
            let module = several.then(|| modules.get(root).cloned().unwrap_or_default());
            let base = base_name(op, method, path);
            let name = names::unique(base.clone(), taken.entry(root).or_default(), "_");
            let this = match &op.operation_id {
                Some(id) => format!("operation `{}`", names::shown(id)),
                None => format!("operation `{} {}`", method.to_uppercase(), names::shown(path)),
            };
            let at = operation.operation_id_location.clone().or_else(|| operation.location.clone());
            if name != base {
                let first = owners.get(&(root, base.clone())).cloned().unwrap_or_default();
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::NAME_CLASH,
                        format!("{this} wants the name `{base}`, already taken by {first}; it is named `{name}`"),
                    )
                    .at(at.clone())
                    .label("renamed")
                    .help("give the operations distinct `operationId`s (an overlay can change them)"),
                );
            }
            let full = full_name(op, method, path);
            if full != base {
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::NAME_CHANGED,
                        format!(
                            "{this} is named `{name}`: its name has {} bytes, and names its file, which may hold at most {}",
                            full.len(),
                            names::MAX_MODULE_NAME
                        ),
                    )
                    .at(at.clone())
                    .label("shortened")
                    .help("give the operation a shorter `operationId` (an overlay can change it)"),
                );
            }
            owners.insert((root, name.clone()), this);
            if let Some(id) = &op.operation_id {
                self.name_changed("operationId", id, &name, |_| at);
            }
            let shared = wanted.get(&base).is_some_and(|roots| roots.len() > 1);
            let type_prefix = match &module {
                Some(module) if shared => names::camel(&format!("{module}_{name}")),
                _ => names::camel(&name),
            };
            let (mut rust_names, mut spread_taken) = (BTreeSet::new(), false);
            // The path item's parameters pushed down, as lint found them.
            let parameters = operation
                .parameters
                .iter()
                .filter_map(|p| {
                    let typed = p.typed(item, op)?;
                    self.parameter(typed, p, &model.examples, &type_prefix, &mut rust_names, &mut spread_taken)
                })
                .collect();
            let mut body = match (&op.request_body, &operation.request_body) {
                (Some(ReferenceOr::Item(body)), Some(at)) => self.body(
                    &body.content,
                    &at.content,
                    &model.examples,
                    body.required,
                    body.description.clone(),
                    &format!("{type_prefix}Body"),
                ),
                _ => None,
            };
            if let Some(body) = &mut body {
                body.field = names::unique(body.field.clone(), &mut rust_names, "_");
            }
            let responses = self.responses(op, operation, &model.examples, &type_prefix);
            let security = self.security(&model.security, operation.security.as_deref());
            out.push(Operation {
                api_method: name.clone(),
                name,
                module,
                operation_id: op.operation_id.clone(),
                method: method.to_uppercase(),
                path: route,
                query,
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                parameters,
                body,
                responses,
                security,
                origin: self.origin(pointer),
            });
        }
        api_methods(&mut out);
        out
    }

    fn parameter(
        &mut self,
        p: &ReferenceOr<Parameter>,
        found: &model::Parameter,
        examples: &Examples,
        type_prefix: &str,
        taken: &mut BTreeSet<String>,
        spread_taken: &mut bool,
    ) -> Option<Param> {
        let ReferenceOr::Item(p) = p else { return None };
        let pointer = found.pointer.as_str();
        let delimiter = match p {
            Parameter::Query { style: QueryStyle::SpaceDelimited, .. } => ' ',
            Parameter::Query { style: QueryStyle::PipeDelimited, .. } => '|',
            _ => ',',
        };
        let (data, location, explode_default) = match p {
            // `explode` defaults to true for the `form` style only.
            Parameter::Query { parameter_data, style, .. } => {
                (parameter_data, ParamLocation::Query, matches!(style, QueryStyle::Form))
            }
            Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path, false),
            Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, false),
            Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, true),
        };
        let ParameterData { name, description, required, format, example, explode, .. } = data;
        let default = match format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => schema.schema_data.default.clone(),
            _ => None,
        };
        let ty = match format {
            ParameterSchemaOrContent::Schema(schema) => {
                let ctx = Ctx {
                    name: format!("{type_prefix}{}", names::camel(name)),
                    pointer: format!("{pointer}/schema"),
                    reserved: None,
                };
                self.convert(schema, &ctx)
            }
            ParameterSchemaOrContent::Content(content) => match text_content(content, pointer) {
                Some((schema, pointer)) => self.convert(
                    schema,
                    &Ctx { name: format!("{type_prefix}{}", names::camel(name)), pointer, reserved: None },
                ),
                None => {
                    self.param_unsupported(name, "a parameter described by `content`", pointer, true);
                    Ty::String
                }
            },
        };
        // A parameter's `null` is its absence: a path, query, header or cookie value cannot be
        // `null` on the wire, so a nullable schema is its type, optional as `required` says.
        let ty = match ty {
            Ty::Nullable(inner) => *inner,
            ty => ty,
        };
        let ty = self.unaliased(ty, ALIAS_DEPTH);
        let default = default.map(|d| self.default_text(&d, &format!("{pointer}/schema")));
        let what = "a parameter that is not a string, number, boolean, string enum or array of those";
        let explode = explode.unwrap_or(explode_default);
        let spread = matches!(p, Parameter::Query { style: QueryStyle::Form, .. }) && explode && !*spread_taken;
        let deep = matches!(p, Parameter::Query { style: QueryStyle::DeepObject, .. });
        let simple_map = |this: &Self, ty: &Ty| match ty {
            Ty::Map(value) => this.is_simple(value) && !matches!(**value, Ty::Vec(_)),
            _ => matches!(ty, Ty::JsonObject),
        };
        let nested = deep && self.is_structured(&ty) && !simple_map(self, &ty);
        let ty = if self.is_simple(&ty) || nested {
            // A structured `deepObject` is written in brackets at any depth (`created[gt]=1`,
            // `items[0][price]=p`), as the type says.
            ty
        } else if let (true, Ty::Map(_) | Ty::JsonObject) = (spread || deep, &ty) {
            // An object of simple members in the query: one `name[member]=value` pair per
            // member (`deepObject`), or one `member=value` pair (`form`, exploded), which are
            // the pairs no other parameter names, one such object per operation, since two
            // could not tell whose a pair is. Members of any type are the text sent.
            let value = match ty {
                Ty::Map(value) => *value,
                _ => Ty::String,
            };
            if !self.is_simple(&value) || matches!(value, Ty::Vec(_)) {
                self.param_unsupported(name, what, pointer, false);
                return None;
            }
            *spread_taken |= !deep;
            Ty::Map(Box::new(value))
        } else if location != ParamLocation::Query || !self.is_structured(&ty) {
            // One value on the wire (a path segment, a header, a cookie, or `name=value`): its
            // text is the value, whatever the schema says of it (`anyOf: [integer, string]`).
            self.param_unsupported(name, what, pointer, true);
            Ty::String
        } else {
            // An object or list of them in the query is spread over several pairs.
            self.param_unsupported(name, what, pointer, false);
            return None;
        };
        let wanted = names::snake(name);
        let rust = names::unique(wanted.clone(), taken, "_");
        let at = found.location.clone();
        if rust != wanted {
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::NAME_CLASH,
                    format!(
                        "two parameters want the field name `{wanted}`; `{}` is named `{rust}`",
                        names::shown(name)
                    ),
                )
                .at(at.clone())
                .label("renamed")
                .help("the wire name is kept; rename one parameter in the spec or an overlay for a clearer field name"),
            );
        }
        self.name_changed("parameter", name, &rust, |_| at);
        // Swagger's `x-example` is `example` since upgrade; a free-form object's members are
        // their text, so only an example of strings is one of its field.
        let example = self.valid_example(examples.of(pointer), example.as_ref()).filter(|example| {
            ty != Ty::Map(Box::new(Ty::String))
                || example.as_object().is_some_and(|members| members.values().all(Value::is_string))
        });
        Some(Param {
            rust,
            wire: name.clone(),
            location,
            ty,
            required: *required || location == ParamLocation::Path,
            doc: description.clone(),
            example,
            explode,
            deep: deep && !nested,
            nested,
            default,
            delimiter,
        })
    }

    /// Whether values of `ty` can be written in a URL or header.
    fn is_simple(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 => true,
            Ty::Named(id) => matches!(self.space.get(*id).kind, TypeKind::Enum(_)),
            Ty::Vec(inner) => !matches!(**inner, Ty::Vec(_)) && self.is_simple(inner),
            _ => false,
        }
    }

    /// `ty` with each named alias replaced by what it names, `depth` aliases deep at most (an
    /// alias may name itself until cycles are broken): a parameter `$ref`ing `AlertNumber`
    /// (`type: integer`) is an `i64`, written and read as one. A union is what it is on the
    /// wire: of members all one simple type, that type (Matrix's `roomIdOrAlias`, `oneOf` a
    /// string of one format or another, is a `String`); of a value and a list of them
    /// (GitHub's `cwes`, `oneOf: [string, array of string]`), a list, one value being a list of
    /// one; of a string and a list of other simple values, a list of strings, their text.
    fn unaliased(&self, ty: Ty, depth: usize) -> Ty {
        match ty {
            Ty::Named(id) if depth > 0 => match &self.space.get(id).kind {
                TypeKind::Alias(inner) => self.unaliased(inner.clone(), depth - 1),
                TypeKind::Union(union) => {
                    let members: Vec<Ty> =
                        union.variants.iter().map(|v| self.unaliased(v.ty.clone(), depth - 1)).collect();
                    let scalar = |t: &Ty| self.is_simple(t) && !matches!(t, Ty::Vec(_));
                    match members.as_slice() {
                        [first, rest @ ..] if self.is_simple(first) && rest.iter().all(|other| other == first) => {
                            first.clone()
                        }
                        [one, Ty::Vec(items)] | [Ty::Vec(items), one] if scalar(one) && scalar(items) => {
                            if **items == *one || *one == Ty::String {
                                Ty::Vec(Box::new(one.clone()))
                            } else {
                                ty
                            }
                        }
                        _ => ty,
                    }
                }
                _ => ty,
            },
            Ty::Vec(inner) if depth > 0 => Ty::Vec(Box::new(self.unaliased(*inner, depth - 1))),
            Ty::Map(inner) if depth > 0 => Ty::Map(Box::new(self.unaliased(*inner, depth - 1))),
            ty => ty,
        }
    }

    /// Whether values of `ty` are objects, or lists of values (which a query spreads over
    /// several `name=value` pairs).
    fn is_structured(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Vec(_) | Ty::Map(_) | Ty::JsonObject | Ty::Tuple(_) => true,
            Ty::Boxed(inner) | Ty::Nullable(inner) => self.is_structured(inner),
            Ty::Named(id) => match &self.space.get(*id).kind {
                TypeKind::Struct(_) => true,
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => self.is_structured(inner),
                TypeKind::Union(union) => union.variants.iter().any(|v| self.is_structured(&v.ty)),
                TypeKind::Enum(_) | TypeKind::Pending => false,
            },
            Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Json | Ty::Format(_) => false,
        }
    }

    /// A parameter whose schema has no simple Rust type: typed as the text it is on the wire
    /// (`as_text`), or left out of the request type.
    fn param_unsupported(&mut self, name: &str, what: &str, pointer: &str, as_text: bool) {
        let at = self.spec.key_location(pointer);
        self.value_unsupported("parameter", name, what, at, as_text);
    }

    /// Reports a parameter or header (`noun`) whose schema has no simple Rust type: kept as
    /// the text sent, or left out.
    fn value_unsupported(
        &mut self,
        noun: &str,
        name: &str,
        what: &str,
        at: Option<crate::diagnostics::Location>,
        as_text: bool,
    ) {
        let (outcome, label, help) = if as_text {
            (
                "its field is the `String` sent".to_owned(),
                "a `String`",
                format!(
                    "give the {noun} a primitive schema (in an overlay, when the spec is vendored) for a typed field"
                ),
            )
        } else {
            ("it is left out of the request type".to_owned(), "left out", format!("use a primitive schema for {noun}s"))
        };
        self.diagnostics.push(
            Diagnostic::warning(
                codes::UNSUPPORTED,
                format!("{noun} `{}`: {what} is not supported yet; {outcome}", names::shown(name)),
            )
            .at(at)
            .label(label)
            .help(help),
        );
    }

    /// The body of `content`, whose media types the model found as `found`.
    fn body(
        &mut self,
        content: &indexmap::IndexMap<String, openapiv3::MediaType>,
        found: &[model::Media],
        examples: &Examples,
        required: bool,
        doc: Option<String>,
        name: &str,
    ) -> Option<Body> {
        let raw = |media: &openapiv3::MediaType| {
            media.schema.as_ref().and_then(|s| self.resolve_schema(s)).is_some_and(is_bytes_string)
        };
        let content: Vec<(&model::Media, &openapiv3::MediaType)> =
            found.iter().filter_map(|m| Some((m, content.get(&m.mime)?))).collect();
        // JSON first; but a string of bytes offered as another type too is those bytes.
        let (found, media) = content
            .iter()
            .find(|(m, media)| !is_json(&m.mime) && raw(media))
            .or_else(|| content.iter().find(|(m, _)| is_json(&m.mime)))
            .or_else(|| content.first())?;
        let (media_type, media_pointer) = (&found.mime, &found.pointer);
        let essence = crate::spec::essence(media_type);
        let schema = media.schema.as_ref().and_then(|s| self.resolve_schema(s));
        let binary_schema = schema.is_some_and(is_binary_string);
        // Any JSON type is JSON; `*/*` admits JSON, and a schema that is no string says it is.
        let json = is_json(media_type) || (essence == "*/*" && !schema.is_none_or(is_string));
        let kind = if json {
            BodyKind::Json
        } else if essence == "multipart/form-data" || essence == "application/x-www-form-urlencoded" {
            let multipart = essence == "multipart/form-data";
            match self.form_fields(media, found, name, multipart) {
                Some(fields) => BodyKind::Form { multipart, fields },
                None => BodyKind::Bytes,
            }
        } else if essence.starts_with("text/") && !binary_schema {
            BodyKind::Text
        } else {
            BodyKind::Bytes
        };
        let ty = match (&media.schema, &kind) {
            (Some(schema), BodyKind::Json) => self.convert(
                schema,
                &Ctx { name: name.to_owned(), pointer: format!("{media_pointer}/schema"), reserved: None },
            ),
            (None, BodyKind::Json) => Ty::Json,
            _ => Ty::String,
        };
        let example = if kind == BodyKind::Json { self.media_example(media, found, examples) } else { None };
        Some(Body { media_type: media_type.clone(), ty, kind, required, doc, field: "body".into(), example })
    }

    /// The schema `schema` is, following `$ref`s to components; `None` for a reference
    /// that resolves to nothing (lint reported it).
    fn resolve_schema<'s>(&'s self, schema: &'s ReferenceOr<openapiv3::Schema>) -> Option<&'s openapiv3::Schema> {
        let mut schema = schema;
        for _ in 0..32 {
            match schema {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    schema = self.api.components.as_ref()?.schemas.get(name)?;
                }
            }
        }
        None
    }

    /// The fields of a form body whose schema is an object with properties; `None`
    /// (the body is then bytes, with a warning) otherwise.
    fn form_fields(
        &mut self,
        media: &openapiv3::MediaType,
        found: &model::Media,
        name: &str,
        multipart: bool,
    ) -> Option<Vec<FormField>> {
        let media_pointer = &found.pointer;
        let object = media.schema.as_ref().and_then(|s| self.resolve_schema(s)).and_then(|s| match &s.schema_kind {
            // An object that allows no member is a form of no fields (Stripe declares one on
            // every operation without a body).
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(object))
                if !object.properties.is_empty()
                    || object.additional_properties == Some(openapiv3::AdditionalProperties::Any(false)) =>
            {
                Some(object.clone())
            }
            _ => None,
        });
        let Some(object) = object else {
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::UNSUPPORTED,
                    format!(
                        "form body `{}`: a form whose schema is not an object with properties is not supported yet; the body is kept as bytes",
                        if multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" }
                    ),
                )
                .at(found.location.clone())
                .label("no fields")
                .help("describe the form's fields as the `properties` of an object schema"),
            );
            return None;
        };
        // A field reference is followed from the schema as written.
        let schema_pointer = match &media.schema {
            Some(ReferenceOr::Item(_)) => format!("{media_pointer}/schema"),
            Some(ReferenceOr::Reference { reference }) => reference.trim_start_matches('#').to_owned(),
            None => format!("{media_pointer}/schema"),
        };
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for (wire, property) in &object.properties {
            let property = property.clone().unbox();
            let pointer = push_token(&format!("{schema_pointer}/properties"), wire);
            let resolved = self.resolve_schema(&property);
            let doc = resolved.and_then(|s| s.schema_data.description.clone());
            let file = multipart && resolved.is_some_and(is_binary_string);
            let array_of_files = multipart
                && resolved.is_some_and(|s| match &s.schema_kind {
                    openapiv3::SchemaKind::Type(openapiv3::Type::Array(a)) => a
                        .items
                        .as_ref()
                        .is_some_and(|i| self.resolve_schema(&i.clone().unbox()).is_some_and(is_binary_string)),
                    _ => false,
                });
            let ty = if file || array_of_files {
                Ty::String
            } else {
                let ctx =
                    Ctx { name: format!("{name}{}", names::camel(wire)), pointer: pointer.clone(), reserved: None };
                self.convert(&property, &ctx)
            };
            let value = if file {
                FieldValue::File
            } else if array_of_files {
                FieldValue::Files
            } else if self.is_simple(&ty) {
                FieldValue::Text
            } else {
                FieldValue::Json
            };
            let encoding = media.encoding.get(wire);
            let deep = encoding.is_some_and(|e| matches!(e.style, Some(QueryStyle::DeepObject)));
            let value = match value {
                FieldValue::Json if deep && !multipart => FieldValue::Nested,
                FieldValue::Text if deep && !multipart && matches!(ty, Ty::Vec(_)) => FieldValue::Nested,
                value => value,
            };
            let rust = names::unique(names::snake(wire), &mut taken, "_");
            self.name_changed("form field", wire, &rust, |this| this.spec.key_location(&pointer));
            let entry = found.encoding.iter().find(|entry| entry.property == *wire);
            let (content_type, separator) = match (encoding, entry) {
                (Some(encoding), Some(entry)) => self.field_encoding(encoding, entry, multipart, value, &ty),
                _ => (None, None),
            };
            fields.push(FormField {
                wire: wire.clone(),
                rust,
                ty,
                required: object.required.contains(wire),
                doc,
                value,
                content_type,
                separator,
            });
        }
        for entry in found.encoding.iter().filter(|entry| !object.properties.contains_key(&entry.property)) {
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::INVALID_SPEC,
                    format!(
                        "encoding `{}`: an encoding entry must name a property of the form's schema; the entry is ignored",
                        entry.property
                    ),
                )
                .at(entry.location.clone())
                .label("no such property")
                .help("name a property of the schema, or remove the entry"),
            );
        }
        Some(fields)
    }

    /// What a form field's `encoding` object asks for that is honoured: the media type of its
    /// multipart parts, and the separator of an unexploded array of an urlencoded form. Every
    /// other setting it makes is a warning at the entry.
    fn field_encoding(
        &mut self,
        encoding: &openapiv3::Encoding,
        entry: &model::Encoding,
        multipart: bool,
        value: FieldValue,
        ty: &Ty,
    ) -> (Option<String>, Option<char>) {
        let (wire, pointer) = (&entry.property, &entry.pointer);
        let unsupported = |this: &mut Self, key: &str, what: String, help: &str| {
            this.diagnostics.push(
                Diagnostic::warning(codes::UNSUPPORTED, format!("encoding `{wire}`: {what}"))
                    .at(this.spec.key_location(&format!("{pointer}/{key}")))
                    .label("not honoured")
                    .help(help.to_owned()),
            );
        };
        let mut content_type = None;
        if let Some(declared) = &encoding.content_type {
            // `contentType` may list types or ranges; the first concrete one is sent.
            let concrete = declared.split(',').map(str::trim).find(|t| !t.is_empty() && !t.contains('*'));
            let essence = concrete.map(crate::spec::essence);
            let texty = essence.as_deref().is_some_and(|e| e.starts_with("text/") || is_json(e));
            match concrete {
                _ if !multipart => unsupported(
                    self,
                    "contentType",
                    "a `contentType` for a field of an `application/x-www-form-urlencoded` body is not supported yet; the field is sent as text".into(),
                    "remove `contentType`, or send the body as `multipart/form-data`",
                ),
                None => unsupported(
                    self,
                    "contentType",
                    format!("the media range `{declared}` is not supported yet; a part whose file names no media type is sent as `application/octet-stream`"),
                    "list a concrete media type first (`image/png, image/*`)",
                ),
                Some(concrete) if matches!(value, FieldValue::Text | FieldValue::Json | FieldValue::Nested) && !texty => unsupported(
                    self,
                    "contentType",
                    format!("a text field sent as `{concrete}` is not supported yet; the part is sent as text"),
                    "give the property `format: binary` to send it as a file part",
                ),
                Some(concrete) => content_type = Some(concrete.to_owned()),
            }
        }
        if multipart && !encoding.headers.is_empty() {
            unsupported(
                self,
                "headers",
                "headers of a multipart part are not supported yet; they are not sent or read".into(),
                "send the values as form fields, or remove `headers`",
            );
        }
        let mut separator = None;
        if !multipart {
            // As for query parameters: `form` by default, exploded unless said otherwise.
            let style = encoding.style.clone().unwrap_or(QueryStyle::Form);
            let explicit_explode = entry.explode_written;
            let explode = if explicit_explode { encoding.explode } else { matches!(style, QueryStyle::Form) };
            let array = value == FieldValue::Text && matches!(ty, Ty::Vec(_));
            if array && !explode {
                separator = match style {
                    QueryStyle::Form => Some(','),
                    QueryStyle::SpaceDelimited => Some(' '),
                    QueryStyle::PipeDelimited => Some('|'),
                    QueryStyle::DeepObject => None,
                };
            }
            let styled = encoding.style.is_some() || explicit_explode;
            if styled && value == FieldValue::Json {
                unsupported(
                    self,
                    if encoding.style.is_some() { "style" } else { "explode" },
                    "`style` and `explode` of a structured field are not supported yet; the field is sent as JSON text"
                        .into(),
                    "remove `style` and `explode`, or make the field an array of simple values",
                );
            }
            if encoding.allow_reserved {
                unsupported(
                    self,
                    "allowReserved",
                    "`allowReserved` is not supported yet; reserved characters are percent-encoded".into(),
                    "remove `allowReserved`",
                );
            }
        }
        (content_type, separator)
    }

    /// The example of a body: the media type's `example`, else the `example` of a schema
    /// written in place (where Swagger 2.0 puts a body parameter's example); a `$ref`'d
    /// schema's example describes the type, not this operation. `None` when lint found it
    /// invalid.
    fn media_example(&self, media: &openapiv3::MediaType, found: &model::Media, examples: &Examples) -> Option<Value> {
        if media.example.is_some() {
            return self.valid_example(examples.of(&found.pointer), media.example.as_ref());
        }
        match &media.schema {
            Some(ReferenceOr::Item(schema)) => {
                self.valid_example(examples.in_schema_of(&found.pointer), schema.schema_data.example.as_ref())
            }
            _ => None,
        }
    }

    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        operation: &model::Operation,
        examples: &Examples,
        type_prefix: &str,
    ) -> Vec<Response> {
        let mut out = Vec::new();
        let mut entries: Vec<(Option<u16>, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        for (code, response) in &op.responses.responses {
            let (status, key) = match code {
                StatusCode::Code(c) => (Some(*c), c.to_string()),
                StatusCode::Range(r) => (Some(r.saturating_mul(100)), format!("{r}XX")),
            };
            entries.push((status, response, key));
        }
        if let Some(default) = &op.responses.default {
            entries.push((None, default, "default".into()));
        }
        let mut variants = BTreeSet::new();
        let first_success = entries.iter().position(|(s, _, _)| s.is_some_and(|s| (200..300).contains(&s)));
        for (i, (status, response, key)) in entries.into_iter().enumerate() {
            let ReferenceOr::Item(response) = response else {
                continue;
            };
            // Every key `openapiv3` reads is one of the model's: three characters, a code
            // written as `openapiv3` writes it or a range in either case.
            let Some(found) = operation.response(&key) else { continue };
            let range = key.ends_with("XX");
            let variant = if range { format!("Status{}", key.to_ascii_lowercase()) } else { status_variant(status) };
            let variant = names::unique(variant, &mut variants, "");
            let type_name = if Some(i) == first_success {
                format!("{type_prefix}Response")
            } else {
                format!("{type_prefix}{variant}Response")
            };
            let mut body = self.body(&response.content, &found.content, examples, true, None, &type_name);
            // A form is something a client sends; a response of one is kept as its bytes.
            if let Some(body) = body.as_mut().filter(|b| matches!(b.kind, BodyKind::Form { .. })) {
                body.kind = BodyKind::Bytes;
            }
            let example = found
                .content
                .iter()
                .find(|m| is_json(&m.mime))
                .and_then(|m| self.media_example(response.content.get(&m.mime)?, m, examples));
            let headers = self.response_headers(response, found, &type_name);
            out.push(Response {
                status,
                range,
                variant,
                doc: Some(response.description.clone()).filter(|d| !d.is_empty()),
                body,
                example,
                headers,
            });
        }
        out
    }

    /// The headers of a response that can be typed; others are reported and left out.
    fn response_headers(
        &mut self,
        response: &openapiv3::Response,
        found: &model::Response,
        type_name: &str,
    ) -> Vec<ResponseHeader> {
        let mut taken: BTreeSet<String> = ["status".to_owned(), "body".to_owned()].into();
        let mut out = Vec::new();
        for at in &found.headers {
            let Some(header) = response.headers.get(&at.name) else { continue };
            let (wire, pointer) = (&at.name, &at.pointer);
            // `Content-Type` and `Content-Length` are the body's, written by HTTP itself.
            if wire.eq_ignore_ascii_case("content-type") || wire.eq_ignore_ascii_case("content-length") {
                continue;
            }
            let header = match header {
                ReferenceOr::Item(header) => header,
                ReferenceOr::Reference { reference } => {
                    let found = reference
                        .strip_prefix("#/components/headers/")
                        .and_then(|name| self.api.components.as_ref()?.headers.get(name));
                    match found {
                        Some(ReferenceOr::Item(header)) => header,
                        _ => continue,
                    }
                }
            };
            let schema = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => Some((schema, format!("{pointer}/schema"))),
                ParameterSchemaOrContent::Content(content) => text_content(content, pointer),
            };
            let ty = schema.map(|(schema, pointer)| {
                self.convert(
                    schema,
                    &Ctx { name: format!("{type_name}{}", names::camel(wire)), pointer, reserved: None },
                )
            });
            // A header is one value on the wire: without a simple type, its text is the value.
            let ty = match ty {
                Some(Ty::Nullable(inner)) if self.is_simple(&inner) => *inner,
                Some(ty) if self.is_simple(&ty) => ty,
                Some(_) => {
                    let what = "a header that is not a string, number, boolean, string enum or array of those";
                    self.value_unsupported("response header", wire, what, at.location.clone(), true);
                    Ty::String
                }
                None => {
                    let what = "a header described by other `content` than one `text/*` media type";
                    self.value_unsupported("response header", wire, what, at.location.clone(), true);
                    Ty::String
                }
            };
            let rust = names::unique(names::snake(wire), &mut taken, "_");
            self.name_changed("response header", wire, &rust, |_| at.location.clone());
            out.push(ResponseHeader {
                wire: wire.clone(),
                rust,
                ty,
                required: header.required,
                doc: header.description.clone(),
            });
        }
        out
    }

    /// The security of an operation under `requirements`, with the schemes of `security`.
    fn security(&self, security: &model::security::Security, requirements: Option<&Requirements>) -> Option<Security> {
        let requirements = requirements?;
        // An alternative naming a scheme that is not defined (lint reported it) is left out.
        let alternatives: Vec<Vec<SchemeUse>> = requirements
            .alternatives
            .iter()
            .filter(|alternative| !alternative.schemes.is_empty())
            .filter_map(|alternative| {
                alternative.schemes.iter().map(|name| self.scheme_use(security, &name.name)).collect::<Option<Vec<_>>>()
            })
            .collect();
        let first = alternatives.first()?.first()?.clone();
        Some(Security {
            scheme: first.scheme,
            kind: first.kind,
            doc: first.doc,
            optional: requirements.optional(),
            credential: String::new(),
            alternatives,
        })
    }

    fn scheme_use(&self, security: &model::security::Security, name: &str) -> Option<SchemeUse> {
        let scheme = security.scheme(name)?;
        let kind = match scheme.kind.as_ref()? {
            SchemeKind::ApiKey { place, name } => {
                let location = match place {
                    KeyPlace::Query => ParamLocation::Query,
                    KeyPlace::Header => ParamLocation::Header,
                    KeyPlace::Cookie => ParamLocation::Cookie,
                };
                CredentialKind::ApiKey { location, name: name.clone() }
            }
            SchemeKind::Http { scheme } if scheme.eq_ignore_ascii_case("basic") => CredentialKind::Basic,
            SchemeKind::Http { .. } | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect => CredentialKind::Bearer,
        };
        let doc = match scheme.typed(self.api)? {
            openapiv3::SecurityScheme::APIKey { description, .. }
            | openapiv3::SecurityScheme::HTTP { description, .. }
            | openapiv3::SecurityScheme::OAuth2 { description, .. }
            | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => description.clone(),
        };
        Some(SchemeUse { scheme: name.to_owned(), kind, doc, credential: String::new() })
    }
}

/// Names a credential type for every security scheme the operations use, in the order they
/// are first used, and points each operation's [`Security::credential`] at its type.
pub fn credentials(operations: &mut [Operation]) -> Vec<Credential> {
    let mut types: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<Credential> = Vec::new();
    for op in operations.iter_mut() {
        let Some(security) = &mut op.security else {
            continue;
        };
        for used in security.alternatives.iter_mut().flatten() {
            if let Some(known) = out.iter().find(|c| c.scheme == used.scheme) {
                used.credential = known.rust.clone();
                continue;
            }
            let rust = names::unique(names::camel(&used.scheme), &mut types, "");
            used.credential = rust.clone();
            out.push(Credential { scheme: used.scheme.clone(), rust, kind: used.kind.clone(), doc: used.doc.clone() });
        }
        if let Some(first) = security.alternatives.first().and_then(|a| a.first()) {
            security.credential = first.credential.clone();
        }
    }
    out
}

/// `type: string` (whatever its format).
fn is_string(schema: &openapiv3::Schema) -> bool {
    matches!(schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(_)))
}

/// `type: string, format: binary` (a Swagger 2.0 `file` upgrades to it).
/// The schema of a parameter's or header's `content` (at `pointer`), and the schema's
/// pointer, when its value is its text: one `text/*` media type with a schema (`content: {text/plain: {schema: {type:
/// integer}}}` is an integer written as text, as `schema:` alone says).
fn text_content<'c>(
    content: &'c indexmap::IndexMap<String, openapiv3::MediaType>,
    pointer: &str,
) -> Option<(&'c ReferenceOr<openapiv3::Schema>, String)> {
    let [(media, media_type)] = content.iter().collect::<Vec<_>>()[..] else { return None };
    let schema = media_type.schema.as_ref().filter(|_| crate::spec::essence(media).starts_with("text/"))?;
    Some((schema, format!("{pointer}/content/{}/schema", crate::source::escape_token(media))))
}

fn is_binary_string(schema: &openapiv3::Schema) -> bool {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => {
            matches!(&s.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
        }
        _ => false,
    }
}

/// `type: string` of `format: binary` or `byte`: what a body of raw bytes is described as.
fn is_bytes_string(schema: &openapiv3::Schema) -> bool {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => matches!(
            &s.format,
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary | openapiv3::StringFormat::Byte)
        ),
        _ => false,
    }
}

pub use crate::spec::is_json;

/// The name an operation wants: its `operationId`, else one made of its method and path;
/// shortened to [`names::MAX_MODULE_NAME`], as it names the operation's file.
fn base_name(op: &openapiv3::Operation, method: &str, path: &str) -> String {
    let name = full_name(op, method, path);
    names::shortened(&name, names::MAX_MODULE_NAME).unwrap_or(name)
}

/// [`base_name`] before it is shortened.
fn full_name(op: &openapiv3::Operation, method: &str, path: &str) -> String {
    op.operation_id.as_deref().map(names::snake).unwrap_or_else(|| name_from_path(method, path))
}

/// The module of each root document's operations (`snake_case` of its file's stem), unique
/// among the roots in the order they are named.
pub fn root_modules(roots: &[crate::source::Root]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    roots.iter().map(|root| names::unique(names::snake(&root.name), &mut taken, "_")).collect()
}

/// Names each operation's `Api` method: its name, or, where operations of several modules
/// share it, the name prefixed with the module (`room_state_get_state`); unique, in order.
fn api_methods(operations: &mut [Operation]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for op in operations.iter() {
        *count.entry(op.name.clone()).or_default() += 1;
    }
    let mut taken: BTreeSet<String> = count.iter().filter(|(_, n)| **n == 1).map(|(name, _)| name.clone()).collect();
    for op in operations.iter_mut() {
        if count.get(&op.name).is_some_and(|n| *n > 1) {
            let prefixed = match &op.module {
                Some(module) => names::snake(&format!("{module}_{}", op.name)),
                None => op.name.clone(),
            };
            op.api_method = names::unique(prefixed, &mut taken, "_");
        }
    }
}

/// `GET /sync` → `sync`; `POST /rooms/{id}/send` → `post_rooms_send`.
fn name_from_path(method: &str, path: &str) -> String {
    let words: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')).collect();
    let joined = if words.is_empty() { "root".to_owned() } else { words.join("_") };
    if method == "get" {
        names::snake(&joined)
    } else {
        names::snake(&format!("{method}_{joined}"))
    }
}

/// `200` → `Ok`, `404` → `NotFound`, `default` → `Default`.
fn status_variant(status: Option<u16>) -> String {
    let Some(status) = status else {
        return "Default".into();
    };
    let reason = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        204 => "NoContent",
        206 => "PartialContent",
        301 => "MovedPermanently",
        302 => "Found",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{status}"),
    };
    reason.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str, scheme: Option<&str>) -> Operation {
        Operation {
            name: name.into(),
            module: None,
            api_method: name.into(),
            operation_id: None,
            method: "GET".into(),
            path: "/".into(),
            query: Vec::new(),
            summary: None,
            description: None,
            deprecated: false,
            parameters: Vec::new(),
            body: None,
            responses: Vec::new(),
            security: scheme.map(|scheme| Security {
                scheme: scheme.into(),
                kind: CredentialKind::Bearer,
                doc: None,
                optional: false,
                credential: String::new(),
                alternatives: vec![vec![SchemeUse {
                    scheme: scheme.into(),
                    kind: CredentialKind::Bearer,
                    doc: None,
                    credential: String::new(),
                }]],
            }),
            origin: None,
        }
    }

    #[test]
    fn credentials_are_named_once_per_scheme_without_clashes() {
        let mut ops = vec![
            op("a", Some("accessToken")),
            op("b", Some("access_token")),
            op("c", Some("accessToken")),
            op("d", None),
        ];
        let credentials = credentials(&mut ops);
        let names: Vec<&str> = credentials.iter().map(|c| c.rust.as_str()).collect();
        // Two schemes whose names case alike get two types.
        assert_eq!(names, ["AccessToken", "AccessToken2"]);
        let used: Vec<&str> = ops.iter().filter_map(|op| op.security.as_ref()).map(|s| s.credential.as_str()).collect();
        assert_eq!(used, ["AccessToken", "AccessToken2", "AccessToken"]);
    }

    #[test]
    fn statuses_name_variants() {
        assert_eq!(status_variant(Some(200)), "Ok");
        assert_eq!(status_variant(Some(299)), "Status299");
        assert_eq!(status_variant(None), "Default");
    }

    /// The operations `yaml` lowers to, and the diagnostics of the whole run.
    fn lowered(name: &str, yaml: &str) -> (Vec<Operation>, crate::Diagnostics) {
        let (checked, mut diagnostics, path) = crate::checked_spec(&format!("lower-operations-{name}"), yaml);
        let config = crate::Config::new(&path, path.with_file_name("out"), "t");
        let model = super::super::lower(&checked, &config, &mut diagnostics).expect("the spec lowers");
        let _ = std::fs::remove_dir_all(path.with_file_name(""));
        (model.operations, diagnostics)
    }

    /// Security comes from the model: the document's requirements for an operation without
    /// its own, an operation's own (`[]` taking them away), `{}` making a credential optional,
    /// and each scheme's kind and description.
    #[test]
    fn security_is_the_effective_requirements_with_their_schemes() {
        let (ops, _) = lowered(
            "security",
            "openapi: 3.0.3
info: {title: t, version: '1'}
security:
  - key: []
paths:
  /a:
    get:
      responses:
        '204': {description: none}
    put:
      security: []
      responses:
        '204': {description: none}
    post:
      security:
        - {}
        - basic: []
          key: []
      responses:
        '204': {description: none}
components:
  securitySchemes:
    key: {type: apiKey, in: cookie, name: k, description: the key}
    basic: {type: http, scheme: Basic}
",
        );
        let key = CredentialKind::ApiKey { location: ParamLocation::Cookie, name: "k".into() };
        let get = ops[0].security.as_ref().expect("the document's");
        assert_eq!(
            (get.scheme.as_str(), &get.kind, get.doc.as_deref(), get.optional),
            ("key", &key, Some("the key"), false)
        );
        assert!(ops[1].security.is_none());
        let post = ops[2].security.as_ref().expect("its own");
        assert!(post.optional);
        let alternatives: Vec<Vec<(&str, &CredentialKind)>> =
            post.alternatives.iter().map(|a| a.iter().map(|s| (s.scheme.as_str(), &s.kind)).collect()).collect();
        assert_eq!(alternatives, [vec![("basic", &CredentialKind::Basic), ("key", &key)]]);
    }

    /// A parameter's example is its `example` only: Swagger's `x-example` became that in
    /// upgrade (and is validated there by lint); an OpenAPI 3 `x-example` is an extension.
    #[test]
    fn parameter_examples_are_read_from_one_key() {
        let (ops, _) = lowered(
            "swagger",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n        - {in: query, name: n, type: integer, x-example: 3}\n      responses:\n        200: {description: ok}\n",
        );
        assert_eq!(ops[0].parameters[0].example, Some(serde_json::json!(3)));
        let (ops, _) = lowered(
            "openapi",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n        - {in: query, name: n, schema: {type: integer}, x-example: not a number}\n      responses:\n        200: {description: ok}\n",
        );
        assert_eq!(ops[0].parameters[0].example, None);
    }

    /// A parameter whose schema has no simple Rust type (`anyOf: [integer, string]`, say) is
    /// one value on the wire in a path, a header, a cookie or a query pair: its field is the
    /// `String` sent, never left out (which left `{key}` in the request's path). An object in
    /// the query, spread over several pairs, is still left out; each is reported. A named
    /// alias is what it names (GitHub's `alert_number` `$ref`s an integer schema), looked
    /// through a bounded number of times (`Nested` names itself).
    /// An operation's name names its file: one too long for a file name (Microsoft Graph's run
    /// to 245 characters) keeps its first and last words, with a warning; two that shorten
    /// alike are told apart as any two names are.
    #[test]
    fn long_operation_names_are_shortened_and_stay_unique() {
        // The words between the first and the last that fit differ: they are cut.
        let tail = "resource.path.".repeat(5);
        let (x, y) = ("xxxxxxxxxxxx.".repeat(10), "yyyyyyyyyyyy.".repeat(10));
        let (a, b) = (format!("deeply.{x}{tail}GetThing"), format!("deeply.{y}{tail}GetThing"));
        let op = |path: &str, id: &str| {
            format!("  {path}:\n    get:\n      operationId: {id}\n      responses:\n        '204': {{description: none}}\n")
        };
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{}{}{}",
            op("/a", &a),
            op("/b", &b),
            op("/c", "short.name")
        );
        let (ops, diagnostics) = lowered("long_names", &yaml);
        let names: Vec<&str> = ops.iter().map(|op| op.name.as_str()).collect();
        let short = format!("deeply_{}get_thing", "resource_path_".repeat(5));
        assert_eq!(names, [short.clone(), format!("{short}_2"), "short_name".to_owned()]);
        assert!(short.len() <= names::MAX_MODULE_NAME);
        let clash = diagnostics.iter().find(|d| d.code == codes::NAME_CLASH).expect("the second is renamed");
        assert!(clash.message.ends_with(&format!("it is named `{short}_2`")), "{}", clash.message);
        let shortened: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.label.as_deref() == Some("shortened"))
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(shortened.len(), 2, "{}", diagnostics.render(false));
    }

    /// A parameter or response header described by one `text/*` media type is the value its
    /// schema says, written as text; a header is one value on the wire, so one without a
    /// simple type (an object, JSON content) is the `String` sent, as a parameter is.
    #[test]
    fn text_content_is_typed_and_other_headers_are_their_text() {
        let (ops, diagnostics) = lowered(
            "text_content",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: X-Count, in: header, content: {text/plain: {schema: {type: integer}}}}\n        - {name: q, in: query, content: {application/json: {schema: {type: object}}}}\n      responses:\n        '200':\n          description: ok\n          headers:\n            X-Rate: {content: {'text/plain; charset=utf-8': {schema: {type: integer, format: int32}}}}\n            X-Tag: {content: {text/plain: {schema: {type: string}}}}\n            X-Object: {schema: {type: object, properties: {a: {type: string}}}}\n            X-Json: {content: {application/json: {schema: {type: object}}}}\n            X-Maybe: {schema: {type: integer, nullable: true}}\n",
        );
        let params: Vec<(&str, &Ty)> = ops[0].parameters.iter().map(|p| (p.wire.as_str(), &p.ty)).collect();
        assert_eq!(params, [("X-Count", &Ty::I64), ("q", &Ty::String)]);
        let headers: Vec<(&str, &Ty)> = ops[0].responses[0].headers.iter().map(|h| (h.wire.as_str(), &h.ty)).collect();
        assert_eq!(
            headers,
            [
                ("X-Rate", &Ty::I32),
                ("X-Tag", &Ty::String),
                ("X-Object", &Ty::String),
                ("X-Json", &Ty::String),
                ("X-Maybe", &Ty::I64)
            ]
        );
        let rendered = diagnostics.render(false);
        assert_eq!(rendered.matches("its field is the `String` sent").count(), 3, "{rendered}");
        for sent in ["parameter `q`", "response header `X-Object`", "response header `X-Json`"] {
            assert!(rendered.contains(&format!("warning[not-supported]: {sent}: ")), "{sent}: {rendered}");
        }
    }

    #[test]
    fn parameters_without_a_simple_type_are_the_text_sent() {
        let (ops, diagnostics) = lowered(
            "text_parameters",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /keys/{key}:\n    get:\n      parameters:\n        - {name: key, in: path, required: true, schema: {anyOf: [{type: integer}, {type: string}]}}\n        - {name: X-Any, in: header, schema: {oneOf: [{type: integer}, {type: boolean}]}}\n        - {name: session, in: cookie, schema: {type: object, properties: {id: {type: string}}}}\n        - {name: since, in: query, schema: {anyOf: [{type: integer}, {type: string}]}}\n        - {name: filter, in: query, schema: {type: object, properties: {a: {type: string}}}}\n        - {name: number, in: query, required: true, schema: {$ref: '#/components/schemas/Number'}}\n        - {name: tags, in: query, schema: {$ref: '#/components/schemas/Tags'}}\n        - {name: nested, in: query, schema: {$ref: '#/components/schemas/Nested'}}\n        - {name: room, in: query, schema: {oneOf: [{type: string, format: room-id}, {$ref: '#/components/schemas/Tag'}]}}\n        - {name: cwes, in: query, schema: {oneOf: [{type: string}, {type: array, items: {type: string}}]}}\n        - {name: has, in: query, schema: {oneOf: [{type: array, items: {type: string, enum: [patch]}}, {type: string}]}}\n        - {name: ids, in: query, schema: {oneOf: [{type: integer}, {type: array, items: {type: string}}]}}\n        - {name: lists, in: query, schema: {type: object, additionalProperties: {type: array, items: {type: string}}}}\n        - {name: fields, in: query, schema: {type: object, additionalProperties: {type: integer}}}\n        - {name: extra, in: query, schema: {type: object}}\n        - {name: meta, in: query, style: deepObject, schema: {type: object, additionalProperties: {type: boolean}}}\n        - {name: created, in: query, style: deepObject, schema: {anyOf: [{type: object, properties: {gt: {type: integer}}}, {type: integer}]}}\n        - {name: items, in: query, style: deepObject, schema: {type: array, items: {type: object, properties: {price: {type: string}}}}}\n      responses:\n        '200': {description: ok}\ncomponents:\n  schemas:\n    Number: {type: integer, format: int64}\n    Tags: {type: array, items: {$ref: '#/components/schemas/Tag'}}\n    Tag: {type: string}\n    Nested: {type: array, items: {$ref: '#/components/schemas/Nested'}}\n",
        );
        let params: Vec<(&str, &Ty, bool)> =
            ops[0].parameters.iter().map(|p| (p.wire.as_str(), &p.ty, p.required)).collect();
        assert_eq!(
            params,
            [
                ("key", &Ty::String, true),
                ("X-Any", &Ty::String, false),
                ("session", &Ty::String, false),
                ("since", &Ty::String, false),
                ("number", &Ty::I64, true),
                ("tags", &Ty::Vec(Box::new(Ty::String)), false),
                // A union of strings is a string, without a warning.
                ("room", &Ty::String, false),
                // A value or a list of them is a list; a string or a list of enums, of strings.
                ("cwes", &Ty::Vec(Box::new(Ty::String)), false),
                ("has", &Ty::Vec(Box::new(Ty::String)), false),
                // An object in the query, one pair per member: a map, one per operation.
                ("fields", &Ty::Map(Box::new(Ty::I64)), false),
                // A `deepObject` map's pairs are its own: any number per operation.
                ("meta", &Ty::Map(Box::new(Ty::Bool)), false),
                // Any other structure with `deepObject` goes in brackets, as its type says.
                ("created", params[11].1, false),
                ("items", params[12].1, false),
            ]
        );
        let nested: Vec<_> = ops[0].parameters.iter().filter(|p| p.nested).map(|p| (p.wire.as_str(), &p.ty)).collect();
        assert!(
            matches!(nested.as_slice(), [("created", Ty::Named(_)), ("items", Ty::Vec(item))] if matches!(**item, Ty::Named(_))),
            "{nested:?}"
        );
        let rendered = diagnostics.render(false);
        assert_eq!(rendered.matches("its field is the `String` sent").count(), 4, "{rendered}");
        // An integer or a list of strings is no one list: left out, a list in the query.
        for left_out in ["filter", "nested", "ids", "extra", "lists"] {
            let message = format!("parameter `{left_out}`: a parameter that is not a string, number, boolean, string enum or array of those is not supported yet; it is left out");
            assert!(rendered.contains(&message), "{rendered}");
        }
    }

    /// A free-form object in the query is its members' text; only an example of strings is an
    /// example of that field.
    #[test]
    fn a_free_form_object_in_the_query_is_a_map_of_text() {
        let spec = |example: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    get:\n      parameters:\n        - {{name: q, in: query, schema: {{type: object}}, example: {example}}}\n      responses:\n        '200': {{description: ok}}\n"
            )
        };
        let (ops, _) = lowered("free_form_text", &spec("{a: x}"));
        let q = &ops[0].parameters[0];
        assert_eq!(q.ty, Ty::Map(Box::new(Ty::String)));
        assert_eq!(q.example, Some(serde_json::json!({"a": "x"})));
        let (ops, _) = lowered("free_form_number", &spec("{a: 1}"));
        assert_eq!(ops[0].parameters[0].example, None);
    }

    /// Swagger 2.0 writes a body parameter's example on its schema: that is the body's
    /// example; an invalid one is not, and a `$ref`'d schema's example describes the type.
    #[test]
    fn a_body_example_may_sit_on_its_schema() {
        let spec = |example: &str| {
            format!(
                "swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    post:\n      parameters:\n        - in: body\n          name: b\n          schema: {{type: object, properties: {{n: {{type: integer}}}}, example: {example}}}\n      responses:\n        200: {{description: ok}}\n"
            )
        };
        let (ops, _) = lowered("body_example", &spec("{n: 3}"));
        assert_eq!(ops[0].body.as_ref().and_then(|b| b.example.clone()), Some(serde_json::json!({"n": 3})));
        let (ops, _) = lowered("body_example_invalid", &spec("{n: three}"));
        assert_eq!(ops[0].body.as_ref().and_then(|b| b.example.clone()), None);
    }

    /// Bodies that are not JSON are bytes, text or forms, never text by default; a JSON
    /// schema under `*/*` is JSON; a string of bytes offered as JSON too is bytes.
    #[test]
    fn bodies_are_bytes_text_json_or_forms_by_media_type_and_schema() {
        let spec = |media: &str, schema: &str| {
            format!(
                "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    post:\n      requestBody:\n        content:\n{media}\n            schema: {schema}\n      responses:\n        '200': {{description: ok}}\n"
            )
        };
        let one = |media: &str| format!("          {media}:");
        let cases: [(&str, String, &str); 7] = [
            ("octet", one("application/octet-stream"), "{type: string, format: binary}"),
            ("image", one("image/png"), "{type: string}"),
            ("any_string", one("'*/*'"), "{type: string}"),
            ("any_object", one("'*/*'"), "{type: object, properties: {n: {type: integer}}}"),
            ("text", one("text/plain"), "{type: string}"),
            ("text_binary", one("text/plain"), "{type: string, format: binary}"),
            (
                "both",
                format!(
                    "{}\n            schema: {{type: string, format: byte}}\n{}",
                    one("application/json"),
                    one("'*/*'")
                ),
                "{type: string, format: byte}",
            ),
        ];
        let expected = [
            BodyKind::Bytes,
            BodyKind::Bytes,
            BodyKind::Bytes,
            BodyKind::Json,
            BodyKind::Text,
            BodyKind::Bytes,
            BodyKind::Bytes,
        ];
        for ((name, media, schema), expected) in cases.iter().zip(expected) {
            let (ops, diagnostics) = lowered(&format!("body_{name}"), &spec(media, schema));
            assert_eq!(ops[0].body.as_ref().map(|b| b.kind.clone()), Some(expected), "{name}");
            assert!(!diagnostics.iter().any(|d| d.message.contains("media type")), "{name}");
        }
        let form = "{type: object, required: [f], properties: {a: {type: integer}, f: {type: string, format: binary}, t: {type: array, items: {type: string}}, o: {type: object, properties: {x: {type: string}}}}}";
        let (ops, _) = lowered("body_multipart", &spec(&one("multipart/form-data"), form));
        let Some(BodyKind::Form { multipart: true, fields }) = ops[0].body.as_ref().map(|b| b.kind.clone()) else {
            panic!("{:?}", ops[0].body)
        };
        let shape: Vec<_> = fields.iter().map(|f| (f.wire.as_str(), f.value, f.required)).collect();
        assert_eq!(
            shape,
            [
                ("a", FieldValue::Text, false),
                ("f", FieldValue::File, true),
                ("t", FieldValue::Text, false),
                ("o", FieldValue::Json, false)
            ]
        );
        // In a form that is not multipart, a binary string is text.
        let (ops, _) = lowered("body_urlencoded", &spec(&one("application/x-www-form-urlencoded"), form));
        let Some(BodyKind::Form { multipart: false, fields }) = ops[0].body.as_ref().map(|b| b.kind.clone()) else {
            panic!("{:?}", ops[0].body)
        };
        assert_eq!(fields[1].value, FieldValue::Text);
    }

    /// `encoding`: a part's `contentType` and an urlencoded array's `style`/`explode` are
    /// read; what is not honoured is a warning at its entry, never dropped silently.
    #[test]
    fn encoding_objects_are_read_or_reported() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/encoding/openapi.yaml");
        let yaml = std::fs::read_to_string(fixture).expect("the encoding fixture is readable");
        let (ops, diagnostics) = lowered("encoding_fixture", &yaml);
        assert!(!diagnostics.iter().any(|d| d.code == codes::UNSUPPORTED), "{}", diagnostics.render(false));
        let fields = |op: &Operation| match op.body.as_ref().map(|b| &b.kind) {
            Some(BodyKind::Form { fields, .. }) => fields.clone(),
            other => panic!("not a form: {other:?}"),
        };
        let upload: Vec<_> = fields(&ops[0]).into_iter().map(|f| (f.wire, f.content_type, f.separator)).collect();
        assert_eq!(
            upload,
            [
                ("photo".to_owned(), Some("image/png".to_owned()), None),
                ("thumbnails".to_owned(), Some("image/jpeg".to_owned()), None),
                ("meta".to_owned(), Some("application/json".to_owned()), None),
            ]
        );
        let search: Vec<_> = fields(&ops[1]).into_iter().map(|f| (f.wire, f.content_type, f.separator)).collect();
        assert_eq!(
            search,
            [
                ("ids".to_owned(), None, Some(',')),
                ("words".to_owned(), None, Some('|')),
                ("tags".to_owned(), None, None),
                ("filters".to_owned(), None, None)
            ]
        );

        let unsupported = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /m:\n    post:\n      requestBody:\n        content:\n          multipart/form-data:\n            schema: {type: object, properties: {f: {type: string, format: binary}, t: {type: string}}}\n            encoding:\n              f: {contentType: 'image/*', headers: {X-Rate: {schema: {type: integer}}}}\n              t: {contentType: image/png}\n              gone: {contentType: text/plain}\n      responses:\n        '204': {description: ok}\n  /u:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema: {type: object, properties: {o: {type: object, properties: {x: {type: string}}}, d: {type: object, properties: {x: {type: string}}}, l: {type: array, items: {type: string}}, s: {type: string}}}\n            encoding:\n              o: {style: form}\n              d: {style: deepObject}\n              l: {style: deepObject, explode: true}\n              s: {contentType: text/plain, allowReserved: true}\n      responses:\n        '204': {description: ok}\n";
        let (ops, diagnostics) = lowered("encoding_unsupported", unsupported);
        let messages: Vec<String> = diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
        for expected in [
            "not-supported encoding `f`: the media range `image/*` is not supported yet",
            "not-supported encoding `f`: headers of a multipart part are not supported yet",
            "not-supported encoding `t`: a text field sent as `image/png` is not supported yet",
            "invalid-spec encoding `gone`: an encoding entry must name a property",
            "not-supported encoding `o`: `style` and `explode` of a structured field are not supported yet",
            "not-supported encoding `s`: a `contentType` for a field of an `application/x-www-form-urlencoded` body",
            "not-supported encoding `s`: `allowReserved` is not supported yet",
        ] {
            assert!(messages.iter().any(|m| m.starts_with(expected)), "no `{expected}` in {messages:#?}");
        }
        assert!(diagnostics.iter().filter(|d| d.message.starts_with("encoding")).all(|d| d.location.is_some()));
        let Some(BodyKind::Form { fields, .. }) = ops[0].body.as_ref().map(|b| b.kind.clone()) else { panic!() };
        assert!(fields.iter().all(|f| f.content_type.is_none()), "{fields:?}");
        // `deepObject` objects and lists go in brackets, without a warning; `form` objects
        // stay JSON text.
        let Some(BodyKind::Form { fields, .. }) = ops[1].body.as_ref().map(|b| b.kind.clone()) else { panic!() };
        let values: Vec<_> = fields.iter().map(|f| (f.wire.as_str(), f.value)).collect();
        assert_eq!(
            values,
            [("o", FieldValue::Json), ("d", FieldValue::Nested), ("l", FieldValue::Nested), ("s", FieldValue::Text)]
        );
        assert!(!messages.iter().any(|m| m.contains("encoding `d`") || m.contains("encoding `l`")), "{messages:#?}");
    }

    /// A Swagger 2.0 `default` response of a `$ref`'d schema is typed, as a status range is,
    /// and both keep the real status (their variants carry it).
    #[test]
    fn a_default_response_of_a_definition_is_typed() {
        let spec = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n        4XX: {description: client, schema: {$ref: '#/definitions/Error'}}\n        default: {description: other, schema: {$ref: '#/definitions/Error'}}\ndefinitions:\n  Error: {type: object, properties: {message: {type: string}}}\n";
        let (ops, diagnostics) = lowered("default_error", spec);
        assert!(!diagnostics.iter().any(|d| d.code == codes::UNSUPPORTED), "{}", diagnostics.render(false));
        let default = ops[0].responses.iter().find(|r| r.status.is_none()).expect("the default");
        let body = default.body.as_ref().expect("a body");
        assert_eq!(body.kind, BodyKind::Json);
        assert!(matches!(body.ty, Ty::Named(_)), "{:?}", body.ty);
        let range = ops[0].responses.iter().find(|r| r.range).expect("the range");
        assert_eq!((range.status, range.variant.as_str()), (Some(400), "Status4xx"));
        assert!(matches!(range.body.as_ref().map(|b| &b.ty), Some(Ty::Named(_))));
    }

    /// A range status may be written in lower case (`2xx`): what is reported under it is
    /// located at the key as written, not at the `2XX` `openapiv3` spells it.
    #[test]
    fn diagnostics_under_a_lower_case_range_are_located() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /r:\n    get:\n      responses:\n        2xx:\n          description: ok\n          headers:\n            X-Obj: {schema: {type: object}}\n";
        let (ops, diagnostics) = lowered("lower_case_range", yaml);
        assert_eq!(ops[0].responses.len(), 1);
        let header = diagnostics.iter().find(|d| d.message.starts_with("response header `X-Obj`")).expect("reported");
        assert_eq!(
            header.location.as_ref().map(|l| (l.line, l.column)),
            Some((10, 13)),
            "{}",
            diagnostics.render(false)
        );
    }
}

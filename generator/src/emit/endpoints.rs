//! Emits `endpoints.rs` (metadata types, one credential type per security scheme, one module
//! per operation) and `endpoints/<operation>.rs`: the operation's metadata, a `Request` and a
//! `Response` that convert to and from `http` types, as ruma models endpoints.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens as _};

use super::docs::{clean, doc_attrs, line_attrs, paragraphs};
use super::types::{ident, ty_tokens, Place};
use crate::lower::formats::FormatTy;
use crate::lower::names;
use crate::lower::operations::{
    Body, BodyKind, Credential, CredentialKind, FieldValue, FormField, Operation, Param, ParamLocation, Response,
    Security,
};
use crate::lower::types::{Rest, Ty, TypeId, TypeKind};
use crate::lower::Model;

/// `` `GET /base/path` ``: how every endpoint doc starts.
pub fn endpoint_title(op: &Operation, model: &Model) -> String {
    let query: Vec<String> = op.query.iter().map(|(name, value)| format!("{name}={value}")).collect();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("`{} {}{}{query}`", op.method, model.info.base_path, op.path)
}

/// Method and path, then summary and description, then a deprecation note.
pub fn endpoint_doc(op: &Operation, model: &Model) -> String {
    let title = endpoint_title(op, model);
    let deprecated = op.deprecated.then_some("Deprecated by the spec.");
    paragraphs([Some(title.as_str()), op.summary.as_deref(), op.description.as_deref(), deprecated])
}

/// The doc of an operation's module: [`endpoint_doc`] and an example call through the
/// generated client.
fn module_doc(op: &Operation, model: &Model) -> TokenStream {
    let krate = &model.info.crate_name;
    let path = match &op.module {
        Some(module) => format!("{module}::{}", op.name),
        None => op.name.clone(),
    };
    let credential = match &op.security {
        Some(s) if s.is_single() => format!("\n    .with_credential(/* a `{krate}::endpoints::{}` */)", s.credential),
        Some(_) => "\n    .with_credential(/* a credential of each scheme of one alternative */)".to_owned(),
        None => String::new(),
    };
    let example = format!(
        "# Example\n\nWith the `client` feature:\n\n```ignore\nlet client = {krate}::client::Client::new(\"https://example.org\"){credential};\nlet request = {krate}::endpoints::{path}::Request {{ /* its parameters */ }};\nlet response = client.send(&request).await?;\n```"
    );
    let spec = doc_attrs(&endpoint_doc(op, model));
    let example = own_doc(&example);
    quote! { #spec #[doc = ""] #example }
}

/// `#[doc]` attributes of text the generator wrote (links stay links); spec text in it must
/// already be [`clean`]ed.
pub fn own_doc(text: &str) -> TokenStream {
    line_attrs(text.trim())
}

/// The file name of an operation's module in `src/endpoints/`: the name itself when it is
/// ASCII, else each non-ASCII character written as `-xxxx-` (hex), which no identifier holds,
/// so two operations never share a file.
pub fn module_file(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("-{:x}-", u32::from(c)));
        }
    }
    format!("{out}.rs")
}

/// The path of an operation's module below `endpoints` (`sync`, `room_state::set_room_state`).
pub fn module_path(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    match &op.module {
        Some(module) => {
            let module = ident(module);
            quote!(#module::#name)
        }
        None => quote!(#name),
    }
}

/// The file of an operation's module, below `src/` (`endpoints/sync.rs`,
/// `endpoints/room_state/set_room_state.rs`).
pub fn operation_file(op: &Operation) -> String {
    match &op.module {
        Some(module) => format!("endpoints/{}/{}", module_stem(module), module_file(&op.name)),
        None => format!("endpoints/{}", module_file(&op.name)),
    }
}

/// [`module_file`] without `.rs`: the folder of a module's own modules.
fn module_stem(name: &str) -> String {
    let file = module_file(name);
    file.strip_suffix(".rs").unwrap_or(&file).to_owned()
}

/// `pub mod name;` with its doc, and a `#[path]` (relative to `folder`) when the name is not
/// ASCII: rustc loads a module file only for an ASCII name (E0754).
fn module_declaration(name: &str, doc: TokenStream, folder: &str) -> TokenStream {
    let ident = ident(name);
    let path = (!name.is_ascii()).then(|| {
        let path = format!("{folder}{}", module_file(name));
        quote!(#[path = #path])
    });
    quote! { #doc #path pub mod #ident; }
}

/// The tokens of `endpoints.rs`: the credential types and a `pub mod` per operation (each in
/// its own file), or, for a spec of several roots, a `pub mod` per root document.
pub fn module(model: &Model) -> TokenStream {
    let credentials = model.credentials.iter().map(credential);
    let modules: Vec<TokenStream> = if model.modules.is_empty() {
        model
            .operations
            .iter()
            .map(|op| {
                let doc = module_doc(op, model);
                let cfg = super::features::operation(model, op);
                module_declaration(&op.name, quote!(#doc #cfg), "endpoints/")
            })
            .collect()
    } else {
        model
            .modules
            .iter()
            .map(|m| {
                let from = format!("The operations of `{}`.", m.file);
                let doc = doc_attrs(&paragraphs([m.title.as_deref(), m.description.as_deref(), Some(from.as_str())]));
                module_declaration(&m.name, doc, "endpoints/")
            })
            .collect()
    };
    quote! {
        #(#credentials)*
        #(#modules)*
    }
}

/// The tokens of `endpoints/<module>.rs` of a spec of several roots: a `pub mod` per
/// operation of the root document `module`.
pub fn root_module(model: &Model, module: &crate::lower::EndpointModule) -> TokenStream {
    let folder = format!("{}/", module_stem(&module.name));
    let operations =
        model.operations.iter().filter(|op| op.module.as_deref() == Some(module.name.as_str())).map(|op| {
            let doc = module_doc(op, model);
            // `endpoints::ping::ping`: an operation named as its root, as the spec names it.
            let allow = (op.name == module.name).then(|| quote!(#[allow(clippy::module_inception)]));
            let cfg = super::features::operation(model, op);
            module_declaration(&op.name, quote!(#doc #allow #cfg), &folder)
        });
    quote! {
        #(#operations)*
    }
}

fn location_tokens(kind: &CredentialKind) -> (TokenStream, String) {
    match kind {
        CredentialKind::ApiKey { location: ParamLocation::Header, name } => {
            (quote!(::specgen_runtime::CredentialLocation::Header(#name)), format!("an API key in the header `{name}`"))
        }
        CredentialKind::ApiKey { location: ParamLocation::Cookie, name } => {
            (quote!(::specgen_runtime::CredentialLocation::Cookie(#name)), format!("an API key in the cookie `{name}`"))
        }
        CredentialKind::ApiKey { location: ParamLocation::Query | ParamLocation::Path, name } => (
            quote!(::specgen_runtime::CredentialLocation::Query(#name)),
            format!("an API key in the query parameter `{name}`"),
        ),
        CredentialKind::Bearer => (
            quote!(::specgen_runtime::CredentialLocation::Bearer),
            "a token in `Authorization: Bearer <token>`".to_owned(),
        ),
        CredentialKind::Basic => (
            quote!(::specgen_runtime::CredentialLocation::Basic),
            "a user and password in `Authorization: Basic <base64>`".to_owned(),
        ),
    }
}

fn credential(c: &Credential) -> TokenStream {
    let name = ident(&c.rust);
    let scheme = &c.scheme;
    let (location, how) = location_tokens(&c.kind);
    let hidden = format!("Security scheme `{}`: {how}. Its `Debug` output hides the secret.", c.scheme);
    let doc = doc_attrs(&paragraphs([c.doc.as_deref(), Some(hidden.as_str())]));
    let redacted = format!("{}(..)", c.rust);
    if c.kind == CredentialKind::Basic {
        let debug_name = &c.rust;
        return quote! {
            #doc
            #[derive(Clone, PartialEq, Eq, Hash)]
            pub struct #name {
                /// The user.
                pub username: ::std::string::String,
                /// The password.
                pub password: ::std::string::String,
            }

            impl ::specgen_runtime::Credential for #name {
                const SCHEME: &'static str = #scheme;
                const LOCATION: ::specgen_runtime::CredentialLocation = #location;

                fn from_value(value: ::std::string::String) -> ::std::option::Option<Self> {
                    let (username, password) = value.split_once(':')?;
                    ::std::option::Option::Some(Self {
                        username: ::std::borrow::ToOwned::to_owned(username),
                        password: ::std::borrow::ToOwned::to_owned(password),
                    })
                }

                fn to_value(&self) -> ::std::string::String {
                    ::std::format!("{}:{}", self.username, self.password)
                }
            }

            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#debug_name).field("username", &self.username).finish_non_exhaustive()
                }
            }
        };
    }
    quote! {
        #doc
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct #name(pub ::std::string::String);

        impl ::specgen_runtime::Credential for #name {
            const SCHEME: &'static str = #scheme;
            const LOCATION: ::specgen_runtime::CredentialLocation = #location;

            fn from_value(value: ::std::string::String) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(Self(value))
            }

            fn to_value(&self) -> ::std::string::String {
                ::std::clone::Clone::clone(&self.0)
            }
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#redacted)
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self(value)
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self(::std::borrow::ToOwned::to_owned(value))
            }
        }
    }
}

/// The variant of an operation's `Credentials` for each alternative of its security: the
/// credential types' names joined by `And`, unique.
pub fn credential_variants(security: &Security) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    security
        .alternatives
        .iter()
        .map(|a| {
            let name = a.iter().map(|u| u.credential.as_str()).collect::<Vec<_>>().join("And");
            crate::lower::names::unique(name, &mut taken, "")
        })
        .collect()
}

/// `Credentials`: the credentials of an operation whose security has several alternatives
/// or schemes, a variant per alternative.
fn credentials_enum(op: &Operation) -> Option<TokenStream> {
    let security = op.security.as_ref().filter(|s| !s.is_single())?;
    let variants = security.alternatives.iter().zip(credential_variants(security)).map(|(alternative, name)| {
        let variant = ident(&name);
        let types = alternative.iter().map(|u| {
            let ty = ident(&u.credential);
            quote!(crate::endpoints::#ty)
        });
        let schemes = alternative.iter().map(|u| format!("`{}`", u.scheme)).collect::<Vec<_>>().join(" and ");
        let doc = own_doc(&format!("The credentials of {schemes}."));
        quote! { #doc #variant(#(#types),*), }
    });
    let optional = if security.optional { " The endpoint also takes requests with none." } else { "" };
    let doc = own_doc(&format!(
        "The credentials of the alternative the request satisfied, the first in the spec's order: one variant\nper alternative of the operation's security requirements.{optional}"
    ));
    Some(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Credentials {
            #(#variants)*
        }
    })
}

/// The parts of `endpoints/<operation>.rs`, in order: the metadata, the request type and
/// its `Endpoint` impl, the response type and its `EndpointResponse` impl. The impls are
/// [`OperationPart::Impl`]: on a large spec most operations share their impls' text
/// (Kubernetes' 2,246 are 38 texts), which is then printed once.
pub fn operation_part(op: &Operation, model: &Model, part: OperationPart) -> TokenStream {
    match part {
        OperationPart::Types => {
            let metadata = metadata(op, model);
            let credentials = credentials_enum(op);
            let request = request(op, model);
            quote! {
                #metadata
                #credentials
                #request
            }
        }
        OperationPart::Impl => endpoint_impl(op),
        OperationPart::Response => response(op, model),
        OperationPart::ResponseImpl => response_impl(op),
    }
}

/// A part of an operation's file ([`operation_part`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationPart {
    Types,
    Impl,
    Response,
    ResponseImpl,
}

impl OperationPart {
    pub const ALL: [OperationPart; 4] =
        [OperationPart::Types, OperationPart::Impl, OperationPart::Response, OperationPart::ResponseImpl];

    /// Whether the part is an impl, whose text many operations share.
    pub fn is_impl(self) -> bool {
        matches!(self, OperationPart::Impl | OperationPart::ResponseImpl)
    }
}

fn metadata(op: &Operation, model: &Model) -> TokenStream {
    let name = &op.name;
    let method = ident(&op.method);
    let path = format!("{}{}", model.info.base_path, op.path);
    let security = match &op.security {
        Some(security) => {
            let alternatives = security.alternatives.iter().map(|alternative| {
                let schemes = alternative.iter().map(|used| {
                    let scheme = &used.scheme;
                    let (location, _) = location_tokens(&used.kind);
                    quote!(::specgen_runtime::SecurityScheme { scheme: #scheme, location: #location })
                });
                quote!(&[#(#schemes),*])
            });
            let optional = security.optional;
            quote!(::std::option::Option::Some(::specgen_runtime::SecurityRequirement { alternatives: &[#(#alternatives),*], optional: #optional }))
        }
        None => quote!(::std::option::Option::None),
    };
    let request_body = match &op.body {
        // The client names the body's media type: any is taken.
        Some(_) if content_type_param(op).is_some() => quote!(::std::option::Option::Some("*/*")),
        Some(body) => {
            let media_type = &body.media_type;
            quote!(::std::option::Option::Some(#media_type))
        }
        None => quote!(::std::option::Option::None),
    };
    quote! {
        /// The endpoint's name, method, path, credential and request body.
        pub const METADATA: ::specgen_runtime::Metadata = ::specgen_runtime::Metadata {
            name: #name,
            method: ::http::Method::#method,
            path: #path,
            security: #security,
            request_body: #request_body,
            errors: crate::ERROR_FORMAT,
        };
    }
}

/// Whether an array parameter is written as one pair per item (`form` style, query and cookie).
fn exploded(p: &Param) -> bool {
    p.explode && matches!(p.location, ParamLocation::Query | ParamLocation::Cookie)
}

fn is_array(p: &Param) -> bool {
    matches!(p.ty, Ty::Vec(_))
}

/// The Rust type of a request field: arrays are `Vec` and objects in the query maps (empty
/// when absent), other optional parameters `Option`.
fn param_ty(p: &Param, model: &Model) -> TokenStream {
    let ty = ty_tokens(&p.ty, &model.types, Place::Outside(&quote!(crate::types::)));
    if p.required || p.is_many() {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

fn body_ty(body: &Body, model: &Model) -> TokenStream {
    match &body.kind {
        BodyKind::Json | BodyKind::Text => ty_tokens(&body.ty, &model.types, Place::Outside(&quote!(crate::types::))),
        BodyKind::Bytes => quote!(::std::vec::Vec<u8>),
        BodyKind::Form { .. } => quote!(Form),
    }
}

fn field_ty(f: &FormField, model: &Model) -> TokenStream {
    let ty = ty_tokens(&f.ty, &model.types, Place::Outside(&quote!(crate::types::)));
    let ty = match f.value {
        FieldValue::Text | FieldValue::Json | FieldValue::Nested => ty,
        FieldValue::File => quote!(::specgen_runtime::FilePart),
        FieldValue::Files => quote!(::std::vec::Vec<::specgen_runtime::FilePart>),
    };
    if f.required || f.is_many() {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

/// The `Form` struct of an operation whose body is a form, with its encoding and decoding.
fn form(op: &Operation, model: &Model, shapes: &mut Shapes) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let BodyKind::Form { multipart, fields } = &body.kind else { return None };
    let media = if *multipart { "multipart/form-data" } else { "application/x-www-form-urlencoded" };
    let doc = own_doc(&format!("The fields of the request's `{media}` body."));
    let decls = fields.iter().map(|f| {
        let name = ident(&f.rust);
        let ty = field_ty(f, model);
        let what = match f.value {
            FieldValue::Text => "",
            FieldValue::Json => " Sent as JSON text.",
            FieldValue::Nested => " Sent in brackets: a field per member (`name[key]`) and item (`name[0]`).",
            FieldValue::File => " A file part.",
            FieldValue::Files => " A file part per item.",
        };
        let required = if f.required { "Required field" } else { "Field" };
        let wire = format!("{required} `{}`.{what}", f.wire);
        let doc = doc_attrs(&paragraphs([f.doc.as_deref(), Some(wire.as_str())]));
        quote! { #doc pub #name: #ty, }
    });
    let writes = fields.iter().map(|f| {
        let name = ident(&f.rust);
        let wire = &f.wire;
        let many = f.is_many();
        let declared = f.content_type.as_ref().map(|t| quote!(form.content_type(#wire, #t);));
        let write = match (f.value, f.required || many) {
            (FieldValue::Files, _) => quote!(for file in &self.#name { form.file(#wire, file); }),
            (FieldValue::Text, _) if many => match f.separator {
                Some(separator) => quote!(form.joined(#wire, &self.#name, #separator);),
                None => quote!(form.texts(#wire, &self.#name);),
            },
            (FieldValue::Text, true) => quote!(form.text(#wire, &self.#name);),
            (FieldValue::Text, false) => quote!(if let ::std::option::Option::Some(value) = &self.#name { form.text(#wire, value); }),
            (FieldValue::Json, true) => quote!(form.text(#wire, &::std::string::String::from_utf8_lossy(&::specgen_runtime::wire::to_json(&self.#name)?));),
            (FieldValue::Json, false) => quote! {
                if let ::std::option::Option::Some(value) = &self.#name {
                    form.text(#wire, &::std::string::String::from_utf8_lossy(&::specgen_runtime::wire::to_json(value)?));
                }
            },
            (FieldValue::File, true) => quote!(form.file(#wire, &self.#name);),
            (FieldValue::File, false) => quote!(if let ::std::option::Option::Some(file) = &self.#name { form.file(#wire, file); }),
            (FieldValue::Nested, true) => quote!(form.nested(#wire, &self.#name)?;),
            (FieldValue::Nested, false) => quote!(if let ::std::option::Option::Some(value) = &self.#name { form.nested(#wire, value)?; }),
        };
        quote!(#declared #write)
    });
    let reads = fields.iter().map(|f| {
        let name = ident(&f.rust);
        let wire = &f.wire;
        let value = match (f.value, f.required) {
            (FieldValue::Files, _) => quote!(form.files(#wire)),
            (FieldValue::Text, true) if f.is_many() => match f.separator {
                Some(separator) => quote!(form.fields().delimited_required(#wire, #separator)?),
                None => quote!(form.fields().repeated_required(#wire)?),
            },
            (FieldValue::Text, false) if f.is_many() => match f.separator {
                Some(separator) => quote!(form.fields().delimited(#wire, #separator)?),
                None => quote!(form.fields().repeated(#wire)?),
            },
            (FieldValue::Text, true) => quote!(form.fields().required(#wire)?),
            (FieldValue::Text, false) => quote!(form.fields().optional(#wire)?),
            (FieldValue::Json, true) => quote! {
                ::specgen_runtime::wire::request_json(form.fields().required::<::std::string::String>(#wire)?.as_bytes())?
            },
            (FieldValue::Json, false) => quote! {
                match form.fields().optional::<::std::string::String>(#wire)? {
                    ::std::option::Option::Some(text) => ::std::option::Option::Some(::specgen_runtime::wire::request_json(text.as_bytes())?),
                    ::std::option::Option::None => ::std::option::Option::None,
                }
            },
            (FieldValue::File, true) => quote!(form.required_file(#wire)?),
            (FieldValue::File, false) => quote!(form.optional_file(#wire)?),
            (FieldValue::Nested, required) => {
                let shape = shapes.reference(&f.ty);
                match required {
                    true => quote!(form.fields().nested_required(#wire, #shape)?),
                    false if f.is_many() => quote!(form.fields().nested(#wire, #shape)?.unwrap_or_default()),
                    false => quote!(form.fields().nested(#wire, #shape)?),
                }
            }
        };
        quote!(#name: #value,)
    });
    let all_optional = fields.iter().all(|f| !f.required);
    let default = all_optional.then(|| quote!(Default,));
    let mut_form = if fields.is_empty() { quote!(form) } else { quote!(mut form) };
    let read_form = if fields.is_empty() { quote!(_) } else { quote!(form) };
    Some(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct Form {
            #(#decls)*
        }

        impl Form {
            /// The body's media type (with its boundary) and bytes.
            fn encode(&self) -> ::std::result::Result<(::std::string::String, ::std::vec::Vec<u8>), ::specgen_runtime::IntoHttpError> {
                let #mut_form = ::specgen_runtime::form::FormWriter::new(#multipart);
                #(#writes)*
                form.finish()
            }

            /// The fields of a form read from a request.
            fn decode(#read_form: &::specgen_runtime::form::Form) -> ::std::result::Result<Self, ::specgen_runtime::FromHttpRequestError> {
                ::std::result::Result::Ok(Self {
                    #(#reads)*
                })
            }
        }
    })
}

fn param_doc(p: &Param) -> TokenStream {
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let required = if p.required { "Required " } else { "" };
    let mut wire = format!("{required}{location} parameter `{}`.", p.wire);
    if let Some(first) = wire.get(..1) {
        wire = format!("{}{}", first.to_uppercase(), wire.get(1..).unwrap_or_default());
    }
    let items = match (is_array(p), exploded(p)) {
        _ if p.nested => Some(format!(
            "In brackets (`deepObject`): one `{0}[key]=value` pair per member and `{0}[0]=value` per item, at any depth.",
            p.wire
        )),
        _ if matches!(p.ty, Ty::Map(_)) && p.deep => {
            Some(format!("One `{}[member]=value` pair per member (`deepObject`); none means it is absent.", p.wire))
        }
        _ if matches!(p.ty, Ty::Map(_)) => Some(
            "One `name=value` pair per member, named as no other parameter is; none means it is absent.".to_owned(),
        ),
        (false, _) => None,
        (true, true) => Some(format!("One `{}=` pair per item; no item means the parameter is absent.", p.wire)),
        (true, false) if p.required => Some(format!("The items in one value, separated by `{}`.", p.delimiter)),
        (true, false) => Some(format!(
            "The items in one value, separated by `{}`; no item means the parameter is absent.",
            p.delimiter
        )),
    };
    let default = p.default.as_ref().map(|d| format!("Default: `{d}`."));
    let fallback = format!("`{}`", p.wire);
    doc_attrs(&paragraphs([
        p.doc.as_deref().or(Some(fallback.as_str())),
        Some(wire.as_str()),
        items.as_deref(),
        default.as_deref(),
    ]))
}

fn source(location: ParamLocation) -> TokenStream {
    match location {
        ParamLocation::Path => quote!(path),
        ParamLocation::Query => quote!(query),
        ParamLocation::Header => quote!(headers),
        ParamLocation::Cookie => quote!(cookies),
    }
}

fn write_param(p: &Param) -> TokenStream {
    let field = ident(&p.rust);
    let wire = &p.wire;
    // Lint requires path parameters, so only the others have a writer for an optional value.
    let (method, optional) = match p.location {
        ParamLocation::Path => (quote!(path), None),
        ParamLocation::Query => (quote!(query), Some(quote!(optional_query))),
        ParamLocation::Header => (quote!(header), Some(quote!(optional_header))),
        ParamLocation::Cookie => (quote!(cookie), Some(quote!(optional_cookie))),
    };
    match (is_array(p), exploded(p), p.required) {
        _ if p.nested && (p.required || p.is_many()) => quote!(out.nested_query(#wire, &self.#field)?;),
        _ if p.nested => quote! {
            if let ::std::option::Option::Some(value) = &self.#field {
                out.nested_query(#wire, value)?;
            }
        },
        _ if matches!(p.ty, Ty::Map(_)) && p.deep => {
            let template = format!("{}[{{member}}]", wire.replace('{', "{{").replace('}', "}}"));
            quote! {
                for (member, value) in &self.#field {
                    out.#method(&format!(#template), value);
                }
            }
        }
        _ if matches!(p.ty, Ty::Map(_)) => quote! {
            for (name, value) in &self.#field {
                out.#method(name, value);
            }
        },
        (true, true, _) => quote! {
            for value in &self.#field {
                out.#method(#wire, value);
            }
        },
        (true, false, required) => {
            let separator = p.delimiter;
            let write = quote!(out.#method(#wire, &::specgen_runtime::wire::Delimited(&self.#field, #separator)););
            if required {
                write
            } else {
                quote! {
                    if !self.#field.is_empty() {
                        #write
                    }
                }
            }
        }
        (false, _, true) => quote!(out.#method(#wire, &self.#field);),
        (false, _, false) => match optional {
            Some(optional) => quote!(out.#optional(#wire, self.#field.as_ref());),
            None => quote! {
                if let ::std::option::Option::Some(value) = &self.#field {
                    out.#method(#wire, value);
                }
            },
        },
    }
}

/// The read of `p`, one of `op`'s parameters, from the request.
fn read_param(op: &Operation, p: &Param) -> TokenStream {
    let field = ident(&p.rust);
    let wire = &p.wire;
    let source = source(p.location);
    let separator = p.delimiter;
    let others = || {
        let others = op.parameters.iter().filter(|o| o.location == p.location && o.wire != p.wire).map(|o| &o.wire);
        let declared =
            op.query.iter().map(|(name, _)| name).filter(|_| p.location == ParamLocation::Query).chain(others);
        quote!(#wire, &[#(#declared),*], &METADATA)
    };
    let value = match (is_array(p), exploded(p), p.required) {
        _ if p.nested => {
            let shape = param_shape(p);
            match (p.required, p.is_many()) {
                (true, _) => quote!(#source.nested_required(#wire, Self::#shape)?),
                (false, true) => quote!(#source.nested(#wire, Self::#shape)?.unwrap_or_default()),
                (false, false) => quote!(#source.nested(#wire, Self::#shape)?),
            }
        }
        _ if matches!(p.ty, Ty::Map(_)) && p.deep => {
            if p.required {
                quote!(#source.deep_object_required(#wire)?)
            } else {
                quote!(#source.deep_object(#wire)?)
            }
        }
        _ if matches!(p.ty, Ty::Map(_)) => {
            let others = others();
            if p.required {
                quote!(#source.others_required(#others)?)
            } else {
                quote!(#source.others(#others)?)
            }
        }
        (true, true, true) => quote!(#source.repeated_required(#wire)?),
        (true, true, false) => quote!(#source.repeated(#wire)?),
        (true, false, true) => quote!(#source.delimited_required(#wire, #separator)?),
        (true, false, false) => quote!(#source.delimited(#wire, #separator)?),
        (false, _, true) => quote!(#source.required(#wire)?),
        (false, _, false) => quote!(#source.optional(#wire)?),
    };
    quote!(#field: #value,)
}

fn request(op: &Operation, model: &Model) -> TokenStream {
    let title = endpoint_title(op, model);
    let credential = op
        .security
        .as_ref()
        .map(|s| format!("The `{}` credential is not a field: see [`crate::endpoints::{}`].", s.scheme, s.credential));
    let what = match (op.parameters.is_empty(), op.body.is_some()) {
        (false, true) => "its parameters and body, typed",
        (false, false) => "its parameters, typed",
        (true, true) => "its body, typed",
        (true, false) => "it has no parameters",
    };
    let doc = own_doc(&paragraphs([Some(format!("The request of {title}: {what}.").as_str()), credential.as_deref()]));
    let fields = op.parameters.iter().map(|p| {
        let doc = param_doc(p);
        let name = ident(&p.rust);
        let ty = param_ty(p, model);
        quote! { #doc pub #name: #ty, }
    });
    let body_field = op.body.as_ref().map(|body| {
        let name = ident(&body.field);
        let ty = body_ty(body, model);
        let ty = if body.required { ty } else { quote!(::std::option::Option<#ty>) };
        let media = format!("The body, `{}`.", body.media_type);
        let doc = doc_attrs(&paragraphs([body.doc.as_deref(), Some(media.as_str())]));
        quote! { #doc pub #name: #ty, }
    });
    let all_optional = op.parameters.iter().all(|p| !p.required) && op.body.as_ref().is_none_or(|b| !b.required);
    let default = all_optional.then(|| quote!(Default,));

    let mut shapes = Shapes::new(model);
    let form = form(op, model, &mut shapes);
    let nested: Vec<TokenStream> = op
        .parameters
        .iter()
        .filter(|p| p.nested)
        .map(|p| {
            let name = param_shape(p);
            let shape = shapes.reference(&p.ty);
            let doc = own_doc(&format!("How the query parameter `{}`, in brackets, reads.", p.wire));
            quote! { #doc const #name: &'static ::specgen_runtime::wire::Shape = #shape; }
        })
        .collect();
    let consts = (!nested.is_empty()).then(|| quote! { impl Request { #(#nested)* } });
    let statics = shapes.statics();
    quote! {
        #form

        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct Request {
            #(#fields)*
            #body_field
        }

        #consts
        #statics
    }
}

/// The name of the `Request` constant holding the shape of the query parameter `p`, in
/// brackets ([`Shapes`]).
fn param_shape(p: &Param) -> proc_macro2::Ident {
    quote::format_ident!("{}_SHAPE", p.rust.trim_end_matches('_').to_uppercase())
}

/// The shapes of values in brackets ([`specgen_runtime::wire::Shape`]) an operation reads: an
/// expression for each type, and a `static` for each named type they reach, so that a type
/// that holds itself is a shape that refers to itself.
struct Shapes<'m> {
    model: &'m Model,
    /// The named types given a `static`, in the order they were first reached, with its name.
    statics: Vec<(TypeId, proc_macro2::Ident)>,
}

impl<'m> Shapes<'m> {
    fn new(model: &'m Model) -> Self {
        Shapes { model, statics: Vec::new() }
    }

    /// A `&'static Shape` expression for `ty`.
    fn reference(&mut self, ty: &Ty) -> TokenStream {
        let shape = quote!(::specgen_runtime::wire::Shape);
        match ty {
            Ty::Boxed(inner) | Ty::Nullable(inner) => self.reference(inner),
            Ty::Named(id) => match &self.model.types.get(*id).kind {
                TypeKind::Alias(inner) => self.reference(inner),
                TypeKind::Enum(_) | TypeKind::Pending => quote!(&#shape::Text),
                TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Newtype(_) => {
                    let name = self.static_name(*id);
                    quote!(&#name)
                }
            },
            _ => {
                let value = self.value(ty);
                quote!(&#value)
            }
        }
    }

    /// A `Shape` expression for `ty`.
    fn value(&mut self, ty: &Ty) -> TokenStream {
        let shape = quote!(::specgen_runtime::wire::Shape);
        match ty {
            Ty::Format(FormatTy::IntOrString) => quote!(#shape::OneOf(&[&#shape::Integer, &#shape::Text])),
            Ty::String | Ty::Format(_) => quote!(#shape::Text),
            Ty::I32 | Ty::I64 => quote!(#shape::Integer),
            Ty::F64 => quote!(#shape::Number),
            Ty::Bool => quote!(#shape::Bool),
            Ty::Json | Ty::JsonObject => quote!(#shape::Any),
            Ty::Vec(item) => {
                let item = self.reference(item);
                quote!(#shape::List(#item))
            }
            Ty::Map(value) => {
                let value = self.reference(value);
                quote!(#shape::Object(&[], #value))
            }
            Ty::Tuple(items) => {
                let items: Vec<TokenStream> = items.iter().map(|item| self.reference(item)).collect();
                quote!(#shape::Tuple(&[#(#items),*]))
            }
            // A named type as a value: the one shape it is.
            Ty::Boxed(_) | Ty::Nullable(_) | Ty::Named(_) => {
                let reference = self.reference(ty);
                quote!(#shape::OneOf(&[#reference]))
            }
        }
    }

    /// The `static` of the named type `id`, given one if it has none yet.
    fn static_name(&mut self, id: TypeId) -> proc_macro2::Ident {
        if let Some((_, name)) = self.statics.iter().find(|(known, _)| *known == id) {
            return name.clone();
        }
        let base = names::snake(&self.model.types.get(id).name).to_uppercase();
        let mut name = format!("{base}_SHAPE");
        let mut n = 2;
        while self.statics.iter().any(|(_, taken)| *taken == name) {
            name = format!("{base}_SHAPE_{n}");
            n += 1;
        }
        let name = quote::format_ident!("{name}");
        self.statics.push((id, name.clone()));
        name
    }

    /// The `static`s of every named type reached, each once (more are reached on the way).
    fn statics(mut self) -> TokenStream {
        let shape = quote!(::specgen_runtime::wire::Shape);
        let mut out = Vec::new();
        let mut next = 0;
        while let Some((id, name)) = self.statics.get(next).cloned() {
            next += 1;
            let entry = self.model.types.get(id);
            let value = match &entry.kind {
                TypeKind::Struct(object) => {
                    let members: Vec<TokenStream> = object
                        .fields
                        .iter()
                        .map(|f| {
                            let wire = &f.wire;
                            let member = self.reference(&f.ty);
                            quote!((#wire, #member))
                        })
                        .collect();
                    let rest = match &object.rest {
                        Rest::Kept { ty, .. } => self.reference(ty),
                        Rest::Refused => quote!(&#shape::Any),
                    };
                    quote!(#shape::Object(&[#(#members),*], #rest))
                }
                TypeKind::Union(union) => match &union.tag {
                    Some(tag) => {
                        let variants: Vec<TokenStream> = union
                            .variants
                            .iter()
                            .flat_map(|v| v.tags.iter().map(move |t| (t, &v.ty)))
                            .map(|(value, ty)| {
                                let variant = self.reference(ty);
                                quote!((#value, #variant))
                            })
                            .collect();
                        quote!(#shape::Tagged(#tag, &[#(#variants),*]))
                    }
                    None => {
                        let variants: Vec<TokenStream> = union.variants.iter().map(|v| self.reference(&v.ty)).collect();
                        quote!(#shape::OneOf(&[#(#variants),*]))
                    }
                },
                TypeKind::Newtype(inner) | TypeKind::Alias(inner) => self.value(inner),
                TypeKind::Enum(_) | TypeKind::Pending => quote!(#shape::Text),
            };
            let doc = own_doc(&format!("How a `{}` in brackets reads.", entry.name));
            out.push(quote! { #doc static #name: #shape = #value; });
        }
        quote!(#(#out)*)
    }
}

fn endpoint_impl(op: &Operation) -> TokenStream {
    let into = into_http_request(op);
    let from = from_http_request(op);
    quote! {
        impl ::specgen_runtime::Endpoint for Request {
            const METADATA: ::specgen_runtime::Metadata = METADATA;
            type Response = Response;

            #into
            #from
        }
    }
}

/// The header parameter `Content-Type` of an operation with a body: the body's media type,
/// which the request carries once (the parameter's value when set, else the spec's type).
fn content_type_param(op: &Operation) -> Option<&Param> {
    op.body.as_ref()?;
    op.parameters
        .iter()
        .find(|p| p.location == ParamLocation::Header && p.wire.eq_ignore_ascii_case("content-type") && !is_array(p))
}

fn into_http_request(op: &Operation) -> TokenStream {
    let content_type = content_type_param(op);
    // The operation's fixed query pairs first, as its path key writes them.
    let fixed = op.query.iter().map(|(name, value)| quote!(out.query(#name, &#value);));
    let params = op.parameters.iter().filter(|p| content_type.is_none_or(|c| !std::ptr::eq(*p, c))).map(write_param);
    let writes: Vec<TokenStream> = fixed.chain(params).collect();
    let out = if writes.is_empty() { quote!(out) } else { quote!(mut out) };
    let credential = match &op.security {
        Some(s) => format!("\nThe `{}` credential is not added: the client adds it.", s.scheme),
        None => String::new(),
    };
    let doc = own_doc(&format!(
        "The `http` request: `base_url` (`https://example.org`, or `\"\"` for a URI of path and query\nonly) joined to the path, with the parameters and body.{credential}"
    ));
    let body = match &op.body {
        None => {
            return quote! {
                #doc
                fn try_into_http_request(&self, base_url: &str) -> ::std::result::Result<::http::Request<::std::vec::Vec<u8>>, ::specgen_runtime::IntoHttpError> {
                    let #out = ::specgen_runtime::wire::Outgoing::new(METADATA.path);
                    #(#writes)*
                    out.into_request(METADATA.method, base_url, ::std::option::Option::None)
                }
            }
        }
        Some(body) => {
            let field = ident(&body.field);
            let declared = &sent_media(body);
            let media = match content_type {
                Some(_) => quote!(media.as_str()),
                None => quote!(#declared),
            };
            match (&body.kind, body.required) {
                (BodyKind::Json, true) => {
                    quote!(::std::option::Option::Some((#media, ::specgen_runtime::wire::to_json(&self.#field)?)))
                }
                (BodyKind::Json, false) => quote! {
                    match &self.#field {
                        ::std::option::Option::Some(body) => ::std::option::Option::Some((#media, ::specgen_runtime::wire::to_json(body)?)),
                        ::std::option::Option::None => ::std::option::Option::None,
                    }
                },
                (BodyKind::Text, true) => {
                    quote!(::std::option::Option::Some((#media, self.#field.clone().into_bytes())))
                }
                (BodyKind::Text, false) => {
                    quote!(self.#field.as_ref().map(|body| (#media, body.clone().into_bytes())))
                }
                (BodyKind::Bytes, true) => quote!(::std::option::Option::Some((#media, self.#field.clone()))),
                (BodyKind::Bytes, false) => quote!(self.#field.as_ref().map(|body| (#media, body.clone()))),
                // The form's own media type carries its boundary.
                (BodyKind::Form { .. }, true) => quote! {{
                    let (media, bytes) = self.#field.encode()?;
                    form_media = media;
                    ::std::option::Option::Some((form_media.as_str(), bytes))
                }},
                (BodyKind::Form { .. }, false) => quote! {
                    match &self.#field {
                        ::std::option::Option::Some(form) => {
                            let (media, bytes) = form.encode()?;
                            form_media = media;
                            ::std::option::Option::Some((form_media.as_str(), bytes))
                        }
                        ::std::option::Option::None => ::std::option::Option::None,
                    }
                },
            }
        }
    };
    let media = content_type.map(|p| {
        let field = ident(&p.rust);
        let declared = &op.body.as_ref().map(|b| b.media_type.clone()).unwrap_or_default();
        let value = if p.required {
            quote!(::std::string::ToString::to_string(&self.#field))
        } else {
            quote! {
                match &self.#field {
                    ::std::option::Option::Some(value) => ::std::string::ToString::to_string(value),
                    ::std::option::Option::None => ::std::borrow::ToOwned::to_owned(#declared),
                }
            }
        };
        quote!(let media: ::std::string::String = #value;)
    });
    let form_media = op
        .body
        .as_ref()
        .filter(|b| matches!(b.kind, BodyKind::Form { .. }))
        .map(|_| quote!(let form_media: ::std::string::String;));
    quote! {
        #doc
        fn try_into_http_request(&self, base_url: &str) -> ::std::result::Result<::http::Request<::std::vec::Vec<u8>>, ::specgen_runtime::IntoHttpError> {
            let #out = ::specgen_runtime::wire::Outgoing::new(METADATA.path);
            #(#writes)*
            #media
            #form_media
            let body = #body;
            out.into_request(METADATA.method, base_url, body)
        }
    }
}

fn from_http_request(op: &Operation) -> TokenStream {
    let has = |location: ParamLocation| op.parameters.iter().any(|p| p.location == location);
    let route = quote!(::specgen_runtime::wire::Params::route(request, &METADATA)?;);
    let path = if has(ParamLocation::Path) { quote!(let path = #route) } else { route };
    let fixed = (!op.query.is_empty()).then(|| {
        let pairs = op.query.iter().map(|(name, value)| quote!((#name, #value)));
        quote!(::specgen_runtime::wire::fixed_query(request, &[#(#pairs),*])?;)
    });
    let query =
        has(ParamLocation::Query).then(|| quote!(let query = ::specgen_runtime::wire::Params::query(request.uri());));
    let headers = has(ParamLocation::Header)
        .then(|| quote!(let headers = ::specgen_runtime::wire::Params::headers(request.headers());));
    let cookies = has(ParamLocation::Cookie)
        .then(|| quote!(let cookies = ::specgen_runtime::wire::Params::cookies(request.headers());));
    let reads = op.parameters.iter().map(|p| read_param(op, p));
    let body = op.body.as_ref().map(|body| {
        let field = ident(&body.field);
        let read = match (&body.kind, body.required) {
            (BodyKind::Json, true) => quote!(::specgen_runtime::wire::request_json(request.body().as_ref())?),
            (BodyKind::Json, false) => quote!(::specgen_runtime::wire::optional_request_json(request.body().as_ref())?),
            (BodyKind::Text, true) => quote!(::specgen_runtime::wire::request_text(request.body().as_ref())?),
            (BodyKind::Text, false) => quote!(::specgen_runtime::wire::optional_request_text(request.body().as_ref())?),
            (BodyKind::Bytes, true) => quote!(::specgen_runtime::wire::request_bytes(request.body().as_ref())?),
            (BodyKind::Bytes, false) => {
                quote!(::specgen_runtime::wire::optional_request_bytes(request.body().as_ref()))
            }
            (BodyKind::Form { .. }, required) => {
                let form = quote! {
                    Form::decode(&::specgen_runtime::form::Form::parse(
                        request.headers().get(::http::header::CONTENT_TYPE),
                        request.body().as_ref(),
                    )?)?
                };
                if required {
                    form
                } else {
                    quote! {
                        if request.body().as_ref().is_empty() {
                            ::std::option::Option::None
                        } else {
                            ::std::option::Option::Some(#form)
                        }
                    }
                }
            }
        };
        quote!(#field: #read,)
    });
    quote! {
        /// Reads the request from an `http` request, checking every parameter and the body.
        /// Query parameters the endpoint does not declare (a credential, say) are ignored.
        fn try_from_http_request<B: ::std::convert::AsRef<[u8]>>(request: &::http::Request<B>) -> ::std::result::Result<Self, ::specgen_runtime::FromHttpRequestError> {
            #path
            #fixed
            #query
            #headers
            #cookies
            ::std::result::Result::Ok(Self {
                #(#reads)*
                #body
            })
        }
    }
}

/// `` `200` ``, `` `2XX` `` or `` `default` ``.
pub fn status_label(r: &Response) -> String {
    match r.status {
        None => "`default`".to_owned(),
        Some(status) if r.range => format!("`{}XX`", status / 100),
        Some(status) => format!("`{status}`"),
    }
}

/// Whether the variant carries its status (a range or `default`).
fn carries_status(r: &Response) -> bool {
    r.status.is_none() || r.range
}

/// Whether the variant has named fields: its status, or headers (beside its body).
fn is_struct_variant(r: &Response) -> bool {
    carries_status(r) || !r.headers.is_empty()
}

/// The fields a struct variant is matched or built with: `status`, the body's, the headers'.
fn variant_field_names(r: &Response) -> Vec<proc_macro2::Ident> {
    let mut out = Vec::new();
    if carries_status(r) {
        out.push(ident("status"));
    }
    if let Some(body) = &r.body {
        out.push(ident(&body.field));
    }
    out.extend(r.headers.iter().map(|h| ident(&h.rust)));
    out
}

fn response(op: &Operation, model: &Model) -> TokenStream {
    let title = endpoint_title(op, model);
    let doc = doc_attrs(&format!("The responses of {title}, one variant per status the spec declares."));
    let variants = op.responses.iter().map(|r| {
        let label = status_label(r);
        let doc = own_doc(&match &r.doc {
            Some(text) => format!("{label}: {}", clean(text)),
            None => label,
        });
        let variant = ident(&r.variant);
        if !is_struct_variant(r) {
            return match &r.body {
                None => quote! { #doc #variant, },
                Some(body) => {
                    let ty = body_ty(body, model);
                    quote! { #doc #variant(#ty), }
                }
            };
        }
        let status = carries_status(r).then(|| {
            quote! {
                /// The status.
                status: ::http::StatusCode,
            }
        });
        let body = r.body.as_ref().map(|body| {
            let ty = body_ty(body, model);
            let field = ident(&body.field);
            quote! {
                /// The body.
                #field: #ty,
            }
        });
        let headers = r.headers.iter().map(|h| {
            let field = ident(&h.rust);
            let ty = ty_tokens(&h.ty, &model.types, Place::Outside(&quote!(crate::types::)));
            let many = matches!(h.ty, Ty::Vec(_));
            let ty = if h.required || many { ty } else { quote!(::std::option::Option<#ty>) };
            let required = if h.required { "Required header" } else { "Header" };
            let items = if many { " Its items, separated by commas." } else { "" };
            let wire = format!("{required} `{}`.{items}", h.wire);
            let doc = doc_attrs(&paragraphs([h.doc.as_deref(), Some(wire.as_str())]));
            quote! { #doc #field: #ty, }
        });
        quote! {
            #doc
            #variant {
                #status
                #body
                #(#headers)*
            },
        }
    });
    let allow = (op.responses.len() > 1).then(|| quote!(#[allow(clippy::large_enum_variant)]));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #allow
        pub enum Response {
            #(#variants)*
        }
    }
}

fn response_impl(op: &Operation) -> TokenStream {
    let into = into_http_response(op);
    let from = from_http_response(op);
    quote! {
        impl ::specgen_runtime::EndpointResponse for Response {
            #into
            #from
        }
    }
}

/// The media type a body is sent as: its own, but for `*/*`, which names no type a body can
/// have, `application/json` for JSON and `application/octet-stream` for bytes.
fn sent_media(body: &Body) -> String {
    match body.kind {
        BodyKind::Json if body.media_type.contains('*') => "application/json".to_owned(),
        BodyKind::Bytes if body.media_type.trim().starts_with("*/*") => "application/octet-stream".to_owned(),
        _ => body.media_type.clone(),
    }
}

/// The `http` response of `status` with `body` (the value `value`) or none: a JSON body
/// through the runtime's `json_response`, any other as its bytes through `response`.
fn response_call(status: &TokenStream, body: Option<&Body>, value: TokenStream) -> TokenStream {
    let Some(body) = body else {
        return quote!(::specgen_runtime::wire::response(#status, ::std::option::Option::None));
    };
    let media = &sent_media(body);
    let bytes = match body.kind {
        BodyKind::Json => return quote!(::specgen_runtime::wire::json_response(#status, #media, #value)),
        BodyKind::Text => quote!(#value.clone().into_bytes()),
        BodyKind::Bytes | BodyKind::Form { .. } => quote!(#value.clone()),
    };
    quote!(::specgen_runtime::wire::response(#status, ::std::option::Option::Some((#media, #bytes))))
}

fn into_http_response(op: &Operation) -> TokenStream {
    let arms: Vec<TokenStream> = op
        .responses
        .iter()
        .map(|r| {
            let variant = ident(&r.variant);
            let fixed = proc_macro2::Literal::u16_unsuffixed(r.status.unwrap_or(500)).into_token_stream();
            if !is_struct_variant(r) {
                let call = response_call(&fixed, r.body.as_ref(), quote!(body));
                return match &r.body {
                    None => quote!(Self::#variant => #call,),
                    Some(_) => quote!(Self::#variant(body) => #call,),
                };
            }
            let fields = variant_field_names(r);
            let status = if carries_status(r) { quote!(status.as_u16()) } else { fixed };
            let value = r.body.as_ref().map(|body| ident(&body.field).into_token_stream()).unwrap_or_default();
            let call = response_call(&status, r.body.as_ref(), value);
            if r.headers.is_empty() {
                return quote!(Self::#variant { #(#fields),* } => #call,);
            }
            let sets = r.headers.iter().map(|h| {
                let field = ident(&h.rust);
                let wire = &h.wire;
                match (&h.ty, h.required) {
                    (Ty::Vec(_), _) => quote! {
                        if !#field.is_empty() {
                            ::specgen_runtime::wire::set_header(&mut response, #wire, &::specgen_runtime::wire::Delimited(#field, ','))?;
                        }
                    },
                    (_, true) => quote!(::specgen_runtime::wire::set_header(&mut response, #wire, #field)?;),
                    (_, false) => quote! {
                        if let ::std::option::Option::Some(value) = #field {
                            ::specgen_runtime::wire::set_header(&mut response, #wire, value)?;
                        }
                    },
                }
            });
            quote! {
                Self::#variant { #(#fields),* } => {
                    let mut response = #call?;
                    #(#sets)*
                    ::std::result::Result::Ok(response)
                }
            }
        })
        .collect();
    let scrutinee = if arms.is_empty() { quote!(*self) } else { quote!(self) };
    quote! {
        /// The `http` response: the variant's status, and its body with its media type.
        fn try_into_http_response(&self) -> ::std::result::Result<::http::Response<::std::vec::Vec<u8>>, ::specgen_runtime::IntoHttpError> {
            match #scrutinee {
                #(#arms)*
            }
        }
    }
}

fn decode_body(body: &Body) -> TokenStream {
    match body.kind {
        BodyKind::Json => quote!(::specgen_runtime::wire::response_json(status, body)?),
        BodyKind::Text => quote!(::specgen_runtime::wire::response_text(status, body)?),
        BodyKind::Bytes | BodyKind::Form { .. } => quote!(::specgen_runtime::wire::response_bytes(body)),
    }
}

fn from_http_response(op: &Operation) -> TokenStream {
    let mut arms = Vec::new();
    // Exact statuses first, then ranges, then `default` or an unexpected status.
    for r in op.responses.iter().filter(|r| !carries_status(r)) {
        let variant = ident(&r.variant);
        let Some(status) = r.status.map(proc_macro2::Literal::u16_unsuffixed) else {
            continue;
        };
        let value = match &r.body {
            _ if is_struct_variant(r) => status_variant(r, &variant),
            None => quote!(Self::#variant),
            Some(body) => {
                let decoded = decode_body(body);
                quote!(Self::#variant(#decoded))
            }
        };
        arms.push(quote!(#status => ::std::result::Result::Ok(#value),));
    }
    for r in op.responses.iter().filter(|r| r.range) {
        let variant = ident(&r.variant);
        let Some(start) = r.status else { continue };
        let (start, end) = (
            proc_macro2::Literal::u16_unsuffixed(start),
            proc_macro2::Literal::u16_unsuffixed(start.saturating_add(100)),
        );
        let value = status_variant(r, &variant);
        arms.push(quote!(code if (#start..#end).contains(&code) => ::std::result::Result::Ok(#value),));
    }
    let default = op.responses.iter().find(|r| r.status.is_none());
    let fallback = match default {
        Some(r) => {
            let variant = ident(&r.variant);
            let value = status_variant(r, &variant);
            quote!(::std::result::Result::Ok(#value))
        }
        None => quote!(::std::result::Result::Err(::specgen_runtime::wire::unexpected_status(status, body))),
    };
    let uses_body = default.is_none() || op.responses.iter().any(|r| r.body.is_some());
    let body = uses_body.then(|| quote!(let body = response.body().as_ref();));
    let result = if arms.is_empty() {
        fallback
    } else {
        quote! {
            match status.as_u16() {
                #(#arms)*
                _ => #fallback,
            }
        }
    };
    quote! {
        /// Reads the response from an `http` response: a status the endpoint does not declare
        /// is [`specgen_runtime::FromHttpResponseError::UnexpectedStatus`], with its body.
        fn try_from_http_response<B: ::std::convert::AsRef<[u8]>>(response: &::http::Response<B>) -> ::std::result::Result<Self, ::specgen_runtime::FromHttpResponseError> {
            let status = response.status();
            #body
            #result
        }
    }
}

/// A struct variant built from the response: its status (when it carries one), body and
/// headers.
fn status_variant(r: &Response, variant: &proc_macro2::Ident) -> TokenStream {
    let status = carries_status(r).then(|| quote!(status,));
    let body = r.body.as_ref().map(|body| {
        let field = ident(&body.field);
        let decoded = decode_body(body);
        quote!(#field: #decoded,)
    });
    let headers = r.headers.iter().map(|h| {
        let field = ident(&h.rust);
        let wire = &h.wire;
        let read = match (&h.ty, h.required) {
            (Ty::Vec(_), _) => quote!(response_header_items),
            (_, true) => quote!(required_response_header),
            (_, false) => quote!(response_header),
        };
        quote!(#field: ::specgen_runtime::wire::#read(status, response.headers(), #wire)?,)
    });
    quote!(Self::#variant { #status #body #(#headers)* })
}

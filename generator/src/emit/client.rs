//! Emits `client.rs` (behind the `client` feature): the runtime's `reqwest` client, whose
//! one `send` takes any endpoint's `Request` and adds the credential it asks for. Nothing in
//! it depends on the spec but the documentation of where the server is.

use proc_macro2::TokenStream;
use quote::quote;

use super::endpoints::own_doc;
use crate::lower::Model;

pub fn emit(model: &Model) -> TokenStream {
    let server = model.info.server.as_deref().map(|s| format!(" The spec names the server `{s}`.")).unwrap_or_default();
    let base_path = if model.info.base_path.is_empty() {
        String::new()
    } else {
        format!(" Every endpoint's path already starts with the base path `{}`.", model.info.base_path)
    };
    let takes = match model.info.server.as_deref() {
        Some(url) if crate::spec::is_document_relative(url) => format!(
            "`Client::new` takes the server's base URL, its path included (`https://example.org/v1`): the spec names the server `{url}`, relative to where the spec is served, so the base path is not known."
        ),
        _ => format!("`Client::new` takes the server's scheme and authority (`https://example.org`).{base_path}{server}"),
    };
    let doc = own_doc(&format!(
        "A client of the API: [`Client::send`] takes any endpoint's `Request` and returns its `Response`, adding the credential the endpoint asks for (set with [`Client::with_credential`]).\n\n{takes}"
    ));
    quote! {
        #doc
        pub use ::specgen_runtime::client::{Client, ClientError};
    }
}

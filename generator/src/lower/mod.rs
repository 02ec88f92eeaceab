//! Lower: turns the checked spec into the model the emitters read.
//!
//! In: a [`Checked`] spec. Out: a [`Model`]: the type space (names and shapes of every Rust
//! type) and the operation IR. Lowering decides; emission only prints.

pub mod features;
pub mod formats;
pub mod names;
pub mod naming;
pub mod operations;
pub mod types;
pub mod unions;

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::lint::Checked;

pub use operations::{Credential, Operation};
pub use types::TypeSpace;

/// Everything the emitters need, and nothing they must look up in the spec.
#[derive(Debug, Clone)]
pub struct Model {
    pub info: ApiInfo,
    pub types: TypeSpace,
    pub operations: Vec<Operation>,
    /// The security schemes the operations use, each a credential type.
    pub credentials: Vec<Credential>,
    /// The root documents, when the spec has several: each has a module of `endpoints` (each
    /// operation names its [`Operation::module`]) and of `types` (each type's
    /// [`types::TypeEntry::module`]). Empty for a spec of one root.
    pub modules: Vec<EndpointModule>,
    /// The crate's per-tag Cargo features, when the config asks for them (decision 33).
    pub features: Option<features::Features>,
}

/// A root document of a spec of several: the module of `endpoints` holding its operations,
/// and the module of `types` holding the types written in it ([`TypeSpace::assign_modules`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointModule {
    /// `snake_case`, unique among the modules (`room_state`).
    pub name: String,
    /// The root document's file name (`room_state.yaml`).
    pub file: String,
    /// The root document as the origins of types show it ([`types::Origin::file`]).
    pub origin: String,
    /// The root's `info.title` and `info.description`.
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiInfo {
    /// The generated crate's name as Rust code writes it (`matrix_sync_api`).
    pub crate_name: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The path every operation's path is below (`/_matrix/client/v2_alpha`), without a trailing `/`.
    pub base_path: String,
    /// The first server URL, if the spec names one.
    pub server: Option<String>,
}

pub fn lower(checked: &Checked, config: &Config, diagnostics: &mut Diagnostics) -> Option<Model> {
    let api = &checked.api;
    let mut lowerer = types::Lowerer::new(&checked.spec, api, &checked.model.schemas, diagnostics);
    lowerer.options = formats::TypeOptions::from_config(config);
    lowerer.components();
    let mut operations = lowerer.operations(&checked.model);
    let credentials = operations::credentials(&mut operations);
    let roots = &checked.spec.roots;
    let modules: Vec<EndpointModule> = if roots.len() > 1 {
        operations::root_modules(roots)
            .into_iter()
            .zip(roots)
            .map(|(name, root)| EndpointModule {
                name,
                file: checked
                    .spec
                    .sources
                    .get(root.file)
                    .path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                origin: lowerer.shown_file(root.file),
                title: root.title.clone(),
                description: root.description.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    formats::note_unmapped(&lowerer.options, lowerer.diagnostics);
    let mut types = lowerer.space;
    naming::finish(&mut types, &mut operations, &checked.spec, config, diagnostics);
    types.assign_modules(&modules);
    types.wrap_recursive_aliases();
    types.break_cycles();
    unions::finish(&mut types);
    if diagnostics.has_errors() {
        return None;
    }
    let features = config.features.by.map(|_| features::assign(api, &operations, &types));
    let server = api.servers.first().map(|s| s.url.clone());
    Some(Model {
        info: ApiInfo {
            crate_name: config.package.name.replace('-', "_"),
            title: api.info.title.clone(),
            version: api.info.version.clone(),
            description: api.info.description.clone(),
            base_path: server.as_deref().map(|url| crate::spec::split_server_url(url).1.to_owned()).unwrap_or_default(),
            server,
        },
        types,
        operations,
        credentials,
        modules,
        features,
    })
}

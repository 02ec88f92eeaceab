//! Cargo features of the generated crate, one per tag (decision 33): which feature each
//! operation belongs to, and which features each type is compiled under.
//!
//! Opt-in (`features: {by: tag}` in the config). An operation belongs to the feature of its
//! first tag, `snake_case`; an untagged one to `untagged`. A type is compiled under the
//! features whose operations reach it through the type space's references; a type no
//! operation reaches, or every feature reaches, and everything such a type refers to, is
//! always compiled, so no ungated item ever names a gated one.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};

use super::naming::{each_kind_ty, each_named, each_operation_ty};
use super::operations::Operation;
use super::types::{TypeId, TypeSpace};

/// The feature of operations that have no tag.
pub const UNTAGGED: &str = "untagged";

/// Feature names the crate already has or keeps for itself: a tag named so gets `_tag`.
const RESERVED: [&str; 4] = ["default", "all", "server", "client"];

/// The features of a crate generated with `features: {by: tag}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    /// The features, sorted and unique: valid Cargo feature names, none of [`RESERVED`].
    pub names: Vec<String>,
    /// The feature (an index of `names`) of each operation, by its module and name.
    operations: BTreeMap<(Option<String>, String), usize>,
    /// For each type (by [`TypeId`]), the features it is compiled under; `None`: always.
    types: Vec<Option<BTreeSet<usize>>>,
}

impl Features {
    /// The feature of `op`.
    pub fn of_operation(&self, op: &Operation) -> Option<&str> {
        let i = self.operations.get(&(op.module.clone(), op.name.clone()))?;
        self.names.get(*i).map(String::as_str)
    }

    /// The features `id` is compiled under, sorted; `None` when it always is.
    pub fn of_type(&self, id: TypeId) -> Option<Vec<&str>> {
        let set = self.types.get(id.0)?.as_ref()?;
        Some(set.iter().filter_map(|&i| self.names.get(i).map(String::as_str)).collect())
    }
}

/// A tag as a Cargo feature name: `snake_case`, ASCII letters, digits and `_` only, never
/// one of the names the crate keeps for itself.
pub fn feature_name(tag: &str) -> String {
    let snake = super::names::snake(tag);
    let mut out = String::with_capacity(snake.len());
    for c in snake.chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.as_str() {
        "" => "tag".to_owned(),
        name if RESERVED.contains(&name) => format!("{name}_tag"),
        _ => out,
    }
}

/// The features of `operations` (lowered from `api`, in its order of paths and methods) and
/// of the types of `space`.
pub fn assign(api: &OpenAPI, operations: &[Operation], space: &TypeSpace) -> Features {
    // The first tag of each operation, in the order lowering made them.
    let mut tags: Vec<Option<&str>> = Vec::with_capacity(operations.len());
    for item in api.paths.paths.values() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, op) in item.iter() {
            tags.push(op.tags.first().map(String::as_str));
        }
    }
    let of_op: Vec<String> = (0..operations.len())
        .map(|i| tags.get(i).copied().flatten().map_or_else(|| UNTAGGED.to_owned(), feature_name))
        .collect();
    let names: Vec<String> = of_op.iter().cloned().collect::<BTreeSet<_>>().into_iter().collect();
    let index = |name: &str| names.binary_search_by(|n| n.as_str().cmp(name)).unwrap_or(0);
    let mut by_operation = BTreeMap::new();
    let mut reached: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); space.entries.len()];
    for (op, feature) in operations.iter().zip(&of_op) {
        let feature = index(feature);
        by_operation.insert((op.module.clone(), op.name.clone()), feature);
        let mut stack: Vec<TypeId> = Vec::new();
        each_operation_ty(op, &mut |ty| each_named(ty, &mut |id| stack.push(*id)));
        while let Some(id) = stack.pop() {
            let Some(set) = reached.get_mut(id.0) else { continue };
            if set.insert(feature) {
                stack.extend(references(space, id));
            }
        }
    }
    // Always compiled: what no operation or every feature reaches, and all it refers to.
    let mut always = vec![false; space.entries.len()];
    let mut stack: Vec<TypeId> =
        space.ids().filter(|id| reached[id.0].is_empty() || reached[id.0].len() == names.len()).collect();
    while let Some(id) = stack.pop() {
        if let Some(slot) = always.get_mut(id.0) {
            if !*slot {
                *slot = true;
                stack.extend(references(space, id));
            }
        }
    }
    let types = reached.into_iter().zip(always).map(|(set, always)| (!always).then_some(set)).collect();
    Features { names, operations: by_operation, types }
}

/// The named types the item of `id` spells.
fn references(space: &TypeSpace, id: TypeId) -> Vec<TypeId> {
    let mut out = Vec::new();
    if let Some(entry) = space.entries.get(id.0) {
        each_kind_ty(&entry.kind, &mut |ty| each_named(ty, &mut |id| out.push(*id)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_cargo_feature_names() {
        assert_eq!(feature_name("core_v1"), "core_v1");
        assert_eq!(feature_name("Room Membership"), "room_membership");
        assert_eq!(feature_name("apps/v1"), "apps_v1");
        assert_eq!(feature_name("Pets!"), "pets");
        assert_eq!(feature_name("server"), "server_tag");
        assert_eq!(feature_name("default"), "default_tag");
        assert_eq!(feature_name("Ωμέγα"), "tag");
    }
}

//! Naming: decides the name of every type once lowering has met them all, and drops the
//! types nothing uses.
//!
//! In: the type space as lowering leaves it (each type with a provisional name and the
//! [`NameBasis`] it was met with), the operations, the spec and the config's `names:`.
//! Out: the same space without unused types, types that share a title and a shape merged,
//! every type named, and the operations pointing at the types as they now are.
//!
//! The rules:
//! - **Where a name comes from**, strongest first: the config's `names:`; the key a root
//!   document declares the schema under (`definitions`, `components/schemas`); the file (or
//!   the definition of another file) it was bundled from, by its `title` if it has one, else
//!   its stem or key; the `title` of a schema written in place; its context, the name of the
//!   type around it and the property that holds it (`SyncResponseRoomsValue`).
//! - **The same schema is one type**, named from its own place: what else the spec holds
//!   does not change its name, short of another schema wanting the same one. Schemas from
//!   different places are different types, unless they share a title and a shape (the same
//!   `State` object written under two rooms): then one type is enough.
//! - **Two schemas wanting one name**: the one with the stronger source keeps it; the others
//!   (all of them, when no one source is stronger) are qualified by their own place: a titled
//!   schema by the type around it (`LeftRoomState`), a bundled file by its folders. Only when
//!   that is not enough are they numbered, in the order of their places, with a warning.
//! - **No unused type**: a schema a root document declares is always generated; one bundled
//!   from another file, or written in place, only when an operation or a generated type uses it.

use std::collections::{BTreeMap, BTreeSet};

use super::names;
use super::operations::Operation;
use super::types::{Ty, TypeId, TypeKind, TypeSpace};
use crate::config::Config;
use crate::diagnostics::{codes, Diagnostic, Diagnostics, Location};
use crate::source::{parent_pointer, push_token, tokens, Spec};

/// What a type's name can be made of, recorded when lowering meets its schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameBasis {
    /// The schema's `title`.
    pub title: Option<String>,
    /// The key of a component schema in the bundled document (declared there, or given by
    /// resolve to a schema bundled from another file).
    pub key: Option<String>,
    /// The name the schema's context gives it, made of the provisional names of the types
    /// around it (`SyncResponseRooms`).
    pub context: String,
    /// Where the schema was converted, in the upgraded document.
    pub pointer: String,
}

/// Where a name comes from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    /// The config's `names:`.
    Config,
    /// A root document's `definitions` (`components/schemas`) key.
    Declared,
    /// The file (or another file's definition) it was bundled from, or that file's title: a
    /// schema several places (or roots) share, before one written in place.
    File,
    /// The schema's `title`, when it is written in place.
    Title,
    /// The type around it and the property that holds it.
    Context,
}

/// Names every type, drops the unused ones and merges the ones that share a title and a shape
/// (see the module's docs). Unknown `names:` keys are warnings at their line in the config.
pub fn finish(
    space: &mut TypeSpace,
    operations: &mut [Operation],
    spec: &Spec,
    config: &Config,
    diagnostics: &mut Diagnostics,
) {
    let spans = config_spans(config);
    let renames = renames(config, spans.as_ref(), diagnostics);
    let places = Places::new(space, spec);
    let alive = used(space, operations, &places.declared);
    // `names:` keys that say where a schema is, as a type's doc shows it (`file#pointer`).
    let mut fixed: Vec<Option<String>> = vec![None; space.entries.len()];
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for (i, entry) in space.entries.iter().enumerate() {
        let Some(origin) = entry.origin.as_ref().filter(|_| alive[i]) else { continue };
        let key = format!("{}#{}", origin.file, origin.pointer);
        if let Some((key, name)) = renames.get_key_value(key.as_str()) {
            fixed[i] = Some((*name).to_owned());
            matched.insert(key);
        }
    }
    let rep = merge(space, &places, &alive, &fixed);
    let mut namer = Namer { space, places: &places, alive: &alive, rep: &rep, fixed };
    let mut outcome = namer.assign();
    // `names:` keys that give a type's name as it would be without them.
    let mut by_name = false;
    for (i, name) in outcome.names.iter().enumerate() {
        let Some(name) = name else { continue };
        if let Some((key, new)) = renames.get_key_value(name.as_str()) {
            if namer.fixed[i].is_none() {
                namer.fixed[i] = Some((*new).to_owned());
                by_name = true;
            }
            matched.insert(key);
        }
    }
    if by_name {
        outcome = namer.assign();
    }
    let Namer { fixed, .. } = namer;
    report(space, &outcome, &fixed, spec, &renames, &matched, spans.as_ref(), diagnostics);
    rebuild(space, operations, &alive, &rep, &outcome.names);
}

/// What is known of each type's place, by id: facts that do not change while naming.
struct Places {
    /// A component a root document declares: always generated, never merged.
    declared: Vec<bool>,
    /// The type around it whose name starts its context name, and the rest of that name;
    /// `None` and the whole context name for a type at the top of its context.
    parent: Vec<(Option<usize>, String)>,
    /// The nearest type around it, whatever its name: qualifies a titled name.
    around: Vec<Option<usize>>,
    /// Names a bundled file's schema can have, the plain one first, then qualified by the
    /// file's stem (for a definition inside it) and its folders.
    file_names: Vec<Vec<String>>,
    /// The name a type would have if nothing else wanted it: what an unused type around a
    /// used one lends it.
    plain: Vec<String>,
    /// The order of places in the spec, for numbering and for which of merged types shows
    /// its place: the file, then where the schema is written in it.
    order: Vec<(String, usize, String)>,
}

impl Places {
    fn new(space: &TypeSpace, spec: &Spec) -> Places {
        let n = space.entries.len();
        let by_pointer: BTreeMap<&str, usize> =
            space.entries.iter().enumerate().map(|(i, e)| (e.basis.pointer.as_str(), i)).collect();
        let mut places = Places {
            declared: vec![false; n],
            parent: Vec::with_capacity(n),
            around: vec![None; n],
            file_names: vec![Vec::new(); n],
            plain: vec![String::new(); n],
            order: Vec::with_capacity(n),
        };
        for (i, entry) in space.entries.iter().enumerate() {
            let basis = &entry.basis;
            places.order.push(match spec.map.origin(&basis.pointer) {
                Some((file, pointer)) => {
                    let source = spec.sources.get(file);
                    let at = source.span(&pointer).map_or(0, |s| s.key.unwrap_or(s.value).start);
                    (source.path.to_string_lossy().into_owned(), at, pointer)
                }
                None => (String::new(), 0, basis.pointer.clone()),
            });
            if basis.key.is_some() {
                let origin = spec.map.origin(&basis.pointer);
                places.declared[i] = origin.as_ref().is_none_or(|(file, pointer)| {
                    spec.roots.iter().any(|root| root.file == *file)
                        && matches!(parent_pointer(pointer), "/definitions" | "/components/schemas")
                });
                if !places.declared[i] {
                    places.file_names[i] = file_names(spec, basis, origin);
                }
                places.parent.push((None, basis.context.clone()));
                continue;
            }
            // The nearest enclosing schema that is a type.
            let mut pointer = basis.pointer.as_str();
            let mut parent = (None, basis.context.clone());
            while !pointer.is_empty() {
                pointer = parent_pointer(pointer);
                let Some(&p) = by_pointer.get(pointer).filter(|&&p| p != i) else { continue };
                places.around[i] = Some(p);
                if let Some(rest) = basis.context.strip_prefix(space.entries[p].basis.context.as_str()) {
                    parent = (Some(p), rest.to_owned());
                }
                break;
            }
            places.parent.push(parent);
        }
        // Plain names, parents first (a parent's pointer is shorter than its children's).
        let mut by_depth: Vec<usize> = (0..n).collect();
        by_depth.sort_by_key(|&i| space.entries[i].basis.pointer.len());
        for i in by_depth {
            let basis = &space.entries[i].basis;
            places.plain[i] = if places.declared[i] {
                names::camel(basis.key.as_deref().unwrap_or_default())
            } else if let Some(first) = places.file_names[i].first() {
                first.clone()
            } else if let Some(title) = &basis.title {
                names::camel(title)
            } else {
                match &places.parent[i] {
                    (Some(p), rest) => format!("{}{rest}", places.plain[*p]),
                    (None, context) => context.clone(),
                }
            };
        }
        places
    }

    fn source(&self, space: &TypeSpace, i: usize, fixed: &[Option<String>]) -> Source {
        if fixed[i].is_some() {
            Source::Config
        } else if self.declared[i] {
            Source::Declared
        } else if !self.file_names[i].is_empty() {
            Source::File
        } else if space.entries[i].basis.title.is_some() {
            Source::Title
        } else {
            Source::Context
        }
    }
}

/// The names of a schema bundled from another file: its title, else the definition's key in
/// that file, else the file's stem; then qualified by the stem (for a definition inside the
/// file) and by the file's two nearest folders.
fn file_names(spec: &Spec, basis: &NameBasis, origin: Option<(usize, String)>) -> Vec<String> {
    let Some((file, pointer)) = origin else {
        return vec![names::camel(basis.key.as_deref().unwrap_or_default())];
    };
    let path = &spec.sources.get(file).path;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let last = tokens(&pointer).pop();
    let plain = names::camel(basis.title.as_deref().or(last.as_deref()).unwrap_or(&stem));
    let mut prefixes: Vec<String> = Vec::new();
    if last.is_some() {
        prefixes.push(stem);
    }
    let folders = path.parent().into_iter().flat_map(|p| p.components().rev()).take(2);
    prefixes.extend(folders.map(|c| c.as_os_str().to_string_lossy().into_owned()));
    let mut out = vec![plain.clone()];
    let mut qualifier = String::new();
    for prefix in prefixes {
        qualifier = format!("{}{qualifier}", names::camel(&prefix));
        out.push(format!("{qualifier}{plain}"));
    }
    out.dedup();
    out
}

/// Which types are generated: the ones a root document declares, and everything an operation
/// or a generated type uses.
fn used(space: &TypeSpace, operations: &[Operation], declared: &[bool]) -> Vec<bool> {
    let mut alive = vec![false; space.entries.len()];
    let mut stack: Vec<usize> = (0..declared.len()).filter(|&i| declared[i]).collect();
    for operation in operations {
        each_operation_ty(operation, &mut |ty| each_named(ty, &mut |id| stack.push(id.0)));
    }
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut alive[i], true) {
            continue;
        }
        each_kind_ty(&space.entries[i].kind, &mut |ty| each_named(ty, &mut |id| stack.push(id.0)));
    }
    alive
}

/// Merges the used types that share a title and a shape, and the types inside them, unless
/// the config names them apart: each type's representative (itself, or the one it is merged
/// into: the one with the strongest name, then the first of them in the spec).
fn merge(space: &TypeSpace, places: &Places, alive: &[bool], fixed: &[Option<String>]) -> Vec<usize> {
    let n = space.entries.len();
    let mut rep: Vec<usize> = (0..n).collect();
    // Candidates share a title, a name from the config (or none) and a shape, inner types aside.
    let mut groups: BTreeMap<(String, Option<&String>, String), Vec<usize>> = BTreeMap::new();
    for i in (0..n).filter(|&i| alive[i] && !places.declared[i]) {
        if let Some(title) = &space.entries[i].basis.title {
            let shape = format!("{:?}", shape(&space.entries[i].kind).0);
            groups.entry((names::camel(title), fixed[i].as_ref(), shape)).or_default().push(i);
        }
    }
    for mut members in groups.into_values() {
        // The one merged into is the one with the strongest name (a shared file before a
        // schema written in place), then the first in the spec.
        let source = |i: usize| places.source(space, i, fixed);
        members.sort_by(|&a, &b| source(a).cmp(&source(b)).then_with(|| places.order[a].cmp(&places.order[b])));
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if rep[b] != b || rep[a] != a {
                    continue;
                }
                let mut pairs = BTreeSet::new();
                if same(space, places, fixed, a, b, &mut pairs) {
                    for (x, y) in pairs {
                        if x != y && rep[y] == y {
                            rep[y] = x;
                        }
                    }
                }
            }
        }
    }
    // A chain (c merged into b, b into a) ends at its first type.
    for i in 0..n {
        let mut r = rep[i];
        while rep[r] != r {
            r = rep[r];
        }
        rep[i] = r;
    }
    rep
}

/// Whether types `a` and `b` are one: the same name basis (title, or the same place inside
/// types that are one) and the same shape, the types inside them one too. `pairs` collects
/// the pairs that must be one for it (a pair met again is assumed one).
fn same(
    space: &TypeSpace,
    places: &Places,
    fixed: &[Option<String>],
    a: usize,
    b: usize,
    pairs: &mut BTreeSet<(usize, usize)>,
) -> bool {
    if a == b || pairs.contains(&(a, b)) {
        return true;
    }
    if places.declared[a] || places.declared[b] || fixed[a] != fixed[b] {
        return false;
    }
    // What each would be named from: the title; else the file; else the place inside the
    // type around it (types around them that are one, as this is reached from them).
    let basis = |i: usize| match &space.entries[i].basis.title {
        Some(title) => Some((Some(names::camel(title)), None, None)),
        None if !places.file_names[i].is_empty() => Some((None, places.file_names[i].first(), None)),
        None => places.parent[i].0.map(|_| (None, None, Some(&places.parent[i].1))),
    };
    if basis(a).is_none() || basis(a) != basis(b) {
        return false;
    }
    let (ea, eb) = (&space.entries[a], &space.entries[b]);
    let (shape_a, inner_a) = shape(&ea.kind);
    let (shape_b, inner_b) = shape(&eb.kind);
    if shape_a != shape_b {
        return false;
    }
    pairs.insert((a, b));
    inner_a.into_iter().zip(inner_b).all(|(x, y)| same(space, places, fixed, x, y, pairs))
}

/// A kind with every named type taken out, and the named types in the order they were.
fn shape(kind: &TypeKind) -> (TypeKind, Vec<usize>) {
    let mut kind = kind.clone();
    let mut inner = Vec::new();
    each_kind_ty_mut(&mut kind, &mut |ty| {
        each_named_mut(ty, &mut |id| {
            inner.push(id.0);
            *id = TypeId(usize::MAX);
        })
    });
    (kind, inner)
}

/// The names decided, by type id (`None` for a type not generated as itself).
struct Outcome {
    names: Vec<Option<String>>,
    /// Types that kept no name of their own: (id, the name they wanted).
    numbered: Vec<(usize, String)>,
}

struct Namer<'a> {
    space: &'a TypeSpace,
    places: &'a Places,
    alive: &'a [bool],
    rep: &'a [usize],
    fixed: Vec<Option<String>>,
}

impl Namer<'_> {
    fn kept(&self, i: usize) -> bool {
        self.alive[i] && self.rep[i] == i
    }

    /// The names with every type at its qualification `levels`, parents before children.
    fn names(&self, levels: &[usize]) -> Vec<Option<String>> {
        let mut names: Vec<Option<String>> = vec![None; levels.len()];
        for i in 0..levels.len() {
            self.name(i, levels, &mut names, &mut BTreeSet::new());
        }
        names
    }

    fn name(&self, i: usize, levels: &[usize], names: &mut Vec<Option<String>>, visiting: &mut BTreeSet<usize>) {
        if names[i].is_some() || !self.kept(i) || !visiting.insert(i) {
            return;
        }
        let name = self.candidate(i, levels[i], &mut |p| {
            // The name of the type around: as named now, or lent by an unused one.
            let p = if self.alive[p] { self.rep[p] } else { return self.places.plain[p].clone() };
            self.name(p, levels, names, visiting);
            names[p].clone().unwrap_or_else(|| self.places.plain[p].clone())
        });
        names[i] = Some(name.unwrap_or_else(|| self.places.plain[i].clone()));
    }

    /// The name of type `i` qualified `level` times, or `None` when it has no more.
    fn candidate(&self, i: usize, level: usize, around: &mut dyn FnMut(usize) -> String) -> Option<String> {
        let basis = &self.space.entries[i].basis;
        match self.places.source(self.space, i, &self.fixed) {
            Source::Config => self.fixed[i].clone().filter(|_| level == 0),
            Source::Declared => (level == 0).then(|| names::camel(basis.key.as_deref().unwrap_or_default())),
            Source::File => self.places.file_names[i].get(level).cloned(),
            // The title; qualified by the type around (`LeftRoomState`); then the context name.
            Source::Title => {
                let title = names::camel(basis.title.as_deref().unwrap_or_default());
                match (level, self.places.around[i]) {
                    (0, _) => Some(title),
                    (1, Some(p)) => Some(format!("{}{title}", around(p))),
                    (1, None) | (2, Some(_)) => Some(self.context_name(i, around)),
                    _ => None,
                }
            }
            Source::Context => (level == 0).then(|| self.context_name(i, around)),
        }
    }

    /// The type around's name and the property that holds it (`SyncResponseRooms`).
    fn context_name(&self, i: usize, around: &mut dyn FnMut(usize) -> String) -> String {
        match &self.places.parent[i] {
            (Some(p), rest) => format!("{}{rest}", around(*p)),
            (None, context) => context.clone(),
        }
    }

    /// Qualifies the types that want a name another type has, until no qualification helps;
    /// then numbers the ones still sharing a name, in the order of their places.
    fn assign(&self) -> Outcome {
        let n = self.space.entries.len();
        let mut levels = vec![0; n];
        loop {
            let names = self.names(&levels);
            let mut changed = false;
            for members in self.clashes(&names) {
                for i in self.losers(&members) {
                    if self.candidate(i, levels[i] + 1, &mut |_| String::new()).is_some() {
                        levels[i] += 1;
                        changed = true;
                    }
                }
            }
            if !changed {
                let mut names = names;
                let mut taken: BTreeSet<String> = names.iter().flatten().cloned().collect();
                let mut numbered = Vec::new();
                for members in self.clashes(&names) {
                    let mut losers = self.losers(&members);
                    if losers.len() == members.len() {
                        losers.remove(0);
                    }
                    for i in losers {
                        let wanted = names[i].clone().unwrap_or_default();
                        names[i] = Some(names::unique(wanted.clone(), &mut taken, ""));
                        numbered.push((i, wanted));
                    }
                }
                return Outcome { names, numbered };
            }
        }
    }

    /// The groups of kept types that want one name, each in the order of their places.
    fn clashes(&self, names: &[Option<String>]) -> Vec<Vec<usize>> {
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            if let Some(name) = name {
                by_name.entry(name).or_default().push(i);
            }
        }
        let mut clashes: Vec<Vec<usize>> = by_name.into_values().filter(|m| m.len() > 1).collect();
        for members in &mut clashes {
            members.sort_by(|&a, &b| self.places.order[a].cmp(&self.places.order[b]).then(a.cmp(&b)));
        }
        clashes
    }

    /// The members of a clash that give way: all but the one with the strongest source, or
    /// all of them when no one source is strongest.
    fn losers(&self, members: &[usize]) -> Vec<usize> {
        let source = |i: usize| self.places.source(self.space, i, &self.fixed);
        let best = members.iter().map(|&i| source(i)).min();
        let winners: Vec<usize> = members.iter().copied().filter(|&i| Some(source(i)) == best).collect();
        match winners.as_slice() {
            [winner] => members.iter().copied().filter(|i| i != winner).collect(),
            _ => members.to_vec(),
        }
    }
}

/// Reports numbered types, unknown `names:` keys and two types given one name by the config.
#[allow(clippy::too_many_arguments)]
fn report(
    space: &TypeSpace,
    outcome: &Outcome,
    fixed: &[Option<String>],
    spec: &Spec,
    renames: &BTreeMap<&str, &str>,
    matched: &BTreeSet<&str>,
    spans: Option<&ConfigSpans>,
    diagnostics: &mut Diagnostics,
) {
    for (i, wanted) in &outcome.numbered {
        let got = outcome.names[*i].as_deref().unwrap_or_default();
        let at = spec.key_location(&space.entries[*i].basis.pointer);
        let message = if fixed[*i].is_some() {
            format!("two types are given the name `{wanted}` in the config's `names:`; this one is named `{got}`")
        } else {
            format!("two schemas want the type name `{wanted}`; this one is named `{got}`")
        };
        diagnostics.push(Diagnostic::warning(codes::NAME_CLASH, message).at(at).label("renamed").help(
            "give one of the schemas a distinct `title` (an overlay can add it), or a name in the config's `names:`",
        ));
    }
    for key in renames.keys().filter(|key| !matched.contains(*key)) {
        let at = config_location(spans, key, true);
        diagnostics.push(
            Diagnostic::warning(codes::UNKNOWN_NAME, format!("`names:` key `{}` names no generated type", names::shown(key)))
                .at(at)
                .label("no such type")
                .help("write a type's name as generated, or where its schema is, as the type's doc shows it (`spec.yaml#/definitions/Pet`)"),
        );
    }
}

/// The config file as diagnostics show it, and the span of every node in it.
type ConfigSpans = (String, crate::source::Spans);

fn config_spans(config: &Config) -> Option<ConfigSpans> {
    let source = config.source.as_ref()?;
    let parsed = crate::load::parse(&source.text, &source.display, false, &crate::load::Limits::default()).ok()?;
    Some((source.display.clone(), parsed.spans))
}

/// Where the config writes the `names:` entry `key`: the key, or its value.
fn config_location(spans: Option<&ConfigSpans>, key: &str, at_key: bool) -> Option<Location> {
    let (display, spans) = spans?;
    let span = spans.get(&push_token("/names", key))?;
    let s = if at_key { span.key.unwrap_or(span.value) } else { span.value };
    Some(Location { file: display.as_str().into(), line: s.line, column: s.column, start: s.start, end: s.end })
}

/// The config's `names:` whose values can be type names as written; each other one is an
/// error at its value ([`names::check_type_name`]).
fn renames<'c>(
    config: &'c Config,
    spans: Option<&ConfigSpans>,
    diagnostics: &mut Diagnostics,
) -> BTreeMap<&'c str, &'c str> {
    let mut out = BTreeMap::new();
    for (key, name) in &config.names {
        match names::check_type_name(name) {
            Ok(()) => {
                out.insert(key.as_str(), name.as_str());
            }
            Err(problem) => diagnostics.push(
                Diagnostic::error(codes::CONFIG, format!("invalid type name in `names:`: {problem}"))
                    .at(config_location(spans, key, false))
                    .label("not a type name")
                    .help("write an `UpperCamelCase` Rust identifier that is not a keyword"),
            ),
        }
    }
    out
}

/// Keeps the generated types, in their order, under their names, and points every use of a
/// merged type at the one it was merged into.
fn rebuild(
    space: &mut TypeSpace,
    operations: &mut [Operation],
    alive: &[bool],
    rep: &[usize],
    names: &[Option<String>],
) {
    let n = space.entries.len();
    let mut new_id: Vec<Option<TypeId>> = vec![None; n];
    let mut next = 0;
    for i in 0..n {
        if alive[i] && rep[i] == i {
            new_id[i] = Some(TypeId(next));
            next += 1;
        }
    }
    let target = |id: &mut TypeId| {
        if let Some(new) = rep.get(id.0).and_then(|&r| new_id[r]) {
            *id = new;
        }
    };
    // A type merged from schemas documented apart is documented by its title alone.
    for i in (0..n).filter(|&i| alive[i] && rep[i] != i) {
        if space.entries[i].doc != space.entries[rep[i]].doc {
            let merged = &mut space.entries[rep[i]];
            merged.doc.clone_from(&merged.basis.title);
        }
    }
    let old = std::mem::take(&mut space.entries);
    for (i, mut entry) in old.into_iter().enumerate() {
        if new_id[i].is_none() {
            continue;
        }
        if let Some(name) = &names[i] {
            entry.name.clone_from(name);
        }
        each_kind_ty_mut(&mut entry.kind, &mut |ty| each_named_mut(ty, &mut |id| target(id)));
        space.entries.push(entry);
    }
    for operation in operations {
        each_operation_ty_mut(operation, &mut |ty| each_named_mut(ty, &mut |id| target(id)));
    }
    space.components.retain(|_, id| alive[id.0]);
    for id in space.components.values_mut() {
        target(id);
    }
    space.same_schema.clear();
}

/// The walkers over the types an operation or a type holds, and the named types inside a
/// type: written once, for a shared reference and for a mutable one (`mut` as the last
/// argument), as syn writes `visit` and `visit_mut`. Every value is destructured in full,
/// with no `..`, so a new place for a type is a compile error here rather than a type some
/// pass does not see.
macro_rules! walkers {
    ($operation:ident, $kind:ident, $named:ident $(, $m:tt)?) => {
        /// Every type an operation's module spells: parameters, the request body, and each
        /// response's body and headers; a form body's fields after the body.
        pub(super) fn $operation(operation: &$($m)? Operation, f: &mut dyn FnMut(&$($m)? Ty)) {
            use super::operations::{Body, BodyKind, FormField, Param, Response, ResponseHeader};
            let body_tys = |body: &$($m)? Body, f: &mut dyn FnMut(&$($m)? Ty)| {
                let Body { ty, kind, media_type: _, required: _, doc: _, field: _, example: _ } = body;
                f(ty);
                match kind {
                    BodyKind::Json | BodyKind::Text | BodyKind::Bytes => {}
                    BodyKind::Form { fields, multipart: _ } => {
                        for FormField {
                            ty,
                            wire: _,
                            rust: _,
                            required: _,
                            doc: _,
                            value: _,
                            content_type: _,
                            separator: _,
                        } in fields
                        {
                            f(ty);
                        }
                    }
                }
            };
            let Operation {
                parameters,
                body,
                responses,
                name: _,
                module: _,
                api_method: _,
                operation_id: _,
                method: _,
                path: _,
                query: _,
                summary: _,
                description: _,
                deprecated: _,
                security: _,
                origin: _,
            } = operation;
            for Param {
                ty,
                wire: _,
                rust: _,
                location: _,
                required: _,
                doc: _,
                example: _,
                explode: _,
                deep: _,
                nested: _,
                default: _,
                delimiter: _,
            } in parameters
            {
                f(ty);
            }
            if let Some(body) = body {
                body_tys(body, f);
            }
            for Response { body, headers, status: _, range: _, variant: _, doc: _, example: _ } in responses {
                if let Some(body) = body {
                    body_tys(body, f);
                }
                for ResponseHeader { ty, wire: _, rust: _, required: _, doc: _ } in headers {
                    f(ty);
                }
            }
        }

        /// Every type a kind holds.
        pub(super) fn $kind(kind: &$($m)? TypeKind, f: &mut dyn FnMut(&$($m)? Ty)) {
            use super::types::{Field, Rest, Struct};
            use super::unions::{Union, UnionVariant};
            match kind {
                TypeKind::Pending | TypeKind::Enum(_) => {}
                TypeKind::Struct(Struct { fields, rest }) => {
                    for Field { ty, wire: _, rust: _, required: _, doc: _, default: _ } in fields {
                        f(ty);
                    }
                    match rest {
                        Rest::Kept { rust: _, ty } => f(ty),
                        Rest::Refused => {}
                    }
                }
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => f(ty),
                TypeKind::Union(Union { keyword: _, tag: _, variants }) => {
                    for UnionVariant { ty, rust: _, basis: _, tags: _, declares_tag: _ } in variants {
                        f(ty);
                    }
                }
            }
        }

        /// Every named type inside `ty`.
        pub(super) fn $named(ty: &$($m)? Ty, f: &mut dyn FnMut(&$($m)? TypeId)) {
            match ty {
                Ty::Named(id) => f(id),
                Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => $named(inner, f),
                Ty::Tuple(members) => {
                    for member in members {
                        $named(member, f);
                    }
                }
                Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64 | Ty::Json | Ty::JsonObject | Ty::Format(_) => {}
            }
        }
    };
}

walkers!(each_operation_ty, each_kind_ty, each_named);
walkers!(each_operation_ty_mut, each_kind_ty_mut, each_named_mut, mut);

#[cfg(test)]
mod tests {
    use super::super::Model;
    use crate::lint::Checked;

    /// Writes `spec.yaml` and the `files` beside it into a fresh folder named for the test.
    fn write(name: &str, spec: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("lower-naming-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("spec.yaml"), spec).unwrap();
        for (file, text) in files {
            let file = dir.join(file);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        dir
    }

    fn check(dir: &std::path::Path) -> (Checked, crate::Diagnostics) {
        let mut diagnostics = crate::Diagnostics::default();
        let checked = crate::check(&dir.join("spec.yaml"), &[], &mut diagnostics).expect("the spec passes lint");
        (checked, diagnostics)
    }

    fn lower(
        checked: &Checked,
        config: &crate::Config,
        mut diagnostics: crate::Diagnostics,
    ) -> (Model, crate::Diagnostics) {
        let model = super::super::lower(checked, config, &mut diagnostics).expect("the spec lowers");
        (model, diagnostics)
    }

    /// The model the spec (with `files` beside it) lowers to with `names` in the config.
    fn lowered(name: &str, spec: &str, files: &[(&str, &str)], names: &[(&str, &str)]) -> (Model, crate::Diagnostics) {
        let dir = write(name, spec, files);
        let (checked, diagnostics) = check(&dir);
        let mut config = crate::Config::new(dir.join("spec.yaml"), dir.join("out"), "t");
        config.names = names.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let out = lower(&checked, &config, diagnostics);
        let _ = std::fs::remove_dir_all(&dir);
        out
    }

    /// Every type's name, in order.
    fn type_names(model: &Model) -> Vec<&str> {
        model.types.entries.iter().map(|e| e.name.as_str()).collect()
    }

    /// The type of field `field` of the struct `name`, as the name of the type it holds.
    fn field_type<'m>(model: &'m Model, name: &str, field: &str) -> &'m str {
        use super::super::types::{Ty, TypeKind};
        let entry = model.types.entries.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no type `{name}`"));
        let TypeKind::Struct(s) = &entry.kind else { panic!("`{name}` is no struct") };
        let mut ty = &s.fields.iter().find(|f| f.wire == field).unwrap_or_else(|| panic!("no field `{field}`")).ty;
        loop {
            match ty {
                Ty::Named(id) => return &model.types.get(*id).name,
                Ty::Vec(inner) | Ty::Map(inner) | Ty::Nullable(inner) | Ty::Boxed(inner) => ty = inner,
                other => panic!("`{name}.{field}` is {other:?}"),
            }
        }
    }

    const HEAD: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n";

    /// A response made of rooms: joined and left rooms each with a `State` and a `Timeline`.
    const ROOMS: &str = r#"
paths:
  /sync:
    get:
      operationId: sync
      responses:
        200:
          description: ok
          schema:
            type: object
            properties:
              rooms:
                title: Rooms
                type: object
                properties:
                  join:
                    title: Joined Rooms
                    type: object
                    additionalProperties:
                      title: Joined Room
                      type: object
                      properties:
                        state:
                          title: State
                          type: object
                          description: The state of a joined room.
                          allOf: [{$ref: "batch.yaml"}]
                        timeline:
                          title: Timeline
                          type: object
                          properties: {limited: {type: boolean}}
                        count: {title: Count, type: integer}
                        ids: {title: Ids, type: array, items: {type: string}}
                  leave:
                    type: object
                    additionalProperties:
                      title: Left Room
                      type: object
                      properties:
                        state:
                          title: State
                          type: object
                          description: The state of a left room.
                          allOf: [{$ref: "batch.yaml"}]
                        timeline:
                          title: Timeline
                          type: object
                          properties: {limited: {type: boolean}, extra: {type: string}}
              presence:
                title: Presence
                type: object
                allOf: [{$ref: "batch.yaml"}]
              account_data:
                title: Account Data
                type: object
                allOf: [{$ref: "batch.yaml"}]
"#;

    const BATCH: &str =
        "title: EventBatch\ntype: object\nproperties:\n  events: {type: array, items: {$ref: event.yaml}}\n";
    const EVENT: &str = "title: Event\ntype: object\nproperties:\n  type: {type: string}\n";

    #[test]
    fn titles_name_types_and_unused_bundled_ones_are_not_generated() {
        let files = [("batch.yaml", BATCH), ("event.yaml", EVENT)];
        let (model, d) = lowered("titles", &format!("{HEAD}{ROOMS}"), &files, &[]);
        assert!(d.is_empty(), "{}", d.render(false));
        // `EventBatch` is only merged into others by `allOf`: not generated. Scalars, arrays
        // and maps with titles are no types. The two `State`s share title and shape: one type;
        // the two `Timeline`s differ, each is qualified by the room around it; presence and
        // account data share a shape but not a title.
        let mut names = type_names(&model);
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "AccountData",
                "Event",
                "JoinedRoom",
                "JoinedRoomTimeline",
                "LeftRoom",
                "LeftRoomTimeline",
                "Presence",
                "Rooms",
                "State",
                "SyncResponse"
            ]
        );
        assert_eq!(field_type(&model, "JoinedRoom", "state"), "State");
        assert_eq!(field_type(&model, "LeftRoom", "state"), "State");
        assert_eq!(field_type(&model, "LeftRoom", "timeline"), "LeftRoomTimeline");
        assert_eq!(field_type(&model, "State", "events"), "Event");
        // A type merged from schemas documented apart is documented by its title.
        let state = model.types.entries.iter().find(|e| e.name == "State").unwrap();
        assert_eq!(state.doc.as_deref(), Some("State"));
    }

    #[test]
    fn objects_of_one_shape_in_two_places_without_a_title_are_two_types() {
        let spec = format!(
            "{HEAD}paths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        200:\n          description: ok\n          schema:\n            type: object\n            properties:\n              a: {{type: object, properties: {{v: {{type: string}}}}}}\n              b: {{type: object, properties: {{v: {{type: string}}}}}}\n"
        );
        let (model, _) = lowered("untitled", &spec, &[], &[]);
        assert_eq!(type_names(&model), ["XResponseA", "XResponseB", "XResponse"]);
    }

    #[test]
    fn names_do_not_change_when_a_schema_is_added_elsewhere() {
        let files = [("batch.yaml", BATCH), ("event.yaml", EVENT)];
        let (before, _) = lowered("stable-before", &format!("{HEAD}{ROOMS}"), &files, &[]);
        // Another operation, met first (its path sorts first), with an object of the shape
        // `Presence` has and one of the shape of a left room's timeline, neither titled, and
        // a titled type of its own.
        let added = r#"  /a:
    get:
      operationId: a
      responses:
        200:
          description: ok
          schema:
            type: object
            properties:
              p: {type: object, properties: {events: {type: array, items: {$ref: event.yaml}}}}
              t: {type: object, properties: {limited: {type: boolean}, extra: {type: string}}}
              r: {title: Receipt, type: object, properties: {ts: {type: integer}}}
"#;
        let spec = format!("{HEAD}{}", ROOMS.replacen("paths:\n", &format!("paths:\n{added}"), 1));
        let (after, _) = lowered("stable-after", &spec, &files, &[]);
        let named = |model: &Model| -> std::collections::BTreeMap<String, String> {
            let origin = |e: &super::super::types::TypeEntry| e.origin.as_ref().map(|o| o.pointer.clone());
            model.types.entries.iter().filter_map(|e| Some((origin(e)?, e.name.clone()))).collect()
        };
        let (before, after) = (named(&before), named(&after));
        for (place, name) in &before {
            assert_eq!(after.get(place), Some(name), "{place}");
        }
        assert_eq!(after.len(), before.len() + 4, "{after:#?}");
    }

    #[test]
    fn a_declared_schema_keeps_its_key_and_is_always_generated() {
        let spec = format!(
            "{HEAD}paths: {{}}\ndefinitions:\n  Unused: {{title: Something Else, type: object, properties: {{s: {{$ref: other.yaml}}}}}}\n"
        );
        let files = [("other.yaml", "title: Unused\ntype: object\nproperties: {v: {type: string}}\n")];
        let (model, d) = lowered("declared", &spec, &files, &[]);
        // The file titled like the declared key gives way, qualified by its folder.
        let folder = std::env::temp_dir().join(format!("lower-naming-declared-{}", std::process::id()));
        let qualified = format!("{}Unused", super::names::camel(&folder.file_name().unwrap().to_string_lossy()));
        assert_eq!(type_names(&model), ["Unused", qualified.as_str()], "{}", d.render(false));
        assert!(d.is_empty(), "{}", d.render(false));
    }

    #[test]
    fn a_shared_file_keeps_its_title_before_a_schema_written_in_place() {
        let spec = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        400:\n          description: bad\n          schema: {{title: Error, type: object, properties: {{code: {{type: integer}}}}}}\n  /b:\n    get:\n      operationId: b\n      responses:\n        400:\n          description: bad\n          schema: {{$ref: types/error.yaml}}\n"
        );
        let files = [("types/error.yaml", "title: Error\ntype: object\nproperties:\n  errcode: {type: string}\n")];
        let (model, d) = lowered("file-title", &spec, &files, &[]);
        assert_eq!(type_names(&model), ["Error", "ABadRequestResponse"], "{}", d.render(false));
        assert!(d.is_empty(), "{}", d.render(false));
        // Of the same shape, the two are one type: the file's, under its name, though the
        // spec (`spec.yaml`) comes before the file (`types/error.yaml`) in the order of places.
        let same = spec.replace("code: {type: integer}", "errcode: {type: string}");
        let (model, d) = lowered("file-title-merged", &same, &files, &[]);
        assert_eq!(type_names(&model), ["Error"], "{}", d.render(false));
        assert_eq!(model.types.entries[0].origin.as_ref().map(|o| o.file.as_str()), Some("types/error.yaml"));
    }

    #[test]
    fn a_bundled_schema_only_an_unused_one_uses_is_not_generated() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n      requestBody:\n        content:\n          text/plain:\n            schema: {$ref: x.yaml}\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: z.yaml}\n";
        let files = [
            ("x.yaml", "type: object\nproperties:\n  y: {$ref: y.yaml}\n"),
            ("y.yaml", "type: object\nproperties:\n  v: {type: string}\n"),
            ("z.yaml", "type: object\nproperties:\n  v: {type: string}\n"),
        ];
        let (model, d) = lowered("unused", spec, &files, &[]);
        // `x` is a text body (not typed), and `y` is used by `x` alone.
        assert_eq!(type_names(&model), ["Z"], "{}", d.render(false));
    }

    #[test]
    fn declared_means_declared_by_a_root_document() {
        let spec = format!(
            "{HEAD}paths: {{}}\ndefinitions:\n  Unused: {{type: object, properties: {{v: {{type: string}}}}}}\n"
        );
        let dir = write("roots", &spec, &[]);
        let (mut checked, diagnostics) = check(&dir);
        let config = crate::Config::new(dir.join("spec.yaml"), dir.join("out"), "t");
        let (model, _) = lower(&checked, &config, diagnostics.clone());
        assert_eq!(type_names(&model), ["Unused"]);
        // The same definition, were its file not a root, would be a bundled one nothing uses.
        checked.spec.roots.clear();
        let (model, _) = lower(&checked, &config, diagnostics);
        assert!(type_names(&model).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn two_declared_keys_that_case_alike_are_numbered_in_the_order_they_are_written() {
        let spec =
            format!("{HEAD}paths: {{}}\ndefinitions:\n  foo_bar: {{type: string}}\n  fooBar: {{type: integer}}\n");
        let (model, d) = lowered("numbered", &spec, &[], &[]);
        assert_eq!(type_names(&model), ["FooBar", "FooBar2"]);
        let rendered = d.render(false);
        assert!(
            rendered.contains("two schemas want the type name `FooBar`; this one is named `FooBar2`"),
            "{rendered}"
        );
        assert!(rendered.contains("spec.yaml:6:3"), "{rendered}");
    }

    #[test]
    fn the_config_renames_by_place_or_by_name_and_splits_what_it_names_apart() {
        let files = [("batch.yaml", BATCH), ("event.yaml", EVENT)];
        let spec = format!("{HEAD}{ROOMS}");
        let leave = "spec.yaml#/paths/~1sync/get/responses/200/schema/properties/rooms/properties/leave/additionalProperties/properties/state";
        let renames = [("SyncResponse", "Response"), ("JoinedRoomTimeline", "Timeline"), (leave, "LeftState")];
        let (model, d) = lowered("renames", &spec, &files, &renames);
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(field_type(&model, "Response", "rooms"), "Rooms");
        assert_eq!(field_type(&model, "JoinedRoom", "timeline"), "Timeline");
        assert_eq!(field_type(&model, "JoinedRoom", "state"), "State");
        assert_eq!(field_type(&model, "LeftRoom", "state"), "LeftState");
    }

    #[test]
    fn config_names_are_checked_and_unknown_keys_are_warnings_at_their_line() {
        let dir = write("config", &format!("{HEAD}{ROOMS}"), &[("batch.yaml", BATCH), ("event.yaml", EVENT)]);
        let config_path = dir.join("codegen.yaml");
        let text = "spec: spec.yaml\noutput: out\npackage: {name: t}\nnames:\n  NoSuchType: Foo\n  Rooms: not_camel\n";
        std::fs::write(&config_path, text).unwrap();
        let config = crate::Config::load(&config_path).expect("the config reads");
        let mut diagnostics = crate::Diagnostics::default();
        diagnostics.add_source(&config.source.as_ref().unwrap().display, text);
        let (checked, _) = check(&dir);
        assert!(super::super::lower(&checked, &config, &mut diagnostics).is_none(), "an invalid name is an error");
        let rendered = diagnostics.render(false);
        assert!(
            rendered.contains("warning[unknown-name]: `names:` key `NoSuchType` names no generated type"),
            "{rendered}"
        );
        assert!(rendered.contains("codegen.yaml:5:3"), "{rendered}");
        assert!(
            rendered.contains("error[config]: invalid type name in `names:`: `not_camel` is not in UpperCamelCase"),
            "{rendered}"
        );
        assert!(rendered.contains("codegen.yaml:6:10"), "{rendered}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

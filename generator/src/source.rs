//! Source positions shared by every stage: spans of loaded files, JSON Pointers, the source
//! map from places in the bundled document back to file positions, and the [`Spec`] that
//! carries a document with its map from pass to pass.
//!
//! This module holds data only; the stages fill and read it.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::diagnostics::Location;

/// Byte range of a node in its file, with the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// Where a value sits, and where the key naming it sits when it is a mapping entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSpan {
    pub value: Span,
    pub key: Option<Span>,
}

/// The span of every node of a file, by JSON Pointer.
///
/// Keyed by a 64-bit hash of the pointer and its length, not by the pointer: a large spec has
/// hundreds of thousands of nodes whose pointers average a hundred bytes (GitHub's REST API:
/// 258,000 nodes), and the pointers were most of what the map weighed. Two pointers of one
/// length that hash alike would share a span: with a 64-bit hash, about one chance in ten
/// billion for the largest specs, and only a diagnostic's position would be off. The hash is
/// std's `DefaultHasher` with its fixed keys, the same on every run; nothing iterates the map.
///
/// Each span is kept in 32-bit numbers (offsets, lines and columns of files below 4 GiB; a
/// larger one saturates): a `NodeSpan` of machine words weighed 72 bytes a node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spans {
    by_pointer: HashMap<(u64, u32), PackedSpan, BuildHasherDefault<KeyHasher>>,
}

/// A [`NodeSpan`] as [`Spans`] keeps it: the value's span, then the key's (all `u32::MAX`
/// for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PackedSpan([u32; 8]);

impl PackedSpan {
    const NO_KEY: [u32; 4] = [u32::MAX; 4];

    fn pack(span: NodeSpan) -> PackedSpan {
        let part = |s: Span| [s.start, s.end, s.line, s.column].map(|n| u32::try_from(n).unwrap_or(u32::MAX - 1));
        let [a, b, c, d] = part(span.value);
        let [e, f, g, h] = span.key.map_or(Self::NO_KEY, part);
        PackedSpan([a, b, c, d, e, f, g, h])
    }

    fn unpack(self) -> NodeSpan {
        let part =
            |p: &[u32]| Span { start: p[0] as usize, end: p[1] as usize, line: p[2] as usize, column: p[3] as usize };
        let key = (self.0[4..] != Self::NO_KEY).then(|| part(&self.0[4..]));
        NodeSpan { value: part(&self.0[..4]), key }
    }
}

impl Spans {
    fn key(pointer: &str) -> (u64, u32) {
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(pointer.as_bytes());
        (hasher.finish(), u32::try_from(pointer.len()).unwrap_or(u32::MAX))
    }

    /// The span of the node at `pointer`, if the file has that node.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.by_pointer.get(&Self::key(pointer)).map(|packed| packed.unpack())
    }

    pub fn insert(&mut self, pointer: &str, span: NodeSpan) {
        self.by_pointer.insert(Self::key(pointer), PackedSpan::pack(span));
    }

    pub fn extend(&mut self, other: Spans) {
        self.by_pointer.extend(other.by_pointer);
    }

    pub fn len(&self) -> usize {
        self.by_pointer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_pointer.is_empty()
    }
}

/// Hashes the keys of [`Spans`], which are hashes already: it only mixes in the length.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = self.0.rotate_left(32) ^ u64::from(n);
    }
}

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// One loaded document: its text, its JSON value, and the span of every node by JSON Pointer.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Canonical path on disk.
    pub path: std::path::PathBuf,
    /// The path shown to users (relative to the working directory where possible).
    pub display: std::sync::Arc<str>,
    /// Shared with the diagnostics, which quote it.
    pub text: std::sync::Arc<str>,
    /// Shared, so a pass can walk it while it adds files beside it.
    pub value: std::sync::Arc<serde_json::Value>,
    pub spans: Spans,
}

impl SourceFile {
    /// The span of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn span(&self, pointer: &str) -> Option<NodeSpan> {
        let mut p = pointer;
        loop {
            if let Some(span) = self.spans.get(p) {
                return Some(span);
            }
            if p.is_empty() {
                return None;
            }
            p = parent_pointer(p);
        }
    }

    pub fn location(&self, span: Span) -> Location {
        Location { file: self.display.clone(), line: span.line, column: span.column, start: span.start, end: span.end }
    }
}

/// All files a run has read, each once.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    /// Each file's id by canonical path, so finding a file does not scan them all.
    by_path: BTreeMap<std::path::PathBuf, FileId>,
    /// JSON text held by a string of an example (decision 5), read as the JSON object or
    /// array it is, by file and pointer of the string; the spans of its nodes are in the
    /// file's spans, below the string's pointer. Recorded when a file is added
    /// ([`crate::resolve::add_file`]), so upgrade only looks it up.
    pub embedded_json: BTreeMap<(FileId, String), serde_json::Value>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = self.files.len();
        self.by_path.entry(file.path.clone()).or_insert(id);
        self.files.push(file);
        id
    }

    /// Frees every file's parsed value once the document is bundled: resolve follows refs
    /// into them and overlays read their own, and no later pass does. Their text and spans
    /// stay (every location is found through them). On a large spec the values weigh as much
    /// as the document itself.
    pub fn release_values(&mut self) {
        for file in &mut self.files {
            file.value = serde_json::Value::Null.into();
        }
    }

    pub fn find(&self, path: &std::path::Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// Location of a node (its value) in a file.
    pub fn value_location(&self, file: FileId, pointer: &str) -> Option<Location> {
        let f = self.files.get(file)?;
        f.span(pointer).map(|s| f.location(s.value))
    }

    /// Location of the key naming a node, falling back to the value.
    pub fn key_location(&self, file: FileId, pointer: &str) -> Option<Location> {
        let f = self.files.get(file)?;
        f.span(pointer).map(|s| f.location(s.key.unwrap_or(s.value)))
    }
}

/// The spec as one document, with the way back to the files it came from: what resolve makes,
/// overlays change and upgrade brings to the OpenAPI 3.0 shape, each pass handing it on.
#[derive(Debug, Clone)]
pub struct Spec {
    pub document: serde_json::Value,
    pub sources: Sources,
    /// Pointers of [`Spec::document`] → the file and pointer each came from.
    pub map: SourceMap,
    /// The version the input declares (`2.0`, `3.0.3`, ...), once upgrade has read it;
    /// empty before.
    pub source_version: String,
    /// The root documents the spec was merged from, in the order they were named (one for
    /// most specs). The schemas their `definitions` (`components/schemas`) declare are the
    /// document's own, always generated; the others are generated when used.
    pub roots: Vec<Root>,
    /// The root each operation came from, by the operation's pointer (`/paths/~1x/get`), as
    /// merge placed it; an operation an overlay added has none ([`Spec::operation_root`]).
    pub operation_roots: BTreeMap<String, usize>,
}

/// A root document of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// The file's stem (`room_state` for `room_state.yaml`).
    pub name: String,
    pub file: FileId,
    /// Its `info.title` and `info.description`.
    pub title: Option<String>,
    pub description: Option<String>,
}

impl Spec {
    /// The index in [`Spec::roots`] of the root the operation at `pointer` (`/paths/~1x/get`)
    /// belongs to: where merge placed it; else (an operation an overlay added) the root of
    /// the first other operation of its path; else the first root.
    pub fn operation_root(&self, pointer: &str) -> usize {
        if let Some(root) = self.operation_roots.get(pointer) {
            return *root;
        }
        let item = parent_pointer(pointer);
        self.operation_roots.iter().find(|(op, _)| parent_pointer(op) == item).map_or(0, |(_, root)| *root)
    }

    /// Location of the value at a pointer of [`Spec::document`], in the file it came from.
    pub fn value_location(&self, pointer: &str) -> Option<Location> {
        self.map.value_location(&self.sources, pointer)
    }

    /// Location of the key naming the node at a pointer of [`Spec::document`].
    pub fn key_location(&self, pointer: &str) -> Option<Location> {
        self.map.key_location(&self.sources, pointer)
    }

    /// The text of the value at a pointer of [`Spec::document`] as its file writes it
    /// (`99999999999999999999`, which JSON reading made `1e20`).
    pub fn written(&self, pointer: &str) -> Option<&str> {
        let (file, p) = self.map.origin(pointer)?;
        let file = self.sources.files.get(file)?;
        let span = file.spans.get(&p)?;
        file.text.get(span.value.start..span.value.end).map(str::trim)
    }
}

/// Maps pointers of a derived document to the file and pointer they came from.
/// A mount says: everything under `at` came from `file` under `from`.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    mounts: BTreeMap<String, (FileId, String)>,
}

impl SourceMap {
    pub fn mount(&mut self, at: &str, file: FileId, from: &str) {
        self.mounts.insert(at.to_owned(), (file, from.to_owned()));
    }

    /// The file and pointer the node at `pointer` came from (longest mount wins).
    pub fn origin(&self, pointer: &str) -> Option<(FileId, String)> {
        let (at, (file, from)) = self.mount_above(pointer)?;
        Some((*file, format!("{from}{}", &pointer[at.len()..])))
    }

    /// The longest mount at or above `pointer`: its pointer, and the file and pointer it
    /// came from.
    fn mount_above(&self, pointer: &str) -> Option<(&str, &Origin)> {
        longest_above(pointer, |p| {
            let below = (std::ops::Bound::Unbounded, std::ops::Bound::Included(p));
            self.mounts.range::<str, _>(below).next_back().map(|(at, origin)| (at.as_str(), origin))
        })
    }

    /// Records that `to` (and everything below it) came from where `from` came from in
    /// `inner`: the origin of `from`, and every mount of `inner` below `from`, moved to `to`.
    pub fn transplant(&mut self, inner: &SourceMap, from: &str, to: &str) {
        let mut moved = Vec::new();
        inner.transplanted(from, to, &mut moved);
        self.mounts.extend(moved);
    }

    /// The mounts [`SourceMap::transplant`] makes, in the order it makes them.
    fn transplanted(&self, from: &str, to: &str, out: &mut Vec<(String, (FileId, String))>) {
        let inner = self;
        if let Some((file, origin)) = inner.origin(from) {
            out.push((to.to_owned(), (file, origin)));
        }
        // Inner mounts below `from` sort right after it: a range scan finds them all.
        for (inner_at, (file, inner_from)) in
            inner.mounts.range::<str, _>((std::ops::Bound::Excluded(from), std::ops::Bound::Unbounded))
        {
            if !inner_at.starts_with(from) {
                break;
            }
            if let Some(rest) = strip_pointer_prefix(inner_at, from) {
                if !rest.is_empty() {
                    out.push((format!("{to}{rest}"), (*file, inner_from.clone())));
                }
            }
        }
    }

    /// Records that `to` itself came from where `from` came from in `inner`, without what
    /// lies below it (placed piece by piece by the caller).
    pub fn mount_origin(&mut self, inner: &SourceMap, from: &str, to: &str) {
        if let Some((file, origin)) = inner.origin(from) {
            self.mounts.insert(to.to_owned(), (file, origin));
        }
    }

    /// The same map without the mounts the map implies anyway: a mount whose origin is the
    /// one the mounts above it give (a key copied under a moved parent, say). Every pointer
    /// keeps its origin. Ancestors sort before their descendants, so each mount is judged
    /// against the mounts above it that were kept.
    pub fn pruned(self) -> SourceMap {
        // The mounts come sorted. Every string sorting between a prefix and a string it starts
        // is one starting with that prefix too, so the kept mounts whose pointers are string
        // prefixes of the current one are a chain at the bottom of a stack: pop the others,
        // and the mount above is the last of the chain that is a prefix by whole tokens (not
        // `/a/b` before `/a/b-c`, kept on the stack for `/a/b/c`, which sorts after it).
        let mut kept: Vec<(String, Origin)> = Vec::with_capacity(self.mounts.len());
        let mut chain: Vec<usize> = Vec::new();
        for (at, (file, from)) in self.mounts {
            while chain.last().is_some_and(|&i| !at.starts_with(kept[i].0.as_str())) {
                chain.pop();
            }
            let above = chain.iter().rev().map(|&i| &kept[i]).find(|(k, _)| strip_pointer_prefix(&at, k).is_some());
            // Implied when the mount above maps `at` to `from` already: same file, and `from`
            // is that mount's origin followed by the rest of `at` (compared without building it).
            let implied = above.is_some_and(|(above, (f, origin))| {
                *f == file && from.strip_prefix(origin.as_str()) == Some(&at[above.len()..])
            });
            if !implied {
                chain.push(kept.len());
                kept.push((at, (file, from)));
            }
        }
        SourceMap { mounts: kept.into_iter().collect() }
    }

    /// Adds every mount of `other` (its mounts win where both have one).
    pub fn extend(&mut self, mut other: SourceMap) {
        // One merge of the two sorted maps, rather than an insert per mount.
        self.mounts.append(&mut other.mounts);
    }

    /// Composes two maps: `self` maps pointers of a document C to pointers of a document B,
    /// `inner` maps B to files; the result maps C to files.
    pub fn through(&self, inner: &SourceMap) -> SourceMap {
        // Every mount of the inner map below a mount of the outer one is carried over. The
        // mounts are collected, then built into the map at once: it sorts them stably and keeps
        // the last of equal pointers, as inserting them one by one would.
        // A large map is composed in two halves on two threads, joined in order.
        let outer: Vec<(&String, &String)> = self.mounts.iter().map(|(at, (_, from))| (at, from)).collect();
        let compose = |part: &[(&String, &String)]| {
            let mut moved = Vec::with_capacity(part.len());
            for (at, from) in part {
                inner.transplanted(from, at, &mut moved);
            }
            moved
        };
        let parts = crate::parallel::halves(&outer, PARALLEL_MOUNTS);
        let moved = crate::parallel::map_in_order(&parts, |part| compose(part));
        SourceMap { mounts: moved.into_iter().flatten().collect() }
    }

    /// Where the value at `pointer` of the derived document is written.
    pub fn value_location(&self, sources: &Sources, pointer: &str) -> Option<Location> {
        let (file, p) = self.origin(pointer)?;
        sources.value_location(file, &p)
    }

    /// Where the key naming the node at `pointer` of the derived document is written.
    pub fn key_location(&self, sources: &Sources, pointer: &str) -> Option<Location> {
        let (file, p) = self.origin(pointer)?;
        sources.key_location(file, &p)
    }

    pub fn mounts(&self) -> impl Iterator<Item = (&String, &(FileId, String))> {
        self.mounts.iter()
    }
}

/// Where a mount's node came from: the file, and the pointer in it.
type Origin = (FileId, String);

/// The longest mount at or above `pointer`, given how to find the greatest mount not after a
/// pointer. That mount, when it is above `pointer`, is the longest one above it: a longer one
/// would sort between the two. Else every mount above `pointer` sorts before it and starts
/// it too (a string between a prefix of `pointer` and `pointer` starts with that prefix), so
/// the longest mount above `pointer` is the longest above `pointer`'s longest ancestor that
/// both share: a jump, where walking up one level at a time looked up every level of a deep
/// pointer in vain (a twentieth of Kubernetes' run).
fn longest_above<'a>(
    pointer: &str,
    last_not_after: impl Fn(&str) -> Option<(&'a str, &'a Origin)>,
) -> Option<(&'a str, &'a Origin)> {
    let mut p = pointer;
    loop {
        let (at, origin) = last_not_after(p)?;
        if strip_pointer_prefix(p, at).is_some() {
            return Some((at, origin));
        }
        // `p` is not empty (the empty pointer is above every other) and `at` does not start
        // with it (`at` would then sort after `p`): they share fewer bytes than `p` has.
        let shared = p.bytes().zip(at.bytes()).take_while(|(a, b)| a == b).count();
        let cut = p.as_bytes()[..=shared].iter().rposition(|&b| b == b'/')?;
        p = &p[..cut];
    }
}

/// From how many mounts [`SourceMap::through`] composes on two threads.
const PARALLEL_MOUNTS: usize = 4096;

/// `Some(rest)` when `pointer` is `prefix` or below it.
pub fn strip_pointer_prefix<'a>(pointer: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = pointer.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The pointer one level up (`/a/b` → `/a`, `/a` → ``).
pub fn parent_pointer(pointer: &str) -> &str {
    match pointer.rfind('/') {
        Some(i) => &pointer[..i],
        None => "",
    }
}

/// Escapes one reference token for a JSON Pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_escaped(&mut out, token);
    out
}

/// Appends `token` to `out`, escaped for a JSON Pointer; most tokens need no escaping and are
/// copied as they are (this runs for every node of large specs).
pub(crate) fn push_escaped(out: &mut String, token: &str) {
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Unescapes one reference token of a JSON Pointer: `~1` is `/`, `~0` is `~` (so `~01` is
/// `~1`), in one pass.
pub fn unescape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut rest = token;
    while let Some(i) = rest.find('~') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.as_bytes().first() {
            Some(b'1') => out.push('/'),
            Some(b'0') => out.push('~'),
            _ => {
                out.push('~');
                rest = after;
                continue;
            }
        }
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

/// The value at `pointer` in `value`, as [`Value::pointer`] finds it, without building a
/// string for each token that needs no unescaping (most do not).
pub fn lookup<'a>(value: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    use serde_json::Value;
    if pointer.is_empty() {
        return Some(value);
    }
    let mut target = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token: std::borrow::Cow<'_, str> =
            if token.contains('~') { unescape_token(token).into() } else { token.into() };
        target = match target {
            Value::Object(map) => map.get(token.as_ref())?,
            // As `serde_json` reads an index: no sign, no leading zero.
            Value::Array(items) if !token.starts_with('+') && (token == "0" || !token.starts_with('0')) => {
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(target)
}

/// `pointer` + `/token`, escaped.
pub fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    push_escaped(&mut out, token);
    out
}

/// The unescaped tokens of a pointer.
pub fn tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.split('/').skip(1).map(unescape_token).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_keep_what_they_are_given_in_32_bits() {
        let span = |start, line| Span { start, end: start + 2, line, column: 7 };
        let mut spans = Spans::default();
        spans.insert("/a", NodeSpan { value: span(10, 2), key: Some(span(4, 2)) });
        spans.insert("/b", NodeSpan { value: span(20, 3), key: None });
        spans.insert("/c", NodeSpan { value: span(1 << 40, 1 << 33), key: None });
        assert_eq!(spans.get("/a"), Some(NodeSpan { value: span(10, 2), key: Some(span(4, 2)) }));
        assert_eq!(spans.get("/b"), Some(NodeSpan { value: span(20, 3), key: None }));
        // Beyond 32 bits a number saturates (below the marker of a missing key).
        let far = spans.get("/c").expect("a span");
        assert_eq!((far.value.start, far.value.line, far.key), (u32::MAX as usize - 1, u32::MAX as usize - 1, None));
        assert_eq!(spans.get("/d"), None);
    }

    #[test]
    fn origin_is_the_longest_mount_above_a_pointer() {
        let mut map = SourceMap::default();
        map.mount("", 0, "");
        map.mount("/a", 1, "/x");
        map.mount("/a/b", 2, "/y");
        map.mount("/a/bc", 3, "/z");
        map.mount("/a/b/c", 4, "/w");
        // The greatest mount before `/a/bd` is `/a/bc`, which is not above it.
        assert_eq!(map.origin("/a/bd/e"), Some((1, "/x/bd/e".to_owned())));
        assert_eq!(map.origin("/a/b/d"), Some((2, "/y/d".to_owned())));
        assert_eq!(map.origin("/a/b/c/d"), Some((4, "/w/d".to_owned())));
        assert_eq!(map.origin("/a/b"), Some((2, "/y".to_owned())));
        assert_eq!(map.origin("/b"), Some((0, "/b".to_owned())));
    }

    /// The jump through shared ancestors finds what walking up one level at a time finds:
    /// every pointer over a small alphabet, against every set of mounts of a few of them.
    #[test]
    fn origin_jumps_to_what_the_walk_up_finds() {
        let tokens = ["a", "b", "a-b", "ab", "a~1b", "0"];
        let mut pointers = vec![String::new()];
        for depth in 0..3 {
            let longer: Vec<String> = pointers
                .iter()
                .filter(|p| p.matches('/').count() == depth)
                .flat_map(|p| tokens.iter().map(move |t| format!("{p}/{t}")))
                .collect();
            pointers.extend(longer);
        }
        // Mount sets: every seventh pointer from an offset, with or without the root.
        for (offset, with_root) in (0..7).flat_map(|o| [(o, true), (o, false)]) {
            let mut map = SourceMap::default();
            let mounted: Vec<&String> = pointers.iter().skip(offset).step_by(7).collect();
            for (i, at) in mounted.iter().enumerate() {
                map.mount(at, i, &format!("/m{i}"));
            }
            if with_root {
                map.mount("", 99, "");
            }
            for pointer in &pointers {
                let mut walked = None;
                let mut p = pointer.as_str();
                loop {
                    if let Some((at, (file, from))) = map.mounts.get_key_value(p) {
                        walked = Some((*file, format!("{from}{}", &pointer[at.len()..])));
                        break;
                    }
                    if p.is_empty() {
                        break;
                    }
                    p = parent_pointer(p);
                }
                assert_eq!(map.origin(pointer), walked, "{pointer} with mounts {mounted:?}");
            }
        }
    }

    /// `lookup` finds what `serde_json`'s `pointer` finds, escapes and array indexes included.
    #[test]
    fn lookup_is_serde_json_pointer() {
        let value = serde_json::json!({
            "a/b": {"~x": [10, 20, {"c": null}]},
            "": {"": 1},
            "~1": 2,
            "n": [0, 1],
        });
        for pointer in [
            "",
            "/",
            "/a~1b",
            "/a~1b/~0x",
            "/a~1b/~0x/1",
            "/a~1b/~0x/2/c",
            "/a~1b/~0x/01",
            "/a~1b/~0x/+1",
            "/a~1b/~0x/3",
            "/a~1b/~0x/-1",
            "//",
            "/~01",
            "/~1",
            "/n/0",
            "/n/00",
            "/n/1/x",
            "a",
            "/missing",
            "/a~2b",
            "/a~",
        ] {
            assert_eq!(lookup(&value, pointer), value.pointer(pointer), "{pointer}");
        }
        for token in ["", "~", "~~1", "~01", "~10", "a~0b~1c", "~2", "ü~1ü"] {
            assert_eq!(unescape_token(token), token.replace("~1", "/").replace("~0", "~"), "{token}");
        }
    }

    #[test]
    fn spans_are_found_by_pointer_and_a_missing_node_by_its_nearest_ancestor() {
        let span = |line| NodeSpan { value: Span { start: line, end: line + 1, line, column: 1 }, key: None };
        let mut spans = Spans::default();
        spans.insert("", span(1));
        spans.insert("/a", span(2));
        spans.insert("/a/b~1c", span(3));
        assert_eq!(spans.get("/a/b~1c").map(|s| s.value.line), Some(3));
        assert_eq!(spans.get("/a/b/c"), None);
        assert_eq!(spans.len(), 3);
        let file = SourceFile {
            path: "f.yaml".into(),
            display: "f.yaml".into(),
            text: "".into(),
            value: serde_json::Value::Null.into(),
            spans,
        };
        assert_eq!(file.span("/a/b~1c/d").map(|s| s.value.line), Some(3));
        assert_eq!(file.span("/a/x").map(|s| s.value.line), Some(2));
        assert_eq!(file.span("/z").map(|s| s.value.line), Some(1));
    }

    #[test]
    fn pruning_keeps_every_origin_and_drops_what_is_implied() {
        let mut map = SourceMap::default();
        map.mount("", 0, "");
        map.mount("/a", 0, "/a"); // implied by the root
        map.mount("/a/b", 0, "/x/b"); // a real move
        map.mount("/a/b/c", 0, "/x/b/c"); // implied by `/a/b`
        map.mount("/a-b", 1, "/a-b"); // another file: kept
        map.mount("/a/b/d", 0, "/y"); // a real move below a move
        let pruned = map.clone().pruned();
        let kept: Vec<&str> = pruned.mounts().map(|(at, _)| at.as_str()).collect();
        assert_eq!(kept, ["", "/a-b", "/a/b", "/a/b/d"]);
        for pointer in ["", "/a", "/a/q", "/a/b", "/a/b/c", "/a/b/c/e", "/a-b/z", "/a/b/d/f", "/zz"] {
            assert_eq!(pruned.origin(pointer), map.origin(pointer), "{pointer}");
        }
    }

    #[test]
    fn through_keeps_the_last_mount_of_a_pointer() {
        let mut inner = SourceMap::default();
        inner.mount("", 0, "");
        inner.mount("/old/p", 1, "");
        let mut outer = SourceMap::default();
        // `/new` takes all of `/old` (so `/new/p` from file 1), then `/new/p` is mounted from
        // `/other` in its own right: the later mount wins, as it would inserted in order.
        outer.mount("/new", 0, "/old");
        outer.mount("/new/p", 0, "/other");
        let composed = outer.through(&inner);
        assert_eq!(composed.origin("/new/p/q"), Some((0, "/other/q".to_owned())));
        assert_eq!(composed.origin("/new/r"), Some((0, "/old/r".to_owned())));
    }
}

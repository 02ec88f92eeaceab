//! The logic of the fuzz targets, shared by `fuzz/` (cargo-fuzz, nightly) and the stable,
//! count-bounded run in `tests/tests/fuzz_smoke.rs`.
//!
//! - [`load_target`]: arbitrary bytes through `generator::load::parse` (as YAML or JSON) and
//!   through every renderer of the diagnostics it gives.
//! - [`PipelineTarget`]: structure-aware mutations of real specs (the vendored sync spec, every
//!   `ok` codegen fixture, a few Matrix v1.7 roots under `fuzz/seeds/matrix/`) through
//!   `generator::run` up to emission, in a temporary folder, never writing the output.
//!
//! Randomness comes from an [`Entropy`]: the fuzzer's input bytes first, then a small
//! deterministic PRNG seeded from them, so a fuzz input and a smoke-test seed drive the same
//! mutations. Every mutation is bounded (number of operations, node count, document size), so
//! no input grows the spec without bound.

use std::path::{Path, PathBuf};

use generator::config::Config;
use generator::load::{Limits, Parsed};
use generator::{Diagnostics, Severity};
use serde_json::{Map, Value};

/// SplitMix64: tiny, fast and good enough to drive mutations deterministically.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The source of every choice a mutation makes: the given bytes, then a PRNG seeded from them.
#[derive(Debug, Clone)]
pub struct Entropy<'a> {
    bytes: &'a [u8],
    rng: SplitMix,
}

impl<'a> Entropy<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        // FNV-1a of the bytes seeds the PRNG used once they run out.
        let seed =
            bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3));
        Self { bytes, rng: SplitMix(seed) }
    }

    pub fn from_seed(seed: u64) -> Entropy<'static> {
        Entropy { bytes: &[], rng: SplitMix(seed) }
    }

    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((b, rest)) => {
                self.bytes = rest;
                *b
            }
            None => (self.rng.next_u64() >> 56) as u8,
        }
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else if n <= 256 {
            usize::from(self.byte()) % n
        } else {
            self.u32() as usize % n
        }
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Loading

/// Parses `data` as YAML or JSON and renders whatever diagnostics come out, in every format.
/// Panics (the fuzz failure) on a panic inside the generator or on a broken invariant: a
/// syntax error without a location, or a location outside the text.
pub fn load_target(data: &[u8], is_json: bool) {
    let text = String::from_utf8_lossy(data);
    let display = if is_json { "fuzz.json" } else { "fuzz.yaml" };
    let mut diagnostics = Diagnostics::default();
    diagnostics.add_source(display, &*text);
    if let Err(diagnostic) = generator::load::parse(&text, display, is_json, &Limits::default()) {
        let location = diagnostic.location.as_ref().expect("a syntax error has a location");
        assert!(location.start <= text.len(), "location {location:?} is past the end ({} bytes)", text.len());
        diagnostics.push(*diagnostic);
    }
    let _ = diagnostics.render(false);
    let _ = diagnostics.render(true);
    let _ = diagnostics.render_json();
}

/// A few byte-level mutations of YAML-ish text, for the stable run of the load targets
/// (cargo-fuzz does its own).
pub fn mutate_bytes(seed_text: &[u8], entropy: &mut Entropy<'_>) -> Vec<u8> {
    const TOKENS: &[&str] = &[
        "- ",
        ": ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "!tag ",
        "? ",
        "|\n",
        ">-\n",
        "'",
        "\"",
        "\\u0000",
        "\\x",
        "#",
        "\n",
        "\r\n",
        "\t",
        "  ",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "\u{feff}",
        "é",
        "\u{202e}",
        "\0",
        "1e400",
        "-0",
        "0x1F",
        "~",
        "null",
        "true",
        "<<: *a",
        "\"\\ud800\"",
        "$ref",
        "%1é",
    ];
    let mut out = if entropy.chance(8) || seed_text.is_empty() { Vec::new() } else { seed_text.to_vec() };
    let ops = 1 + entropy.below(6);
    for _ in 0..ops {
        let at = entropy.below(out.len() + 1);
        match entropy.below(6) {
            0 => out.splice(at..at, entropy.pick(TOKENS).bytes()).for_each(drop),
            1 if !out.is_empty() => {
                let end = (at + 1 + entropy.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 => {
                let n = 1 + entropy.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| entropy.below(256) as u8).collect();
                out.splice(at..at, bytes);
            }
            3 if !out.is_empty() => {
                // Repeat a small slice (nesting, long runs), bounded.
                let end = (at + 1 + entropy.below(8)).min(out.len());
                let slice = out[at.min(end)..end].to_vec();
                let times = 1 + entropy.below(64);
                let mut insert = Vec::new();
                for _ in 0..times {
                    insert.extend_from_slice(&slice);
                }
                out.splice(at..at, insert);
            }
            4 => out.truncate(at),
            _ => {
                let b = entropy.below(256) as u8;
                if at < out.len() {
                    out[at] = b;
                } else {
                    out.push(b);
                }
            }
        }
    }
    out.truncate(64 * 1024);
    out
}

// ---------------------------------------------------------------------------------------------
// Structure-aware mutation of a spec document

/// Strings that break naive code: non-ASCII, percent sequences, paths, NUL, bidi, very long.
pub fn edge_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "é",
        "über op",
        "日本語",
        "🦀",
        "\u{202e}evil\u{202c}",
        "\u{200b}",
        "\u{feff}",
        "\0",
        "a\0b",
        "%",
        "%1é",
        "%zz",
        "%FF",
        "%2F",
        "%%",
        "..",
        "../..",
        "../outside/s.yaml",
        "/",
        "//",
        "#",
        "#/",
        "~",
        "~0~1",
        "\"",
        "'",
        "\\",
        "\n",
        "a\nb",
        "\r\n",
        "\t",
        "{",
        "}",
        "{id}",
        "/{a}/{a}",
        "/events ",
        "/a b",
        "/ä/{ö}",
        "%CLIENT_MAJOR_VERSION%",
        "Option",
        "Result",
        "String",
        "Vec",
        "Box",
        "BTreeMap",
        "Serialize",
        "Deserialize",
        "Self",
        "self",
        "type",
        "crate",
        "super",
        "fn",
        "r#type",
        "_",
        "__",
        "123abc",
        "-",
        "get user",
        "getUser",
        "get_user",
        "*/",
        "/*",
        "\"]; panic!(); //",
        "```",
        "<script>",
        "0",
        "-1",
        "1e400",
        "true",
        "null",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    out.push("a".repeat(70_000));
    out.push("é".repeat(10_000));
    out.push("/{x}".repeat(500));
    out
}

/// Names that collide with what generated code refers to.
const NAMES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "HashMap",
    "Serialize",
    "Deserialize",
    "Value",
    "Map",
    "Self",
    "self",
    "type",
    "crate",
    "super",
    "std",
    "core",
    "serde",
    "Default",
    "Some",
    "None",
    "Ok",
    "Err",
    "i32",
    "str",
    "_",
    "über",
    "2fa",
    "A-B",
    "a.b",
    "Request",
    "Response",
    "Error",
    "Api",
    "Client",
];

const TYPES: &[&str] =
    &["string", "integer", "number", "boolean", "array", "object", "null", "file", "string.", "Integer", ""];
const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date-time",
    "date",
    "uuid",
    "password",
    "",
    "%",
    "int128",
];

/// One step of a path into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

const MAX_NODES: usize = 20_000;
/// A mutated document larger than this is not run (a mutation may not grow the spec unboundedly).
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;

fn collect_paths(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    if out.len() >= MAX_NODES {
        return;
    }
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(Step::Key(k.clone()));
                collect_paths(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                collect_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'v>(mut value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    for step in path {
        value = match (value, step) {
            (Value::Object(map), Step::Key(k)) => map.get_mut(k)?,
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

fn get<'v>(mut value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    for step in path {
        value = match (value, step) {
            (Value::Object(map), Step::Key(k)) => map.get(k)?,
            (Value::Array(items), Step::Index(i)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Paths whose last key is `key`.
fn paths_ending_in<'p>(paths: &'p [Vec<Step>], key: &str) -> Vec<&'p Vec<Step>> {
    paths.iter().filter(|p| matches!(p.last(), Some(Step::Key(k)) if k == key)).collect()
}

/// Renames key `old` of `map` to `new`, keeping its place (a clash replaces the other entry).
fn rename_key(map: &mut Map<String, Value>, old: &str, new: String) {
    let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    for (k, v) in entries {
        if k == old {
            map.insert(new.clone(), v);
        } else {
            map.insert(k, v);
        }
    }
}

fn mangle_ref(original: &str, entropy: &mut Entropy<'_>) -> String {
    let file = original.split('#').next().unwrap_or("");
    match entropy.below(14) {
        0 => format!("{original}%1é"),
        1 => format!("{file}#/x%1é"),
        2 => format!("{file}#/definitions/%zz"),
        3 => format!("../{original}"),
        4 => "../outside/s.yaml".into(),
        5 => ".".into(),
        6 => "".into(),
        7 => "#".into(),
        8 => "#/definitions/Nope".into(),
        9 => "http://example.invalid/x.yaml".into(),
        10 => "definitions/definitions/definitions/event_batch.json".into(),
        11 => format!("{original}{original}"),
        12 => original.replace('/', "//"),
        _ => entropy.pick(&edge_strings()).clone(),
    }
}

fn random_scalar(entropy: &mut Entropy<'_>) -> Value {
    match entropy.below(12) {
        0 => Value::Null,
        1 => Value::Bool(entropy.chance(2)),
        2 => Value::from(u64::MAX),
        3 => Value::from(i64::MIN),
        4 => Value::from(-1),
        5 => Value::from(f64::MAX),
        6 => Value::from(0.5),
        7 => Value::from(1e-300),
        8 => Value::from(99_999_999_999_999_999_999.0),
        9 => Value::from(i64::from(entropy.u32() as i32)),
        _ => Value::String(entropy.pick(&edge_strings()).clone()),
    }
}

fn swap_kind(value: &Value, entropy: &mut Entropy<'_>) -> Value {
    match entropy.below(6) {
        0 => Value::Array(vec![value.clone()]),
        1 => Value::Object(Map::from_iter([("$ref".to_owned(), Value::String("#/definitions/Nope".into()))])),
        2 => Value::Object(Map::new()),
        3 => Value::Array(Vec::new()),
        4 => Value::String(value.to_string().chars().take(200).collect()),
        _ => random_scalar(entropy),
    }
}

/// A definition that exercises naming and recursion: a recursive alias, a shadowing name.
fn hostile_definition(name: &str, entropy: &mut Entropy<'_>, components: bool) -> Value {
    let prefix = if components { "#/components/schemas/" } else { "#/definitions/" };
    let self_ref = Value::Object(Map::from_iter([("$ref".to_owned(), Value::String(format!("{prefix}{name}")))]));
    let string = serde_json::json!({"type": "string"});
    match entropy.below(5) {
        0 => serde_json::json!({"type": "object", "additionalProperties": self_ref}),
        1 => serde_json::json!({"type": "array", "items": self_ref}),
        2 => {
            serde_json::json!({"type": "object", "title": entropy.pick(NAMES), "properties": {"a": string, "b": self_ref}})
        }
        3 => serde_json::json!({"type": "string", "enum": [name, "", "a b", "A", "a", 1, null]}),
        _ => serde_json::json!({"type": "object", "properties": {name: string, "r#type": string, "": string}}),
    }
}

/// Applies 1 to 8 structure-aware mutations to a spec document.
pub fn mutate(doc: &mut Value, entropy: &mut Entropy<'_>) {
    let ops = 1 + entropy.below(8);
    for _ in 0..ops {
        let mut paths = Vec::new();
        collect_paths(doc, &mut Vec::new(), &mut paths);
        if paths.is_empty() {
            return;
        }
        let op = entropy.below(15);
        match op {
            // Delete a key.
            0 | 1 => {
                let path = entropy.pick(&paths).clone();
                if let Some(Value::Object(map)) = get_mut(doc, &path) {
                    if !map.is_empty() {
                        let i = entropy.below(map.len());
                        let key = map.keys().nth(i).cloned().unwrap_or_default();
                        map.shift_remove(&key);
                    }
                } else if let Some(Value::Array(items)) = get_mut(doc, &path) {
                    if !items.is_empty() {
                        let i = entropy.below(items.len());
                        items.remove(i);
                    }
                }
            }
            // Swap a value's kind.
            2 => {
                let path = entropy.pick(&paths).clone();
                if let Some(v) = get_mut(doc, &path) {
                    *v = swap_kind(v, entropy);
                }
            }
            // Duplicate a subtree somewhere else (bounded).
            3 => {
                if paths.len() < MAX_NODES / 2 {
                    let from = entropy.pick(&paths).clone();
                    let copy = get(doc, &from).cloned().unwrap_or(Value::Null);
                    let to = entropy.pick(&paths).clone();
                    match get_mut(doc, &to) {
                        Some(Value::Object(map)) => {
                            let key = match from.last() {
                                Some(Step::Key(k)) if entropy.chance(2) => k.clone(),
                                _ => entropy.pick(NAMES).to_string(),
                            };
                            map.insert(key, copy);
                        }
                        Some(Value::Array(items)) => items.push(copy),
                        _ => {}
                    }
                }
            }
            // Replace a string (value) with an edge string.
            4 | 5 => {
                let strings: Vec<&Vec<Step>> =
                    paths.iter().filter(|p| matches!(get(doc, p), Some(Value::String(_)))).collect();
                if !strings.is_empty() {
                    let path = (*entropy.pick(&strings)).clone();
                    let edge = entropy.pick(&edge_strings()).clone();
                    if let Some(v) = get_mut(doc, &path) {
                        *v = Value::String(edge);
                    }
                }
            }
            // Rename a key (definition names, property names, path keys, status codes).
            6 => {
                let keyed: Vec<&Vec<Step>> = paths.iter().filter(|p| matches!(p.last(), Some(Step::Key(_)))).collect();
                if !keyed.is_empty() {
                    let path = (*entropy.pick(&keyed)).clone();
                    let (parent, last) = path.split_at(path.len() - 1);
                    let Step::Key(old) = &last[0] else { continue };
                    let new = if entropy.chance(2) {
                        entropy.pick(NAMES).to_string()
                    } else {
                        entropy.pick(&edge_strings()).clone()
                    };
                    if let Some(Value::Object(map)) = get_mut(doc, parent) {
                        rename_key(map, old, new);
                    }
                }
            }
            // Mangle a `$ref`.
            7 => {
                let refs = paths_ending_in(&paths, "$ref");
                if !refs.is_empty() {
                    let path = (*entropy.pick(&refs)).clone();
                    if let Some(v) = get_mut(doc, &path) {
                        let original = v.as_str().unwrap_or("").to_owned();
                        *v = Value::String(mangle_ref(&original, entropy));
                    }
                }
            }
            // Mangle a `type`.
            8 => {
                let types = paths_ending_in(&paths, "type");
                if !types.is_empty() {
                    let path = (*entropy.pick(&types)).clone();
                    let new = if entropy.chance(4) {
                        Value::Array(vec![Value::from(*entropy.pick(TYPES)), Value::from(*entropy.pick(TYPES))])
                    } else {
                        Value::from(*entropy.pick(TYPES))
                    };
                    if let Some(v) = get_mut(doc, &path) {
                        *v = new;
                    }
                }
            }
            // Mangle or add a `format`.
            9 => {
                let types = paths_ending_in(&paths, "type");
                if !types.is_empty() {
                    let path = (*entropy.pick(&types)).clone();
                    let format = Value::from(*entropy.pick(FORMATS));
                    if let Some(Value::Object(map)) = get_mut(doc, &path[..path.len() - 1]) {
                        map.insert("format".into(), format);
                    }
                }
            }
            // Mangle or add an `enum`.
            10 => {
                let types = paths_ending_in(&paths, "type");
                if !types.is_empty() {
                    let path = (*entropy.pick(&types)).clone();
                    let values: Vec<Value> = (0..entropy.below(6)).map(|_| random_scalar(entropy)).collect();
                    let values = if entropy.chance(3) {
                        NAMES.iter().take(1 + entropy.below(NAMES.len())).map(|n| Value::from(*n)).collect()
                    } else {
                        values
                    };
                    if let Some(Value::Object(map)) = get_mut(doc, &path[..path.len() - 1]) {
                        map.insert("enum".into(), Value::Array(values));
                    }
                }
            }
            // Mangle a number.
            11 => {
                let numbers: Vec<&Vec<Step>> =
                    paths.iter().filter(|p| matches!(get(doc, p), Some(Value::Number(_)))).collect();
                let targets = if numbers.is_empty() { paths_ending_in(&paths, "type") } else { numbers };
                if !targets.is_empty() {
                    let path = (*entropy.pick(&targets)).clone();
                    let key = *entropy.pick(&["minimum", "maximum", "default", "maxLength", "minItems", "example"]);
                    let number = random_scalar(entropy);
                    if let Some(v) = get_mut(doc, &path) {
                        if v.is_number() {
                            *v = number;
                        }
                    } else if let Some(Value::Object(map)) = get_mut(doc, &path[..path.len().saturating_sub(1)]) {
                        map.insert(key.into(), number);
                    }
                }
            }
            // Rename operations (`operationId`s that collide or lose characters).
            12 => {
                let ids = paths_ending_in(&paths, "operationId");
                let targets = if ids.is_empty() { paths_ending_in(&paths, "name") } else { ids };
                if !targets.is_empty() {
                    let path = (*entropy.pick(&targets)).clone();
                    let name = entropy.pick(&["get user", "getUser", "get_user", "über op", "", "self", "123", "a-b"]);
                    if let Some(v) = get_mut(doc, &path) {
                        *v = Value::from(*name);
                    }
                }
            }
            // Add a hostile definition.
            13 => {
                let name = entropy.pick(NAMES).to_string();
                let root = doc.as_object_mut();
                if let Some(root) = root {
                    let components = root.contains_key("openapi");
                    let definition = hostile_definition(&name, entropy, components);
                    let holder = if components {
                        root.entry("components").or_insert_with(|| Value::Object(Map::new())).as_object_mut().and_then(
                            |c| c.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut(),
                        )
                    } else {
                        root.entry("definitions").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
                    };
                    if let Some(holder) = holder {
                        holder.insert(name, definition);
                    }
                }
            }
            // Replace the version fields.
            _ => {
                if let Some(root) = doc.as_object_mut() {
                    let key = *entropy.pick(&["swagger", "openapi"]);
                    let version = *entropy.pick(&["2.0", "3.0.0", "3.0.3", "3.1.0", "3.2.0", "1.2", "", "2"]);
                    root.insert(key.into(), Value::from(version));
                }
            }
        }
    }
}

/// Writes `value` as block-style YAML (every string double-quoted with JSON escapes, which
/// YAML's double-quoted style reads the same), so the YAML loader sees block nesting too.
pub fn to_block_yaml(value: &Value) -> String {
    fn scalar(value: &Value) -> String {
        match value {
            Value::Object(m) if m.is_empty() => "{}".into(),
            Value::Array(a) if a.is_empty() => "[]".into(),
            other => other.to_string(),
        }
    }
    fn is_block(value: &Value) -> bool {
        matches!(value, Value::Object(m) if !m.is_empty()) || matches!(value, Value::Array(a) if !a.is_empty())
    }
    fn write(value: &Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (k, v) in map {
                    let key = Value::String(k.clone()).to_string();
                    if is_block(v) {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write(v, indent + 2, out);
                    } else {
                        out.push_str(&format!("{pad}{key}: {}\n", scalar(v)));
                    }
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for v in items {
                    if is_block(v) {
                        out.push_str(&format!("{pad}-\n"));
                        write(v, indent + 2, out);
                    } else {
                        out.push_str(&format!("{pad}- {}\n", scalar(v)));
                    }
                }
            }
            other => out.push_str(&format!("{pad}{}\n", scalar(other))),
        }
    }
    let mut out = String::new();
    write(value, 0, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// The pipeline target

/// A seed: a root spec document, by name, with the text it starts from.
#[derive(Debug, Clone)]
pub struct Seed {
    pub name: String,
    pub text: String,
    pub is_json: bool,
}

/// What one pipeline run gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The seed did not parse (a byte-mutated seed); nothing ran.
    Skipped,
    /// The mutated document was larger than [`MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// Generated this many files.
    Generated(usize),
    /// Refused with at least one error.
    Refused,
}

/// A temporary folder holding every file the seeds refer to, where each mutated root is
/// written and run. Paths mirror the seeds': `definitions/` (sync's JSON files and the Matrix
/// definitions), `schemas/` (the `external_refs` fixture's).
pub struct PipelineTarget {
    pub dir: PathBuf,
    pub seeds: Vec<Seed>,
}

fn copy_tree(from: &Path, to: &Path) {
    let _ = std::fs::create_dir_all(to);
    let Ok(entries) = std::fs::read_dir(from) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() {
            if let Ok(link) = std::fs::read_link(&path) {
                let _ = std::fs::remove_file(&target);
                let _ = std::os::unix::fs::symlink(link, &target);
            }
        } else if meta.is_dir() {
            copy_tree(&path, &target);
        } else {
            let _ = std::fs::copy(&path, &target);
        }
    }
}

fn read_seed(name: String, path: &Path) -> Option<Seed> {
    let text = std::fs::read_to_string(path).ok()?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    Some(Seed { name, text, is_json })
}

/// Every seed document of the workspace at `root`: the vendored sync spec, every `ok` codegen
/// fixture, and the Matrix roots under `fuzz/seeds/matrix/`.
pub fn seeds(root: &Path) -> Vec<Seed> {
    let mut out = Vec::new();
    out.extend(read_seed("api/sync.yaml".into(), &root.join("api/sync.yaml")));
    let ok = root.join("tests/fixtures/codegen/ok");
    let mut fixtures: Vec<PathBuf> =
        std::fs::read_dir(&ok).map(|e| e.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    fixtures.sort();
    for path in fixtures {
        let spec = if path.is_dir() { path.join("spec.yaml") } else { path.clone() };
        let name = spec.strip_prefix(root).unwrap_or(&spec).display().to_string();
        out.extend(read_seed(name, &spec));
    }
    let matrix = root.join("fuzz/seeds/matrix");
    let mut roots: Vec<PathBuf> = std::fs::read_dir(&matrix)
        .map(|e| e.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "yaml")).collect())
        .unwrap_or_default();
    roots.sort();
    for path in roots {
        let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        out.extend(read_seed(name, &path));
    }
    out
}

impl PipelineTarget {
    /// Prepares `dir` (created; its previous contents are kept) from the workspace at `root`.
    pub fn new(root: &Path, dir: PathBuf) -> Self {
        let _ = std::fs::create_dir_all(&dir);
        copy_tree(&root.join("api/definitions"), &dir.join("definitions"));
        copy_tree(&root.join("fuzz/seeds/matrix/definitions"), &dir.join("definitions"));
        copy_tree(&root.join("tests/fixtures/codegen/ok/external_refs/schemas"), &dir.join("schemas"));
        let seeds = seeds(root);
        assert!(!seeds.is_empty(), "no seed specs under {}", root.display());
        Self { dir, seeds }
    }

    /// Runs one fuzz input: its first byte picks a seed, the rest drives the mutations.
    pub fn run(&self, data: &[u8]) -> Outcome {
        let (selector, rest) = data.split_first().map_or((0, data), |(b, rest)| (usize::from(*b), rest));
        let mut entropy = Entropy::new(rest);
        let seed = &self.seeds[selector % self.seeds.len()];
        self.run_seed(seed, &mut entropy)
    }

    /// Mutates `seed` with `entropy` and runs the whole pipeline on it, up to emission.
    /// Panics on a panic of the generator, or when a run fails without an error, or when
    /// rendering its diagnostics panics.
    pub fn run_seed(&self, seed: &Seed, entropy: &mut Entropy<'_>) -> Outcome {
        let Ok(Parsed { value: mut doc, .. }) =
            generator::load::parse(&seed.text, &seed.name, seed.is_json, &Limits::default())
        else {
            return Outcome::Skipped;
        };
        mutate(&mut doc, entropy);
        let (text, file) = match entropy.below(3) {
            0 => (serde_json::to_string_pretty(&doc).unwrap_or_default(), "spec.json"),
            1 => (serde_json::to_string(&doc).unwrap_or_default(), "spec.yaml"),
            _ => (to_block_yaml(&doc), "spec.yaml"),
        };
        if text.len() > MAX_DOCUMENT_BYTES {
            return Outcome::TooLarge;
        }
        let spec = self.dir.join(file);
        let _ = std::fs::remove_file(self.dir.join("spec.json"));
        let _ = std::fs::remove_file(self.dir.join("spec.yaml"));
        std::fs::write(&spec, &text).expect("the fuzz folder is writable");
        // The output folder is never written: `generator::run` only returns the files.
        let config = Config::new(spec.clone(), self.dir.join("out"), "fuzzed");
        let mut diagnostics = Diagnostics::default();
        let files = generator::run(&config, &mut diagnostics);
        let _ = diagnostics.render(false);
        let _ = diagnostics.render_json();
        match files {
            Some(files) => Outcome::Generated(files.len()),
            None => {
                assert!(
                    diagnostics.iter().any(|d| d.severity == Severity::Error),
                    "the run failed without an error:\n{}",
                    diagnostics.render(false)
                );
                Outcome::Refused
            }
        }
    }
}

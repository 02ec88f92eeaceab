//! Parity of the spec loader with libyaml (issue #9): every YAML file of the vendored spec
//! tree (`../shared/spec`) and of `tests/fixtures` is read by our loader and by serde_yaml
//! (libyaml underneath), and the two values must be equal. `SPECGEN_SHARED` names the shared
//! folder when it is not `../shared` beside the workspace.
//!
//! serde_yaml resolves plain scalars with rules of its own, close to YAML 1.2's core schema
//! that we apply, but not equal to it. Where the two differ, the difference must be one of
//! [`KNOWN`], each named, explained and seen at least once (`tests/fixtures/yaml/
//! schema_differences.yaml` holds one of each); anything else fails the test.
//! A file that either reader refuses must be in [`REFUSED`], with the outcome expected.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::diagnostics::codes;
use generator::load::{parse, Limits};
use serde_json::Value;
use serde_yaml::Value as Yaml;

/// A way our value may differ from serde_yaml's at one node, and why.
struct Known {
    name: &'static str,
    why: &'static str,
    /// Whether our value and serde_yaml's at a node are this difference.
    applies: fn(&Value, &Yaml) -> bool,
}

const KNOWN: &[Known] = &[
    Known {
        name: "leading zeros",
        why: "the core schema reads `0123` as the integer 123; serde_yaml keeps it a string",
        applies: |ours, theirs| matches!(theirs, Yaml::String(s) if leading_zero_integer(s).is_some_and(|n| ours.as_i64() == Some(n))),
    },
    Known {
        name: "binary integers",
        why: "`0b1010` is YAML 1.1 only, not the core schema: a string for us, 10 for serde_yaml",
        applies: |ours, theirs| {
            matches!(ours, Value::String(s) if s.trim_start_matches(['-', '+']).starts_with("0b"))
                && matches!(theirs, Yaml::Number(_))
        },
    },
    Known {
        name: "signed hexadecimal and octal",
        why: "the core schema's `0x` and `0o` integers have no sign: `-0x1F` is a string for us",
        applies: |ours, theirs| {
            matches!(ours, Value::String(s) if s.starts_with(['-', '+'])
                && (s[1..].starts_with("0x") || s[1..].starts_with("0o")))
                && matches!(theirs, Yaml::Number(_))
        },
    },
    Known {
        name: "infinity and NaN",
        why: "`.inf` and `.nan` are floats in the core schema, but a JSON value holds no such \
              number: we keep the text",
        applies: |ours, theirs| {
            matches!(ours, Value::String(_))
                && matches!(theirs, Yaml::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()))
        },
    },
    Known {
        name: "the non-specific tag",
        why: "`! 12` is the string \"12\" (a node tagged `!` is a string, a sequence or a mapping by \
              its kind); serde_yaml resolves the scalar as if untagged, to 12",
        applies: |ours, theirs| matches!((ours, theirs), (Value::String(s), Yaml::Tagged(t)) if t.tag == "!" && serde_yaml::from_str::<Yaml>(s).is_ok_and(|v| v == t.value)),
    },
    Known {
        name: "a byte order mark",
        why: "YAML allows one before the document; serde_yaml 0.9 counts it as a column, so a \
              document of several lines after one is refused (\"more than one document\"): the \
              text after it is given to serde_yaml",
        // Checked on the whole file (see `Report::file`).
        applies: |_, _| false,
    },
    Known {
        name: "scalar keys keep their text",
        why: "a mapping key is the text of its scalar (`200:` is the key \"200\", `0x10:` the key \
              \"0x10\"); serde_yaml resolves it (16), and its JSON form would be \"16\"",
        // Checked where keys are matched (see `compare`), never on values.
        applies: |_, _| false,
    },
];

/// Files that one reader or both refuse, with what each does. Paths are relative to the
/// spec tree or to `tests/fixtures`.
const REFUSED: &[(&str, Refusal)] = &[
    ("codegen/err/yaml_syntax.yaml", Refusal::Both),
    ("codegen/err/yaml_second_document.yaml", Refusal::Both),
    // Our limits: serde_yaml's own (recursion 128, alias repetitions) refuse these too.
    ("codegen/err/yaml_deep_nesting.yaml", Refusal::Both),
    ("codegen/err/yaml_alias_bomb.yaml", Refusal::Both),
    // `-1e400` does not fit a float: we refuse it (a JSON value cannot hold it); serde_yaml
    // reads a number that is not finite as a string.
    ("codegen/err/number_out_of_range.yaml", Refusal::Ours(codes::NUMBER_RANGE)),
    // Not UTF-8: refused before parsing (`invalid-utf8`); serde_yaml refuses it too.
    ("codegen/err/not_utf8.yaml", Refusal::Both),
    // `99999999999999999999` does not fit 64 bits: we round it to a float with a warning
    // (`number-out-of-range`); serde_yaml's `Value` cannot hold it and refuses the file.
    ("codegen/ok/hostile_names.yaml", Refusal::Theirs),
    ("lint/err/integer_defaults.yaml", Refusal::Theirs),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Invalid YAML, or past a limit, for both readers.
    Both,
    /// Only our loader refuses it, with this code.
    Ours(&'static str),
    /// Only serde_yaml refuses it.
    Theirs,
}

#[test]
fn the_loader_reads_every_yaml_file_as_libyaml_does() {
    let root = tests::workspace_root();
    // CI has `shared/` beside the clone; a checkout elsewhere (a git worktree) names it.
    let shared = std::env::var_os("SPECGEN_SHARED").map_or_else(|| root.join("../shared"), PathBuf::from);
    let spec = shared.join("spec");
    let fixtures = tests::fixtures();
    let mut files = Vec::new();
    yaml_files(&spec, &mut files);
    // The vendored Matrix specs are 332 YAML files: a much smaller count means the walk
    // missed them.
    assert!(
        files.len() >= 300,
        "{} YAML files under {} (set SPECGEN_SHARED to the shared folder)",
        files.len(),
        spec.display()
    );
    let in_spec = files.len();
    yaml_files(&fixtures, &mut files);
    assert!(files.len() > in_spec, "no YAML file under {}", fixtures.display());
    let mut report = Report::default();
    for path in &files {
        let relative = [&spec, &fixtures]
            .iter()
            .find_map(|base| path.strip_prefix(base).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        report.file(&relative, path);
    }
    let listed: Vec<&str> = REFUSED.iter().map(|(name, _)| *name).collect();
    let unseen: Vec<&&str> = listed.iter().filter(|name| !report.refused.contains_key(**name)).collect();
    let unseen_known: Vec<&str> =
        KNOWN.iter().map(|k| k.name).filter(|name| !report.known.contains_key(name)).collect();
    eprintln!(
        "{} YAML files compared ({in_spec} of the spec tree): {} equal, {} equal but for known differences, {} refused as listed",
        files.len(),
        report.equal,
        report.with_known,
        report.refused.len(),
    );
    for known in KNOWN {
        eprintln!("  {} x {}: {}", report.known.get(known.name).unwrap_or(&0), known.name, known.why);
    }
    assert!(report.failures.is_empty(), "{} files differ:\n{}", report.failures.len(), report.failures.join("\n"));
    assert!(unseen.is_empty(), "listed as refused but read by both, or missing: {unseen:?}");
    assert!(
        unseen_known.is_empty(),
        "known differences never seen (keep one of each in the fixtures): {unseen_known:?}"
    );
    assert_eq!(report.equal + report.with_known + report.refused.len(), files.len());
}

#[derive(Default)]
struct Report {
    equal: usize,
    with_known: usize,
    known: BTreeMap<&'static str, usize>,
    refused: BTreeMap<String, Refusal>,
    failures: Vec<String>,
}

impl Report {
    fn file(&mut self, relative: &str, path: &Path) {
        let bytes = std::fs::read(path).expect("the file reads");
        let expected = REFUSED.iter().find(|(name, _)| *name == relative).map(|(_, r)| *r);
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            match (expected, serde_yaml::from_slice::<Yaml>(&bytes)) {
                (Some(Refusal::Both), Err(_)) => {
                    self.refused.insert(relative.to_owned(), Refusal::Both);
                }
                _ => self.failures.push(format!("{relative}: not UTF-8, and not listed as refused by both")),
            }
            return;
        };
        let ours = parse(&text, relative, false, &Limits::default());
        let mut known = BTreeMap::new();
        let theirs = match text.strip_prefix('\u{feff}') {
            Some(rest) => {
                *known.entry("a byte order mark").or_default() += 1;
                serde_yaml::from_str::<Yaml>(rest)
            }
            None => serde_yaml::from_str::<Yaml>(&text),
        };
        let outcome = match (&ours, &theirs) {
            (Ok(ours), Ok(theirs)) => {
                let mut found = Vec::new();
                compare(&ours.value, theirs, "", &mut found, &mut known);
                if found.is_empty() && expected.is_none() {
                    if known.is_empty() {
                        self.equal += 1;
                    } else {
                        self.with_known += 1;
                        for (name, n) in known {
                            *self.known.entry(name).or_default() += n;
                        }
                    }
                    return;
                }
                if !found.is_empty() {
                    found.truncate(5);
                    self.failures.push(format!("{relative}:\n  {}", found.join("\n  ")));
                    return;
                }
                None
            }
            (Err(_), Err(_)) => Some(Refusal::Both),
            (Err(error), Ok(_)) => Some(Refusal::Ours(error.code)),
            (Ok(_), Err(_)) => Some(Refusal::Theirs),
        };
        match (outcome, expected) {
            (Some(got), Some(want)) if got == want => {
                self.refused.insert(relative.to_owned(), got);
            }
            _ => self.failures.push(format!(
                "{relative}: expected {expected:?}, ours: {}, serde_yaml: {}",
                ours.as_ref().map_or_else(|e| format!("{} {}", e.code, e.message), |_| "read".into()),
                theirs.as_ref().map_or_else(ToString::to_string, |_| "read".into()),
            )),
        }
    }
}

/// Compares our value with serde_yaml's, noting each difference: known ones by name in
/// `known`, others in `found`.
fn compare(
    ours: &Value,
    theirs: &Yaml,
    pointer: &str,
    found: &mut Vec<String>,
    known: &mut BTreeMap<&'static str, usize>,
) {
    let tagged = theirs;
    let theirs = match theirs {
        // We ignore tags other than the core schema's; serde_yaml keeps them.
        Yaml::Tagged(tagged) => &tagged.value,
        other => other,
    };
    match (ours, theirs) {
        (Value::Object(map), Yaml::Mapping(mapping)) => {
            if map.len() != mapping.len() {
                found.push(format!("{pointer}: {} keys, serde_yaml {}", map.len(), mapping.len()));
            }
            for (key, value) in mapping {
                let (text, is_text) = match key {
                    Yaml::String(s) => (s.clone(), true),
                    other => (scalar_json(other).map_or_else(|| format!("{other:?}"), |v| v.to_string()), false),
                };
                let child = format!("{pointer}/{}", text.replace('~', "~0").replace('/', "~1"));
                if let Some(ours) = map.get(&text) {
                    compare(ours, value, &child, found, known);
                    continue;
                }
                // A key serde_yaml resolved to a number, a boolean or null: ours is the text
                // of that scalar, which serde_yaml reads back as the same value.
                let same_scalar = map.iter().find(|(k, _)| {
                    !is_text
                        && serde_yaml::from_str::<Yaml>(k).is_ok_and(|v| &v == key)
                        && !mapping.contains_key(k.as_str())
                });
                match same_scalar {
                    Some((_, ours)) => {
                        *known.entry("scalar keys keep their text").or_default() += 1;
                        compare(ours, value, &child, found, known);
                    }
                    None => found.push(format!("{child}: missing in ours")),
                }
            }
        }
        (Value::Array(items), Yaml::Sequence(sequence)) => {
            if items.len() != sequence.len() {
                found.push(format!("{pointer}: {} items, serde_yaml {}", items.len(), sequence.len()));
            }
            for (i, (ours, theirs)) in items.iter().zip(sequence).enumerate() {
                compare(ours, theirs, &format!("{pointer}/{i}"), found, known);
            }
        }
        (ours, theirs) => {
            if scalar_json(theirs).as_ref() == Some(ours) {
                return;
            }
            match KNOWN.iter().find(|k| (k.applies)(ours, tagged)) {
                Some(k) => *known.entry(k.name).or_default() += 1,
                None => found.push(format!("{pointer}: ours {ours}, serde_yaml {theirs:?}")),
            }
        }
    }
}

/// serde_yaml's scalar as a JSON value (`None` for a collection or a number JSON cannot hold).
fn scalar_json(value: &Yaml) -> Option<Value> {
    Some(match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Number(n) => {
            if let Some(n) = n.as_u64() {
                n.into()
            } else if let Some(n) = n.as_i64() {
                n.into()
            } else {
                Value::Number(serde_json::Number::from_f64(n.as_f64()?)?)
            }
        }
        Yaml::Tagged(tagged) => scalar_json(&tagged.value)?,
        Yaml::Sequence(_) | Yaml::Mapping(_) => return None,
    })
}

/// The value of `0123` or `-007`: decimal digits after a leading zero.
fn leading_zero_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    (digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The test's own rules, on small inputs.
#[test]
fn known_differences_are_recognised_only_where_they_apply() {
    let yaml = |text: &str| serde_yaml::from_str::<Yaml>(text).unwrap();
    let name = |ours: Value, theirs: &str| KNOWN.iter().find(|k| (k.applies)(&ours, &yaml(theirs))).map(|k| k.name);
    assert_eq!(name(Value::from(123), "0123"), Some("leading zeros"));
    assert_eq!(name(Value::from(124), "0123"), None);
    assert_eq!(name(Value::from("0b11"), "0b11"), Some("binary integers"));
    assert_eq!(name(Value::from("-0x1F"), "-0x1F"), Some("signed hexadecimal and octal"));
    assert_eq!(name(Value::from(".inf"), ".inf"), Some("infinity and NaN"));
    assert_eq!(name(Value::from("12"), "! 12"), Some("the non-specific tag"));
    assert_eq!(name(Value::from("13"), "! 12"), None);
    assert_eq!(name(Value::from("1"), "2"), None);
    // What "a byte order mark" works around: serde_yaml refuses this, and reads it without
    // the mark. Our loader reads both.
    let marked = "\u{feff}a: 1\nb: 2\n";
    assert!(serde_yaml::from_str::<Yaml>(marked).is_err());
    assert!(serde_yaml::from_str::<Yaml>(&marked[3..]).is_ok());
    assert_eq!(parse(marked, "t", false, &Limits::default()).unwrap().value, serde_json::json!({"a": 1, "b": 2}));
    let (mut found, mut known) = (Vec::new(), BTreeMap::new());
    compare(&serde_json::json!({"0x10": 1}), &yaml("0x10: 1"), "", &mut found, &mut known);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(known.get("scalar keys keep their text"), Some(&1));
    compare(&serde_json::json!({"a": [1, "x"]}), &yaml("a: [1, y]"), "", &mut found, &mut known);
    assert_eq!(found, ["/a/1: ours \"x\", serde_yaml String(\"y\")"]);
}

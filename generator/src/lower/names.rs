//! The one place identifiers are made: case conversion, keywords, and names that cannot
//! start an identifier. The wire name is kept beside the Rust name by the callers.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2021, which `r#` cannot always fix (`self`, `crate`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Splits on anything that is not a letter or digit, so `$ref`, `@type`, `a.b` and `x-y`
/// all give words heck can case.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// A `snake_case` identifier for fields, parameters, modules and functions.
pub fn snake(name: &str) -> String {
    let mut out = words(name).to_snake_case();
    if out.is_empty() {
        out = "value".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("n{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// An `UpperCamelCase` identifier for types and variants.
pub fn camel(name: &str) -> String {
    let mut out = words(name).to_upper_camel_case();
    if out.is_empty() {
        out = "Empty".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("N{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Makes `candidate` unique among `taken` by adding `_2`, `_3`, ... (snake) deterministically.
pub fn unique(candidate: String, taken: &mut std::collections::BTreeSet<String>, separator: &str) -> String {
    if taken.insert(candidate.clone()) {
        return candidate;
    }
    // `Self_` + `2` would not be camel case: the keyword escape gives way to the number.
    let base = if separator.is_empty() { candidate.trim_end_matches('_') } else { &candidate };
    (2..)
        .map(|n| format!("{base}{separator}{n}"))
        .find(|name| taken.insert(name.clone()))
        .expect("an unused suffix exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake("next_batch"), "next_batch");
        assert_eq!(snake("prevBatch"), "prev_batch");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("$ref"), "ref_");
        assert_eq!(snake("200"), "n200");
        assert_eq!(snake("@"), "value");
        assert_eq!(camel("room_event_batch"), "RoomEventBatch");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel("1.0"), "N10");
        assert_eq!(camel("m.room.message"), "MRoomMessage");
    }
}

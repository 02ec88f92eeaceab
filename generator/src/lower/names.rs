//! The one place identifiers are made: case conversion, keywords, and names that cannot
//! start an identifier. The wire name is kept beside the Rust name by the callers.

/// Strict and reserved keywords of Rust 2021, which `r#` cannot always fix (`self`, `crate`).
/// Whether `name` is a Rust keyword (strict or reserved).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Decides which characters other than ASCII letters and digits an identifier made from a
/// name keeps: those Rust allows (XID) on which none of rustc's warn-by-default Unicode lints
/// fires, so the generated crate builds with `-D warnings` (decision 11).
/// `uncommon_codepoints`: the character must be in UTS 39's identifier profile.
/// `mixed_script_confusables` fires for a script whose characters in the whole crate all look
/// like letters of another script (Cyrillic `а` alone); a character that may look so is kept
/// only when the same name also holds a character of its script that does not, so every
/// script a generated identifier uses is vouched for by that identifier itself.
struct Keeper {
    /// Script sets (as rustc groups them) vouched for by a character of the name; Latin
    /// always is.
    verified: Vec<unicode_security::mixed_script::AugmentedScriptSet>,
}

impl Keeper {
    fn new(name: &str) -> Keeper {
        use unicode_security::mixed_script::AugmentedScriptSet;
        let mut verified = vec![AugmentedScriptSet::for_char('a')];
        for c in name.chars().filter(|&c| !c.is_ascii() && allowed(c)) {
            let set = AugmentedScriptSet::for_char(c);
            if !unicode_security::is_potential_mixed_script_confusable_char(c) && !verified.contains(&set) {
                verified.push(set);
            }
        }
        Keeper { verified }
    }

    fn keeps(&self, c: char) -> bool {
        use unicode_security::mixed_script::AugmentedScriptSet;
        if c.is_ascii() {
            return c.is_ascii_alphanumeric();
        }
        if !allowed(c) || !unicode_security::is_potential_mixed_script_confusable_char(c) {
            return allowed(c);
        }
        let set = AugmentedScriptSet::for_char(c);
        set.is_all() || self.verified.contains(&set)
    }
}

/// Rust allows it in an identifier, and UTS 39's identifier profile does.
fn allowed(c: char) -> bool {
    use unicode_security::GeneralSecurityProfile;
    unicode_ident::is_xid_continue(c) && c != '_' && c.identifier_allowed()
}

/// A letter, digit or mark: a character that is part of a word, not a separator.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_ident::is_xid_continue(c) && c != '_'
}

/// The name in NFC (as rustc reads identifiers), split into words on anything that is not a
/// letter, digit or mark, so `$ref`, `@type`, `a.b` and `x-y` all give words to case. A
/// letter or digit that cannot be kept is written as its code point (`u0430`). A name of
/// symbols only is their names (`*` is `asterisk`, `>=` `greater than equals`), a symbol
/// without one in ASCII its code point (`🔄`: `u1f504`).
fn words(name: &str) -> String {
    let name = composed(name);
    let keeper = Keeper::new(&name);
    let mut out = String::new();
    for c in name.chars() {
        if keeper.keeps(c) {
            out.push(c);
        } else if is_word_char(c) {
            out.push_str(&format!("u{:04x}", u32::from(c)));
        } else {
            out.push(' ');
        }
    }
    if out.trim().is_empty() {
        return name
            .chars()
            .map(|c| symbol_name(c).map_or_else(|| format!("u{:04x}", u32::from(c)), str::to_owned))
            .collect::<Vec<_>>()
            .join(" ");
    }
    out
}

/// The name of an ASCII character that is not a letter or digit, as words.
fn symbol_name(c: char) -> Option<&'static str> {
    Some(match c {
        ' ' => "space",
        '!' => "exclamation",
        '"' => "quote",
        '#' => "hash",
        '$' => "dollar",
        '%' => "percent",
        '&' => "ampersand",
        '\'' => "apostrophe",
        '(' => "left paren",
        ')' => "right paren",
        '*' => "asterisk",
        '+' => "plus",
        ',' => "comma",
        '-' => "minus",
        '.' => "dot",
        '/' => "slash",
        ':' => "colon",
        ';' => "semicolon",
        '<' => "less than",
        '=' => "equals",
        '>' => "greater than",
        '?' => "question",
        '@' => "at",
        '[' => "left bracket",
        '\\' => "backslash",
        ']' => "right bracket",
        '^' => "caret",
        '_' => "underscore",
        '`' => "backtick",
        '{' => "left brace",
        '|' => "pipe",
        '}' => "right brace",
        '~' => "tilde",
        _ => return None,
    })
}

/// What making an identifier of `name` loses beyond case and separators, for a warning:
/// letters or digits written as code points, or a name with no letter or digit at all.
/// `None` when every letter and digit is kept.
pub fn loss(name: &str) -> Option<String> {
    let name = composed(name);
    let keeper = Keeper::new(&name);
    let mut replaced: Vec<String> = Vec::new();
    for c in name.chars().filter(|&c| is_word_char(c) && !keeper.keeps(c)) {
        let shown = format!("`{}` (U+{:04X})", shown(&c.to_string()), u32::from(c));
        if !replaced.contains(&shown) {
            replaced.push(shown);
        }
    }
    if !replaced.is_empty() {
        return Some(format!("{} cannot be kept in a Rust identifier", replaced.join(", ")));
    }
    // The empty name (Stripe's `""`, which unsets a value) loses nothing: `Empty` says it;
    // nor do ASCII symbols, which are their names (`*`: `Asterisk`).
    if !name.chars().any(char::is_alphanumeric) && name.chars().any(|c| symbol_name(c).is_none()) {
        return Some("it has no letter or digit".to_owned());
    }
    None
}

/// The words of `text` (already split on spaces by [`words`]), cut at case changes as heck
/// cuts them (`prevBatch`, `HTTPServer`), but keeping combining marks inside their word: heck
/// treats every character that is not alphanumeric as a separator, which would tear apart
/// words of scripts that write vowels as marks (Devanagari `हिन्दी`).
fn case_words(text: &str) -> Vec<&str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Boundary,
        Lower,
        Upper,
    }
    let mut out = Vec::new();
    for chunk in text.split(' ').filter(|w| !w.is_empty()) {
        let chars: Vec<(usize, char)> = chunk.char_indices().collect();
        let (mut start, mut mode) = (0, Mode::Boundary);
        for (k, &(i, c)) in chars.iter().enumerate() {
            let Some(&(next_i, next)) = chars.get(k + 1) else { break };
            let next_mode = if c.is_lowercase() {
                Mode::Lower
            } else if c.is_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_uppercase() {
                out.push(&chunk[start..next_i]);
                (start, mode) = (next_i, Mode::Boundary);
            } else if mode == Mode::Upper && c.is_uppercase() && next.is_lowercase() {
                out.push(&chunk[start..i]);
                (start, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
        out.push(&chunk[start..]);
    }
    out.retain(|w| !w.is_empty());
    out
}

fn to_snake_case(text: &str) -> String {
    case_words(text).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_")
}

fn to_upper_camel_case(text: &str) -> String {
    let mut out = String::new();
    for word in case_words(text) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(&chars.as_str().to_lowercase());
        }
    }
    out
}

/// Whether the identifier may start with `c` (a digit, say, cannot).
fn starts_identifier(c: char) -> bool {
    unicode_ident::is_xid_start(c)
}

/// The identifier as rustc reads it (NFC): a prefix may compose with a leading mark.
/// `name` in Unicode normalization form C, borrowed when it is already (every ASCII name).
fn composed(name: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if unicode_normalization::is_nfc(name) {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(name.nfc().collect())
    }
}

fn nfc(text: String) -> String {
    match composed(&text) {
        std::borrow::Cow::Owned(composed) => composed,
        std::borrow::Cow::Borrowed(_) => text,
    }
}

/// A `snake_case` identifier for fields, parameters, modules and functions.
pub fn snake(name: &str) -> String {
    let mut out = to_snake_case(&words(name));
    if out.is_empty() {
        out = "value".into();
    }
    if !out.starts_with(starts_identifier) {
        out = format!("n{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    nfc(out)
}

/// The longest name of a module that is a file of its own (an operation's): a file name
/// holds at most 255 bytes, and a name of hundreds of characters reads as noise (Microsoft
/// Graph's operation ids run to 245 characters).
pub const MAX_MODULE_NAME: usize = 96;

/// A `snake_case` name longer than `max` bytes, cut at its words: its first word, then as many
/// of its last words as fit (`identity_governance_..._get_resource_environment` →
/// `identity_get_resource_environment`), the first word itself cut when it alone is too long.
/// `None` when the name fits.
pub fn shortened(name: &str, max: usize) -> Option<String> {
    if name.len() <= max {
        return None;
    }
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let first = words.first().copied().unwrap_or(name);
    let cut = (0..=max.min(first.len())).rev().find(|&i| first.is_char_boundary(i)).unwrap_or(0);
    let mut out = first[..cut].to_owned();
    let mut last: Vec<&str> = Vec::new();
    let mut len = out.len();
    for word in words.iter().skip(1).rev() {
        if len + 1 + word.len() > max {
            break;
        }
        len += 1 + word.len();
        last.push(word);
    }
    for word in last.into_iter().rev() {
        out.push('_');
        out.push_str(word);
    }
    Some(out)
}

/// An `UpperCamelCase` identifier for types and variants.
pub fn camel(name: &str) -> String {
    let mut out = to_upper_camel_case(&words(name));
    if out.is_empty() {
        out = "Empty".into();
    }
    if !out.starts_with(starts_identifier) {
        out = format!("N{out}");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    nfc(out)
}

/// Checks a type name a person chose (the config's `names:`) as the generated crate will
/// spell it: an identifier, not a keyword, in NFC, with no character a Unicode lint of rustc
/// would warn about (decision 11), and in the `UpperCamelCase` rustc's `non_camel_case_types`
/// lint accepts (`HTTPServer` is fine, `Http_server` is not).
pub fn check_type_name(name: &str) -> Result<(), String> {
    use unicode_normalization::UnicodeNormalization;
    let shown = shown(name);
    let mut chars = name.chars();
    let identifier = chars.next().is_some_and(starts_identifier) && chars.all(unicode_ident::is_xid_continue);
    if !identifier {
        return Err(format!("`{shown}` is not a Rust identifier"));
    }
    if is_keyword(name) {
        return Err(format!("`{shown}` is a Rust keyword"));
    }
    let nfc: String = name.nfc().collect();
    if nfc != name {
        return Err(format!("`{shown}` is not in NFC, the form rustc reads identifiers in; write `{}`", nfc));
    }
    if let Some(loss) = loss(name) {
        return Err(format!("`{shown}` would trip a lint of rustc: {loss}"));
    }
    // rustc's `is_camel_case`: leading and trailing `_` aside, no lowercase first letter, no
    // `__`, and no `_` beside a letter that has case.
    let trimmed = name.trim_matches('_');
    let has_case = |c: char| c.is_lowercase() || c.is_uppercase();
    let chars: Vec<char> = trimmed.chars().collect();
    let camel_case = trimmed.chars().next().is_none_or(|c| !c.is_lowercase())
        && !trimmed.contains("__")
        && !chars.windows(2).any(|w| has_case(w[0]) && w[1] == '_' || w[0] == '_' && has_case(w[1]));
    if !camel_case {
        return Err(format!("`{shown}` is not in UpperCamelCase; write e.g. `{}`", camel(name)));
    }
    Ok(())
}

/// `name` for a message: control characters and bidi controls written as escapes, so a
/// diagnostic shows what the name holds and cannot be reordered or broken by it.
pub fn shown(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control()
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
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
    fn long_module_names_keep_their_first_and_last_words() {
        assert_eq!(shortened("get_user", 96), None);
        assert_eq!(shortened(&"a".repeat(96), 96), None);
        let graph = "identity_governance_entitlement_management_access_package_assignments_access_package_access_package_resource_role_scopes_get_access_package_resource_environment";
        let short = shortened(graph, 60).expect("too long");
        assert_eq!(short, "identity_role_scopes_get_access_package_resource_environment");
        assert!(short.len() <= 60);
        // One long word is cut, on a character boundary.
        assert_eq!(shortened(&"é".repeat(60), 9), Some("éééé".to_owned()));
        assert_eq!(shortened(&format!("{}_b", "a".repeat(20)), 10), Some("a".repeat(10)));
    }

    trait Nfc {
        fn nfc_str(&self) -> String;
    }

    impl Nfc for str {
        fn nfc_str(&self) -> String {
            use unicode_normalization::UnicodeNormalization;
            self.nfc().collect()
        }
    }

    #[test]
    fn identifiers() {
        assert_eq!(snake("next_batch"), "next_batch");
        assert_eq!(snake("prevBatch"), "prev_batch");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("$ref"), "ref_");
        assert_eq!(snake("200"), "n200");
        assert_eq!(snake("@"), "at");
        assert_eq!(camel("room_event_batch"), "RoomEventBatch");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel("1.0"), "N10");
        assert_eq!(camel("m.room.message"), "MRoomMessage");
    }

    #[test]
    fn chosen_type_names_are_checked_as_rustc_reads_them() {
        for good in ["Response", "HTTPServer", "GlobalAccountData", "V2", "Über", "Self_"] {
            assert_eq!(check_type_name(good), Ok(()), "{good}");
        }
        for bad in
            ["", "response", "Http_server", "A__B", "2Fa", "Self", "a-b", "Foo Bar", "\u{430}pple", "U\u{308}ber"]
        {
            assert!(check_type_name(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn letters_rust_allows_are_kept() {
        assert_eq!(snake("über op"), "über_op");
        assert_eq!(camel("über op"), "ÜberOp");
        assert_eq!(snake("日本語"), "日本語");
        assert_eq!(snake("हिन्दी नाम"), "हिन्दी_नाम");
        assert_eq!(snake("HTTPServer v2Alpha"), "http_server_v2_alpha");
        assert_eq!(loss("über op"), None);
        // NFD input gives the NFC identifier rustc would read.
        assert_eq!(snake("u\u{308}ber"), "über");
    }

    #[test]
    fn letters_that_would_trip_a_lint_are_written_out_with_a_loss() {
        // Cyrillic `а` looks like Latin `a` (`mixed_script_confusables`).
        assert_eq!(snake("\u{430}pple"), "u0430pple");
        assert!(loss("\u{430}pple").is_some_and(|l| l.contains("U+0430")));
        // Emoji are no letters: separators, like punctuation.
        assert_eq!(snake("a🙂b"), "a_b");
        assert_eq!(loss("a🙂b"), None);
        // Symbols alone are their names; one without an ASCII name, its code point.
        assert_eq!((snake("@@"), loss("@@")), ("at_at".to_owned(), None));
        assert_eq!(
            (camel("*"), camel(">="), camel("'")),
            ("Asterisk".to_owned(), "GreaterThanEquals".to_owned(), "Apostrophe".to_owned())
        );
        assert_eq!((camel("🔄"), loss("🔄").as_deref()), ("U1f504".to_owned(), Some("it has no letter or digit")));
        assert_eq!((camel(""), snake(""), loss("")), ("Empty".to_owned(), "value".to_owned(), None));
        // A combining mark cannot start an identifier.
        assert_eq!(snake("\u{301}x"), "n\u{301}x".nfc_str());
    }
}

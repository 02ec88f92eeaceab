//! Doc comments from spec text: trimmed, safe for rustdoc (no doctests, no broken links).
//!
//! While a file is built for printing ([`collecting`]), a doc block goes through `syn` and
//! `prettyplease` as one short placeholder attribute, and its lines are put in its place in
//! the printed text ([`splice`]): parsed and printed line by line, as `#[doc]` attributes,
//! the docs took a fifth of the printing time of a large spec. The text is the same.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one a line, from text that may be empty.
pub fn doc_attrs(text: &str) -> TokenStream {
    if BLOCKS.with_borrow(Option::is_none) {
        return line_attrs(&clean(text));
    }
    // The same spec text is documented again and again (Kubernetes' query parameters, on
    // each of 1,123 operations): its lines are made once per thread and shared.
    let cached = CLEANED.with_borrow(|cleaned| cleaned.get(text).cloned());
    let lines = cached.unwrap_or_else(|| {
        let lines = doc_lines(&clean(text));
        CLEANED.with_borrow_mut(|cleaned| cleaned.insert(text.to_owned(), Rc::clone(&lines)));
        lines
    });
    attrs(lines)
}

/// `#[doc]` attributes of text that is already rustdoc (cleaned spec text, or the generator's
/// own), one a line, each [`visible`].
pub fn line_attrs(text: &str) -> TokenStream {
    attrs(doc_lines(text))
}

/// The lines of doc attributes for rustdoc text: each [`visible`], after the one space
/// prettyplease prints after `///`.
fn doc_lines(text: &str) -> Rc<[String]> {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {}", visible(l)) }).collect()
}

/// The doc attributes of a block of lines: one placeholder while [`collecting`] runs.
fn attrs(lines: Rc<[String]>) -> TokenStream {
    BLOCKS.with_borrow_mut(|blocks| match blocks {
        Some(_) if lines.is_empty() => TokenStream::new(),
        Some(blocks) => {
            let placeholder = format!("{PLACEHOLDER}{}", blocks.len());
            blocks.push(lines);
            quote! { #[doc = #placeholder] }
        }
        None => {
            let lines = lines.iter();
            quote! { #( #[doc = #lines] )* }
        }
    })
}

thread_local! {
    /// The doc blocks of the file being built on this thread, while [`collecting`] runs.
    static BLOCKS: RefCell<Option<Vec<Rc<[String]>>>> = const { RefCell::new(None) };
    /// The lines of the spec texts [`doc_attrs`] made on this thread, by text, until
    /// [`forget_cleaned`].
    static CLEANED: RefCell<HashMap<String, Rc<[String]>>> = RefCell::new(HashMap::new());
}

/// Empties this thread's [`doc_attrs`] cache: a long-lived thread (a test's, a build
/// script's) that prints crate after crate keeps no text of an earlier one.
pub fn forget_cleaned() {
    CLEANED.take();
}

/// What a placeholder doc line holds before its block's number: a NUL, which no doc line
/// holds ([`visible`] writes it out) and no printed literal either (it is escaped there).
const PLACEHOLDER: char = '\0';

/// The doc blocks [`line_attrs`] wrote as placeholders while building a file, in order.
pub struct Blocks(Vec<Rc<[String]>>);

impl Blocks {
    /// The lines of each block, in order.
    pub fn lines(&self) -> &[Rc<[String]>] {
        &self.0
    }
}

/// Runs `build` (which builds a file's tokens on this thread) with every doc block of
/// [`line_attrs`] written as a placeholder, and returns the blocks for [`splice`].
pub fn collecting<R>(build: impl FnOnce() -> R) -> (R, Blocks) {
    /// Puts back what the thread collected before, even when `build` panics (a caller may
    /// catch the panic and go on printing on this thread).
    struct Restore(Option<Vec<Rc<[String]>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            BLOCKS.set(self.0.take());
        }
    }
    let restore = Restore(BLOCKS.replace(Some(Vec::new())));
    let built = build();
    let blocks = BLOCKS.take().unwrap_or_default();
    drop(restore);
    (built, Blocks(blocks))
}

/// The printed text with each placeholder line replaced by its block's lines, at its
/// indentation, as `prettyplease` prints a doc attribute (`///`, then the text without
/// trailing spaces).
pub fn splice(printed: &str, blocks: &Blocks) -> String {
    if blocks.0.is_empty() {
        return printed.to_owned();
    }
    let mut out = String::with_capacity(
        printed.len() + blocks.0.iter().flat_map(|block| block.iter()).map(|l| l.len() + 8).sum::<usize>(),
    );
    for line in printed.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let block = body
            .strip_prefix("///")
            .and_then(|rest| rest.strip_prefix(PLACEHOLDER))
            .and_then(|number| number.trim_end_matches('\n').parse::<usize>().ok())
            .and_then(|i| blocks.0.get(i));
        let Some(block) = block else {
            out.push_str(line);
            continue;
        };
        let indent = &line[..line.len() - body.len()];
        for doc in block.iter() {
            out.push_str(indent);
            out.push_str("///");
            out.push_str(doc.trim_end_matches(' '));
            out.push('\n');
        }
    }
    out
}

/// A line of a comment, with every character that cannot stand in one written as `\u{..}`:
/// control characters (a lone carriage return is an error in a doc comment) and the Unicode
/// bidirectional controls, which rustc's deny-by-default `text_direction_codepoint_in_comment`
/// refuses because they can make code read differently from how it compiles.
pub fn visible(line: &str) -> String {
    if !line.chars().any(is_hidden) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (but tab) and the bidirectional formatting characters.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Joins non-empty paragraphs with a blank line.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

/// Makes spec text safe for rustdoc: code fences become `text` blocks, the text is dedented
/// and no line keeps the four spaces that would start a doctest, list continuations are
/// indented under their item, tabs become spaces, and `[`, `]`, `<`, `>` and bare URLs
/// outside code spans are escaped.
pub fn clean(text: &str) -> String {
    let text = if text.contains(['\r', '\t']) {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    "))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let common =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let mut out = Vec::new();
    let mut in_fence = false;
    // The column a list item's text starts at, while inside the item.
    let mut item_column: Option<usize> = None;
    for line in text.trim_matches('\n').lines() {
        let line = line.get(common..).unwrap_or(line.trim_start());
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() {
            item_column = None;
            out.push(String::new());
            continue;
        }
        let indent = (line.len() - line.trim_start().len()).min(3);
        let indent = match (list_marker(trimmed), item_column) {
            (Some(width), _) => {
                item_column = Some(indent + width);
                indent
            }
            (None, Some(column)) => column,
            (None, None) => 0,
        };
        out.push(format!("{}{}", " ".repeat(indent), escape_line(trimmed)));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

/// The width of a list marker (`- `, `* `, `+ `, `1. `) that starts `line`, if any.
fn list_marker(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

fn escape_line(line: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let mut words = String::new();
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push_str(&escape_words(&std::mem::take(&mut words)));
            out.push(c);
            continue;
        }
        if in_code {
            out.push(c);
        } else {
            words.push(c);
        }
    }
    out.push_str(&escape_words(&words));
    out
}

/// Escapes Markdown's link and HTML syntax, and writes every URL as an autolink
/// (`<https://..>`), wherever it stands: rustdoc's `bare_urls` lint finds URLs inside
/// brackets, parentheses and quotes too. A URL ends at white space, a quote, a bracket or a
/// closing parenthesis, and does not take the punctuation that ends a sentence.
fn escape_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = ["http://", "https://"].iter().filter_map(|scheme| rest.find(scheme)).min() {
        out.push_str(&escape_markup(&rest[..start]));
        let url = &rest[start..];
        let end = url.find(|c: char| c.is_whitespace() || "<>\"'`()[]{}|\\^".contains(c)).unwrap_or(url.len());
        let link = url[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let scheme_only = link.ends_with("//");
        if scheme_only {
            out.push_str(&escape_markup(link));
        } else {
            out.push('<');
            out.push_str(link);
            out.push('>');
        }
        rest = &url[link.len()..];
    }
    out.push_str(&escape_markup(rest));
    out
}

/// `\`, `[`, `]`, `<` and `>` as rustdoc shows them literally.
fn escape_markup(text: &str) -> String {
    if !text.contains(['\\', '[', ']', '<', '>']) {
        return text.to_owned();
    }
    text.replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_made_safe_for_rustdoc() {
        assert_eq!(
            clean("  see [x] <b> at https://e.com\n      code()"),
            "see \\[x\\] &lt;b&gt; at <https://e.com>\ncode()"
        );
        assert_eq!(clean("```\nfn x() {}\n```"), "```text\nfn x() {}\n```");
        assert_eq!(clean("the ``since`` param [a]"), "the ``since`` param \\[a\\]");
    }

    #[test]
    fn urls_are_autolinks_wherever_they_stand() {
        assert_eq!(clean("See [RFC](https://e.org/a_b)."), "See \\[RFC\\](<https://e.org/a_b>).");
        assert_eq!(clean("(https://e.org) and \"http://x.y/z\""), "(<https://e.org>) and \"<http://x.y/z>\"");
        assert_eq!(clean("an autolink <https://e.org/q?a=1&b=2>"), "an autolink &lt;<https://e.org/q?a=1&b=2>&gt;");
        assert_eq!(clean("ends here: https://e.org/end."), "ends here: <https://e.org/end>.");
        assert_eq!(clean("just https:// alone"), "just https:// alone");
    }

    #[test]
    fn hidden_characters_are_written_out() {
        // A lone CR ends a line; bidi controls and NUL are shown, not kept.
        assert_eq!(clean("a\rb"), "a\nb");
        assert_eq!(visible("x\u{202E}y\u{0}z\u{2066}"), "x\\u{202E}y\\u{0000}z\\u{2066}");
        assert_eq!(visible("über ✓"), "über ✓");
    }

    #[test]
    fn spliced_blocks_print_as_prettyplease_prints_doc_attributes() {
        let build = || {
            let first = line_attrs("First line.  \n\nSecond [paragraph].");
            let second = line_attrs("Field doc.");
            let none = line_attrs("");
            quote! {
                #first
                pub struct A {
                    #second
                    #none
                    pub b: u8,
                }
            }
        };
        let print = |tokens| prettyplease::unparse(&syn::parse2(tokens).expect("a file"));
        let direct = print(build());
        let (tokens, blocks) = collecting(build);
        assert_eq!(blocks.0.len(), 2);
        let printed = print(tokens);
        assert_ne!(printed, direct, "placeholders are printed");
        assert_eq!(splice(&printed, &blocks), direct);
        assert!(direct.contains("    /// Field doc.\n"), "{direct}");
    }

    /// A spec text documented twice is cleaned once: both blocks share its lines, and print
    /// as the text does uncached; `forget_cleaned` empties the cache.
    #[test]
    fn repeated_texts_share_their_cleaned_lines() {
        forget_cleaned();
        let text = "Uses <b>tags</b>\n\n```\ncode\n```";
        let direct = doc_attrs(text).to_string();
        let (_, blocks) = collecting(|| (doc_attrs(text), doc_attrs(text), doc_attrs("other")));
        assert_eq!(blocks.0.len(), 3);
        assert!(Rc::ptr_eq(&blocks.0[0], &blocks.0[1]) && !Rc::ptr_eq(&blocks.0[0], &blocks.0[2]));
        let lines = blocks.0[0].iter();
        assert_eq!(quote!(#( #[doc = #lines] )*).to_string(), direct);
        assert_eq!(CLEANED.with_borrow(HashMap::len), 2);
        forget_cleaned();
        assert_eq!(CLEANED.with_borrow(HashMap::len), 0);
    }

    #[test]
    fn outside_collecting_docs_are_attributes() {
        let attributes = quote!(#[doc = " a"] #[doc = " b"]).to_string();
        let (_, blocks) = collecting(|| line_attrs("in"));
        assert_eq!(blocks.0.len(), 1);
        assert_eq!(line_attrs("a\nb").to_string(), attributes);
        // Nor after a build that panicked.
        let panicked = std::panic::catch_unwind(|| collecting(|| panic!("a build that fails")));
        assert!(panicked.is_err());
        assert_eq!(line_attrs("a\nb").to_string(), attributes);
    }

    #[test]
    fn list_items_keep_their_continuations_indented() {
        let text = "Kinds:\n- one\nstill one\n1. two\n\tcontinued\n\nafter";
        assert_eq!(clean(text), "Kinds:\n- one\n  still one\n1. two\n   continued\n\nafter");
    }
}

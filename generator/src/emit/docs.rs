//! Doc comments from spec text: trimmed, safe for rustdoc (no doctests, no broken links).

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one a line, from text that may be empty.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<String> =
        clean(text).lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect();
    quote! { #( #[doc = #lines] )* }
}

/// Joins non-empty paragraphs with a blank line.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

/// Makes spec text safe for rustdoc: code fences become `text` blocks, indentation that
/// would start a doctest is removed, and `[`, `]`, `<`, `>` and bare URLs outside code
/// spans are escaped.
pub fn clean(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            out.push(if in_fence { "```".to_owned() } else { "```text".to_owned() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
        } else {
            out.push(escape_line(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
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

fn escape_words(text: &str) -> String {
    let escaped =
        text.replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]").replace('<', "&lt;").replace('>', "&gt;");
    escaped
        .split(' ')
        .map(|w| if w.starts_with("http://") || w.starts_with("https://") { format!("<{w}>") } else { w.to_owned() })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_made_safe_for_rustdoc() {
        assert_eq!(
            clean("  see [x] <b> at https://e.com\n    code()"),
            "see \\[x\\] &lt;b&gt; at <https://e.com>\ncode()"
        );
        assert_eq!(clean("```\nfn x() {}\n```"), "```text\nfn x() {}\n```");
        assert_eq!(clean("the ``since`` param [a]"), "the ``since`` param \\[a\\]");
    }
}

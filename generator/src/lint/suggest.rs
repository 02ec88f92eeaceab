//! Suggestions for misspelt names: the nearest candidate by edit distance.

/// The candidate nearest to `word`, when it is close enough to be a likely typo.
///
/// Case and surrounding punctuation or spaces are forgiven first (`String`, `string.`),
/// then up to one edit per three characters (at most three) is allowed.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let trimmed = word.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    if let Some(found) = candidates.iter().find(|c| c.eq_ignore_ascii_case(trimmed)) {
        return Some(found);
    }
    let lower = word.to_ascii_lowercase();
    let length = word.chars().count();
    let limit = (length / 3).clamp(1, 3);
    candidates
        .iter()
        // The distance is at least the difference in length: those too long or too short
        // are not measured (an undeclared property is compared with every declared one).
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Edit distance between two strings, by characters: insertions, deletions, substitutions
/// and swaps of two neighbours (`qeury` → `query`) each count one.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // `table[i * width + j]`: the distance between the first `i` of `a` and the first `j` of `b`.
    let mut table: Vec<usize> = vec![0; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        table[at(i, 0)] = i;
    }
    for j in 0..=b.len() {
        table[at(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[at(i - 1, j)] + 1).min(table[at(i, j - 1)] + 1).min(table[at(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[at(i - 2, j - 2)] + 1);
            }
            table[at(i, j)] = best;
        }
    }
    table[at(a.len(), b.len())]
}

/// `a`, `b` and `c`, each in backticks.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|i| format!("`{i}`")).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("limitted", "limited"), 1);
        assert_eq!(distance("emphemeral", "ephemeral"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("qeury", "query"), 1);
        assert_eq!(distance("abc", ""), 3);
    }

    /// Leaving out the candidates whose length alone rules them out changes no answer.
    #[test]
    fn nearest_is_the_nearest_of_all_candidates() {
        let candidates = ["id", "name", "names", "node_id", "nodeId", "full_name", "fullname", "x", "", "über"];
        let words = ["", "i", "nam", "namez", "nodeid", "node-id", "fullnam", "full_nmae", "xx", "ubr", "überr", "url"];
        for word in words {
            let lower = word.to_ascii_lowercase();
            let limit = (word.chars().count() / 3).clamp(1, 3);
            let exact = candidates.iter().find(|c| {
                c.eq_ignore_ascii_case(word.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace()))
            });
            let measured = candidates
                .iter()
                .map(|c| (distance(&lower, &c.to_ascii_lowercase()), *c))
                .filter(|(d, _)| *d <= limit)
                .min_by_key(|(d, c)| (*d, *c))
                .map(|(_, c)| c);
            assert_eq!(nearest(word, candidates), exact.copied().or(measured), "{word}");
        }
    }

    #[test]
    fn nearest_forgives_punctuation_case_and_small_typos() {
        let types = ["string", "number", "integer", "boolean", "array", "object"];
        assert_eq!(nearest("string.", types), Some("string"));
        assert_eq!(nearest("String", types), Some("string"));
        assert_eq!(nearest("intger", types), Some("integer"));
        assert_eq!(nearest("limitted", ["events", "limited", "prev_batch"]), Some("limited"));
        assert_eq!(nearest("date", types), None);
    }

    #[test]
    fn lists() {
        assert_eq!(list(["a"]), "`a`");
        assert_eq!(list(["a", "b", "c"]), "`a`, `b` and `c`");
    }
}

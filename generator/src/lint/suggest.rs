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
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row.get(j + 1).copied().unwrap_or(0);
            let deletion = previous + 1;
            let insertion = row.get(j).copied().unwrap_or(0) + 1;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = substitution.min(deletion).min(insertion);
            }
        }
    }
    row.last().copied().unwrap_or(0)
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

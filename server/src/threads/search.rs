//! Japanese search folding: NFKC turns full-width Latin (ＫＰＩ) and half-width katakana
//! (ｶﾀｶﾅ) into their usual forms, and lower-casing makes Latin case-insensitive. Stored
//! text and queries are folded the same way, and a substring match then finds a
//! two-character word (就労) inside longer compounds (就労支援) on SQLite and PostgreSQL
//! alike.

use unicode_normalization::UnicodeNormalization;

pub fn fold(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// A `LIKE` pattern for a folded query, with `\` escaping the wildcards.
pub fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in fold(query.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_kana_fold_together() {
        assert_eq!(fold("ＫＰＩ"), "kpi");
        assert_eq!(fold("KPI"), "kpi");
        assert_eq!(fold("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(fold("就労支援"), "就労支援");
        assert!(fold("福祉と就労支援の連携").contains(&fold("就労")));
    }

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(like_pattern("50%"), "%50\\%%");
        assert_eq!(like_pattern(" a_b "), "%a\\_b%");
    }
}

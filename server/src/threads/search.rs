//! Japanese search folding: NFKC turns full-width Latin (ＫＰＩ) and half-width katakana
//! (ｶﾀｶﾅ) into their usual forms, and lower-casing makes Latin case-insensitive. Stored
//! text and queries are folded the same way, and a substring match then finds a
//! two-character word (就労) inside longer compounds (就労支援) on SQLite and PostgreSQL
//! alike.

use unicode_normalization::UnicodeNormalization;

pub fn fold(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// Text folded as [`fold`] folds it whole, with a map back to the original: for each
/// folded character, the range of original characters (indices into `text.chars()`) it
/// came from. Highlighting matches words in the folded text and marks the original
/// characters, so a mark lands on what was written (ｶﾞｲﾄﾞ for ガイド, ＫＰＩ for kpi).
///
/// The text is cut into segments that fold independently: a segment never starts at a
/// character whose decomposition starts with a combining mark, and two neighbours are
/// joined whenever folding them together differs from folding them apart (a half-width
/// voiced mark ﾞ joining its kana, Hangul jamo composing, a final sigma). Every folded
/// character of a segment maps to the whole segment.
pub struct Folded {
    pub chars: Vec<char>,
    /// Per folded character: `start..end` in original characters.
    pub origin: Vec<(usize, usize)>,
}

pub fn fold_with_origin(text: &str) -> Folded {
    use unicode_normalization::char::{canonical_combining_class, decompose_compatible};

    let original: Vec<char> = text.chars().collect();
    // Segments as (start, end) in original characters.
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for (i, c) in original.iter().enumerate() {
        let mut first = None;
        decompose_compatible(*c, |d| {
            first.get_or_insert(d);
        });
        let starter = first.is_none_or(|d| canonical_combining_class(d) == 0);
        match segments.last_mut() {
            Some(last) if !starter => last.1 = i + 1,
            Some(last) => {
                let before: String = original[last.0..last.1].iter().collect();
                let joined = format!("{before}{c}");
                if fold(&joined) == format!("{}{}", fold(&before), fold(&c.to_string())) {
                    segments.push((i, i + 1));
                } else {
                    last.1 = i + 1;
                }
            }
            None => segments.push((i, i + 1)),
        }
    }
    let mut folded = Folded {
        chars: Vec::with_capacity(original.len()),
        origin: Vec::with_capacity(original.len()),
    };
    for (start, end) in segments {
        let piece: String = original[start..end].iter().collect();
        for f in fold(&piece).chars() {
            folded.chars.push(f);
            folded.origin.push((start, end));
        }
    }
    folded
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

    /// The folded characters and, per folded character, the original text it maps to.
    fn mapped(text: &str) -> (String, Vec<String>) {
        let original: Vec<char> = text.chars().collect();
        let folded = fold_with_origin(text);
        (
            folded.chars.iter().collect(),
            folded
                .origin
                .iter()
                .map(|(a, b)| original[*a..*b].iter().collect())
                .collect(),
        )
    }

    #[test]
    fn folding_with_origin_folds_as_the_whole_text_folds() {
        for text in [
            "就労ｶﾞｲﾄﾞ",
            "ﾊﾟﾝ屋のﾊﾞｲﾄ",
            "ＫＰＩとＡＢＣ",
            "ｶﾞ",
            "ﾞｶ",
            "e\u{301}cole",
            "\u{1100}\u{1161}\u{11a8}",
            "ΟΔΟΣ ΟΔΟΣ",
            "㍻の①",
            "",
        ] {
            assert_eq!(mapped(text).0, fold(text), "{text}");
        }
    }

    #[test]
    fn voiced_marks_join_their_kana() {
        let (folded, origin) = mapped("就労ｶﾞｲﾄﾞ");
        assert_eq!(folded, "就労ガイド");
        assert_eq!(origin, ["就", "労", "ｶﾞ", "ｲ", "ﾄﾞ"]);
        let (folded, origin) = mapped("ﾊﾟﾝ");
        assert_eq!(folded, "パン");
        assert_eq!(origin, ["ﾊﾟ", "ﾝ"]);
    }

    #[test]
    fn full_width_latin_maps_one_to_one() {
        let (folded, origin) = mapped("ＫＰＩ");
        assert_eq!(folded, "kpi");
        assert_eq!(origin, ["Ｋ", "Ｐ", "Ｉ"]);
        // One original character may fold to several: each maps back to it.
        let (folded, origin) = mapped("㍻");
        assert_eq!(folded, "平成");
        assert_eq!(origin, ["㍻", "㍻"]);
    }

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(like_pattern("50%"), "%50\\%%");
        assert_eq!(like_pattern(" a_b "), "%a\\_b%");
    }
}

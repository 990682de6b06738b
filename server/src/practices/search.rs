//! The library's search as the API answers it: the index finds and counts (see
//! `index`), the page's practices are then read through the policy layer like any other
//! read, and each gets a snippet with the words highlighted.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use app::practices::{
    FacetCount, GoodPractice, PracticeFacets, PracticeFilter, PracticeHit, PracticeSearch,
    Relaxation, SnippetPart,
};

use crate::entities::{good_practice, platform};
use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;
use crate::threads::search::{fold, fold_with_origin, Folded};

use super::index::{runs, IndexError};
use super::{markdown, views};

/// Results per page.
pub const PAGE_SIZE: usize = 20;
/// Characters of a snippet.
const SNIPPET_CHARS: usize = 120;

impl From<IndexError> for ApiError {
    fn from(e: IndexError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

pub async fn search(
    state: &AppState,
    actor: &Actor,
    filter: PracticeFilter,
) -> ApiResult<PracticeSearch> {
    if filter.offset > PracticeFilter::MAX_OFFSET {
        return Err(ApiError::invalid(
            "offset_too_large",
            format!(
                "`offset` may be at most {}: narrow the search to see further.",
                PracticeFilter::MAX_OFFSET
            ),
        ));
    }
    // The free-text filters are bounded as the fields they match (a tag, an area).
    crate::http::input::bounded_query("tag", filter.tag.as_deref().unwrap_or_default(), 50)?;
    crate::http::input::bounded_query(
        "area",
        filter.area.as_deref().unwrap_or_default(),
        super::MAX_SHORT_CHARS,
    )?;
    let words: Vec<Vec<char>> = filter.words().map(|q| runs(&fold(q))).unwrap_or_default();
    if filter
        .words()
        .is_some_and(|q| q.chars().count() > PracticeFilter::MAX_QUERY_CHARS)
        || words.len() > PracticeFilter::MAX_WORDS
    {
        return Err(ApiError::invalid(
            "query_too_long",
            format!(
                "Search with at most {} words and {} characters.",
                PracticeFilter::MAX_WORDS,
                PracticeFilter::MAX_QUERY_CHARS
            ),
        ));
    }
    let index = &state.practices;
    index.catch_up(&state.db).await?;
    let keys = actor.practice_keys();
    let found = index.search(&keys, &filter, PAGE_SIZE)?;
    let mut relaxations = Vec::new();
    if found.total == 0 {
        for key in filter.active() {
            let total = index.search(&keys, &filter.without(key), 1)?.total;
            if total > 0 {
                relaxations.push(Relaxation { drop: key, total });
            }
        }
    }
    // The page's practices, each checked by the policy layer as every read is.
    let rows = good_practice::Entity::find()
        .filter(good_practice::Column::Id.is_in(found.ids.clone()))
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|row| actor.may_read_practice(row))
        .collect();
    let mut by_id: HashMap<Uuid, GoodPractice> = views(state, actor, rows)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let items = found
        .ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|practice| PracticeHit {
            title_marked: snippet(&practice.title, &words, super::MAX_TITLE_CHARS).unwrap_or_else(
                || {
                    vec![SnippetPart {
                        text: practice.title.clone(),
                        hit: false,
                    }]
                },
            ),
            snippet: snippet_of(&practice, &words),
            practice,
        })
        .collect();

    let mut facets = PracticeFacets::default();
    let platform_names: HashMap<String, String> = {
        let ids: Vec<Uuid> = found
            .facets
            .iter()
            .filter(|(name, _)| *name == "platform")
            .flat_map(|(_, values)| values.iter().filter_map(|(v, _)| Uuid::parse_str(v).ok()))
            .collect();
        platform::Entity::find()
            .filter(platform::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name))
            .collect()
    };
    for (name, values) in found.facets {
        let counts = values
            .into_iter()
            .map(|(value, count)| FacetCount {
                label: if name == "platform" {
                    platform_names.get(&value).cloned().unwrap_or_default()
                } else {
                    value.clone()
                },
                value,
                count,
            })
            .collect();
        match name {
            "target_group" => facets.target_group = counts,
            "tag" => facets.tag = counts,
            "area" => facets.area = counts,
            "platform" => facets.platform = counts,
            "year" => facets.year = counts,
            _ => {}
        }
    }
    Ok(PracticeSearch {
        items,
        total: found.total,
        facets,
        relaxations,
    })
}

/// Where the words are: the summary if they are in it, else the body; without words (or
/// found in the title or tags only), the summary's start.
fn snippet_of(practice: &GoodPractice, words: &[Vec<char>]) -> Vec<SnippetPart> {
    let body = markdown::plain_text(&practice.body);
    for text in [practice.summary.as_str(), body.as_str()] {
        if let Some(parts) = snippet(text, words, SNIPPET_CHARS) {
            return parts;
        }
    }
    let lead = if practice.summary.is_empty() {
        body.as_str()
    } else {
        practice.summary.as_str()
    };
    let chars: Vec<char> = lead.chars().collect();
    let mut text: String = chars.iter().take(SNIPPET_CHARS).collect();
    if chars.len() > SNIPPET_CHARS {
        text.push('…');
    }
    if text.is_empty() {
        return Vec::new();
    }
    vec![SnippetPart { text, hit: false }]
}

/// A window of the text around the first word found, every word in it marked; `None`
/// when no word is in the text. Matching is on folded text (as the index folds), and the
/// pieces are cut from the original text, so what is shown is what was written.
pub fn snippet(text: &str, words: &[Vec<char>], width: usize) -> Option<Vec<SnippetPart>> {
    if words.is_empty() {
        return None;
    }
    let original: Vec<char> = text.chars().collect();
    // Folded as the index folds (the whole text at once), each folded character with the
    // original characters it came from.
    let Folded {
        chars: folded,
        origin,
    } = fold_with_origin(text);
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for word in words.iter().filter(|w| !w.is_empty()) {
        let mut at = 0;
        while at + word.len() <= folded.len() {
            if folded[at..at + word.len()] == word[..] {
                hits.push((origin[at].0, origin[at + word.len() - 1].1));
                at += word.len();
            } else {
                at += 1;
            }
        }
    }
    if hits.is_empty() {
        return None;
    }
    hits.sort();
    let first = hits[0].0;
    let start = first.saturating_sub(width / 4);
    let end = (start + width).min(original.len());
    // A text that fits is shown whole.
    let (start, end) = if original.len() <= width {
        (0, original.len())
    } else {
        (start, end)
    };
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut push = |text: String, hit: bool| {
        if text.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(&text),
            _ => parts.push(SnippetPart { text, hit }),
        }
    };
    if start > 0 {
        push("…".into(), false);
    }
    let mut at = start;
    for (from, to) in hits {
        let (from, to) = (from.max(at), to.min(end));
        if from >= to {
            continue;
        }
        push(original[at..from].iter().collect(), false);
        push(original[from..to].iter().collect(), true);
        at = to;
    }
    push(original[at..end].iter().collect(), false);
    if end < original.len() {
        push("…".into(), false);
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<Vec<char>> {
        runs(&fold(q))
    }

    fn marked(parts: &[SnippetPart]) -> String {
        parts
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn words_are_marked_as_written() {
        let parts = snippet(
            "福祉と就労支援の連携。ＫＰＩを設定した。",
            &words("就労 kpi"),
            40,
        )
        .unwrap();
        assert_eq!(
            marked(&parts),
            "福祉と[就労]支援の連携。[ＫＰＩ]を設定した。"
        );
    }

    #[test]
    fn half_width_katakana_is_found() {
        let parts = snippet("地域のｶﾌｪで職場体験", &words("カフェ"), 40).unwrap();
        assert_eq!(marked(&parts), "地域の[ｶﾌｪ]で職場体験");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_word() {
        let text = format!("{}就労{}", "あ".repeat(200), "い".repeat(200));
        let parts = snippet(&text, &words("就労"), SNIPPET_CHARS).unwrap();
        let shown = marked(&parts);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("[就労]"));
        assert!(shown.chars().count() <= SNIPPET_CHARS + 4);
    }

    #[test]
    fn voiced_half_width_kana_is_marked_whole() {
        let parts = snippet("就労ｶﾞｲﾄﾞ", &words("ガイド"), 40).unwrap();
        assert_eq!(marked(&parts), "就労[ｶﾞｲﾄﾞ]");
        let parts = snippet("ﾊﾟﾝ屋のﾊﾞｲﾄ体験", &words("パン バイト"), 40).unwrap();
        assert_eq!(marked(&parts), "[ﾊﾟﾝ]屋の[ﾊﾞｲﾄ]体験");
        // A query in half-width finds the full-width text too.
        let parts = snippet("就労ガイドの配布", &words("ｶﾞｲﾄﾞ"), 40).unwrap();
        assert_eq!(marked(&parts), "就労[ガイド]の配布");
    }

    #[test]
    fn full_width_latin_is_marked_as_written() {
        let parts = snippet("ＫＰＩとＡＢＣ分析", &words("abc"), 40).unwrap();
        assert_eq!(marked(&parts), "ＫＰＩと[ＡＢＣ]分析");
    }

    #[test]
    fn no_word_no_snippet() {
        assert!(snippet("農業体験", &words("就労"), 40).is_none());
    }
}

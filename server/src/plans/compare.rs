//! Two revisions of a plan side by side (版の比較): each section's text compared line by
//! line with `similar` (Myers' diff), removed lines marked on the left and added lines on
//! the right; items matched by id. Revision 0 is the working copy, the secretariat's only.

use similar::{ChangeTag, TextDiff};
use uuid::Uuid;

use app::plans::{
    ComparedLine, ComparedText, ItemComparison, LineChange, PlanComparison, PlanContent,
    PlanHeading, SectionComparison,
};

use crate::http::{ApiError, ApiResult};
use crate::policy::Actor;
use crate::state::AppState;

/// The longest revision number a query may name (far past any plan's).
const MAX_REVISION: u32 = 10_000;

/// Two texts, line by line.
pub fn compare_text(from: &str, to: &str) -> ComparedText {
    let diff = TextDiff::from_lines(from, to);
    let mut out = ComparedText {
        changed: from != to,
        from: Vec::new(),
        to: Vec::new(),
    };
    for change in diff.iter_all_changes() {
        let text = change.value().trim_end_matches(['\n', '\r']).to_string();
        match change.tag() {
            ChangeTag::Equal => {
                out.from.push(ComparedLine {
                    change: LineChange::Same,
                    text: text.clone(),
                });
                out.to.push(ComparedLine {
                    change: LineChange::Same,
                    text,
                });
            }
            ChangeTag::Delete => out.from.push(ComparedLine {
                change: LineChange::Removed,
                text,
            }),
            ChangeTag::Insert => out.to.push(ComparedLine {
                change: LineChange::Added,
                text,
            }),
        }
    }
    out
}

fn heading(c: &PlanContent) -> PlanHeading {
    PlanHeading {
        title: c.title.clone(),
        period_start: c.period_start,
        period_end: c.period_end,
    }
}

/// `from` and `to` compared: sections in the official order, then the items of `to` in
/// its order followed by those only `from` has.
pub fn compare_contents(
    plan_id: Uuid,
    from: u32,
    to: u32,
    a: &PlanContent,
    b: &PlanContent,
) -> PlanComparison {
    let sections = app::plans::PlanSection::ALL
        .iter()
        .map(|section| {
            let body = |c: &PlanContent| {
                c.section(*section)
                    .map(|s| s.body.clone())
                    .unwrap_or_default()
            };
            SectionComparison {
                section: *section,
                text: compare_text(&body(a), &body(b)),
            }
        })
        .collect();
    let mut items: Vec<ItemComparison> = b
        .items
        .iter()
        .map(|item| {
            let before = a.items.iter().find(|i| i.id == item.id).cloned();
            ItemComparison {
                id: item.id,
                changed: before.as_ref() != Some(item),
                from: before,
                to: Some(item.clone()),
            }
        })
        .collect();
    items.extend(
        a.items
            .iter()
            .filter(|i| !b.items.iter().any(|j| j.id == i.id))
            .map(|i| ItemComparison {
                id: i.id,
                from: Some(i.clone()),
                to: None,
                changed: true,
            }),
    );
    PlanComparison {
        plan_id,
        from,
        to,
        from_heading: heading(a),
        to_heading: heading(b),
        sections,
        items,
        organisations: Vec::new(),
        kpis: Vec::new(),
    }
}

/// The content of revision `n` of the plan as the actor may read it (0: the working
/// copy, for the secretariat only); 404 for anything else.
async fn content_at(state: &AppState, actor: &Actor, id: Uuid, n: u32) -> ApiResult<PlanContent> {
    let plan = if n == 0 {
        let plan = super::get(state, actor, id).await?;
        if plan.shown_revision != 0 {
            return Err(ApiError::NotFound);
        }
        plan
    } else {
        super::get_revision(state, actor, id, n).await?
    };
    Ok(plan.content)
}

/// `from` and `to` of the plan compared (both 0..=the latest revision).
pub async fn compare(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    from: u32,
    to: u32,
) -> ApiResult<PlanComparison> {
    if from > MAX_REVISION || to > MAX_REVISION {
        return Err(ApiError::NotFound);
    }
    let a = content_at(state, actor, id, from).await?;
    let b = content_at(state, actor, id, to).await?;
    let mut out = compare_contents(id, from, to, &a, &b);
    let (organisations, kpis) = super::names(state, actor, &[&a, &b]).await?;
    out.organisations = organisations;
    out.kpis = kpis;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_lines_are_on_the_left_and_added_on_the_right() {
        let c = compare_text(
            "趣旨\n計画期間は令和5年度から令和7年度\n",
            "趣旨\n計画期間は令和5年度から令和8年度\n追記\n",
        );
        assert!(c.changed);
        assert_eq!(c.from.len(), 2);
        assert_eq!(c.from[1].change, LineChange::Removed);
        assert_eq!(c.to.len(), 3);
        assert_eq!(c.to[0].change, LineChange::Same);
        assert_eq!(c.to[1].change, LineChange::Added);
        assert_eq!(c.to[2].text, "追記");
        let same = compare_text("a\nb", "a\nb");
        assert!(!same.changed);
        assert!(same
            .from
            .iter()
            .chain(&same.to)
            .all(|l| l.change == LineChange::Same));
    }
}

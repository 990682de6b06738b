//! The implementation plan (事業実施計画, guidelines §3(1)① and §4(2)): the wire types,
//! shared by the server and the pages.
//!
//! The secretariat of a prefectural platform drafts the plan of its network for a plan
//! period (a 年度 range) in the eight sections prefectures use, with plan items (実施事業)
//! under each target group. The draft (the working copy) is the secretariat's; publishing
//! it makes a revision (版) every member of the network reads. A revision is never changed:
//! a change is published as the next revision with a note, and any two revisions can be
//! compared section by section. An item's status and progress note are kept beside the
//! revisions, so progress reported on a published item shows at once without a new
//! revision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{text_enum, TargetGroup};

mod compare;
mod form;
pub mod labels;
mod list;
mod page;

pub(crate) use compare::PlanCompareView;
pub(crate) use form::{PlanEditView, PlanNewView};
pub(crate) use list::PlansListView;
pub(crate) use page::{PlanPageView, PlanPrintView};

crate::components::lazy_pages! {
    PlansChunkPage, plans_pages, __preload_plans_pages;
    /// `/plans`: the network's implementation plans.
    PlansListRoute => PlansListView,
    /// `/plans/:id`: one plan as the reader may see it, its items and its revisions.
    PlanRoute => PlanPageView,
    /// `/plans/:id/print`: the plan in the official section order, for paper and PDF.
    PlanPrintRoute => PlanPrintView,
    /// `/plans/:id/compare?from=&to=`: two revisions side by side.
    PlanCompareRoute => PlanCompareView,
}
// The editor is the secretariat's alone, as for KPIs: every other reader loads less.
crate::components::lazy_pages! {
    PlanDraftingChunkPage, plan_drafting_pages, __preload_plan_drafting_pages;
    /// `/plans/new`: a new plan (the secretariat).
    PlanNewRoute => PlanNewView,
    /// `/plans/:id/edit`: the working copy's sections and items (the secretariat).
    PlanEditRoute => PlanEditView,
}

/// The longest plan period, in 年度.
pub const MAX_PLAN_YEARS: i32 = 10;
/// The most items one plan holds.
pub const MAX_PLAN_ITEMS: usize = 100;
/// The longest section, in characters (Markdown).
pub const MAX_SECTION_CHARS: usize = 20_000;

/// The eight sections of a plan, in the official order (Hokkaido's plan and most others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanSection {
    /// 趣旨
    Purpose,
    /// 計画期間
    Period,
    /// 現状と課題
    SituationAndIssues,
    /// 目標・主な取組 (the items are listed under it by target group)
    GoalsAndMeasures,
    /// 交付金事業
    GrantProjects,
    /// 推進体制・進捗管理方法
    GovernanceAndProgress,
    /// 市町村プラットフォームとの連携
    MunicipalCooperation,
    /// その他
    Other,
}
text_enum!(PlanSection {
    Purpose => "purpose",
    Period => "period",
    SituationAndIssues => "situation_and_issues",
    GoalsAndMeasures => "goals_and_measures",
    GrantProjects => "grant_projects",
    GovernanceAndProgress => "governance_and_progress",
    MunicipalCooperation => "municipal_cooperation",
    Other => "other",
});

/// Where a plan item stands (進捗).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanItemStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
    Stopped,
}
text_enum!(PlanItemStatus {
    NotStarted => "not_started",
    InProgress => "in_progress",
    Done => "done",
    Stopped => "stopped",
});

/// One section's text: Markdown as written, and (in answers) the safe HTML it shows as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanSectionText {
    pub section: PlanSection,
    /// Markdown, up to 20,000 characters.
    pub body: String,
    /// The body as sanitised HTML (answers only; ignored on input).
    #[serde(default)]
    pub html: String,
}

/// A plan item as the secretariat writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItemInput {
    /// One of the three target groups of §4(1); absent for 対象横断 (all groups).
    #[serde(default)]
    pub target_group: Option<TargetGroup>,
    /// Up to 200 characters.
    pub title: String,
    /// What is done, up to 2,000 characters.
    #[serde(default)]
    pub description: String,
    /// The organisations responsible: members of the network, at most 20.
    #[serde(default)]
    pub responsible: Vec<Uuid>,
    /// The 年度 it runs in, within the plan period.
    #[serde(default)]
    pub schedule: Vec<i32>,
    /// The budget in thousands of yen (千円), 0 to 1,000,000,000,000; absent when none.
    #[serde(default)]
    pub budget: Option<f64>,
    /// KPIs of the same prefectural platform it serves.
    #[serde(default)]
    pub kpis: Vec<Uuid>,
}

/// A plan item as stored in the working copy and in every revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItem {
    pub id: Uuid,
    #[serde(flatten)]
    pub input: PlanItemInput,
}

/// A plan's text and items: what a revision fixes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanContent {
    /// Up to 200 characters: 青森県就職氷河期世代活躍支援プラットフォーム事業実施計画（第2期）.
    pub title: String,
    /// The plan period, first and last 年度 (at most ten).
    pub period_start: i32,
    pub period_end: i32,
    /// The eight sections in the official order.
    pub sections: Vec<PlanSectionText>,
    pub items: Vec<PlanItem>,
}

/// An item's progress as the reader sees it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItemProgress {
    pub item_id: Uuid,
    pub status: PlanItemStatus,
    pub note: String,
    /// Goes up with every report; a report is saved only at the version it was read.
    pub version: u32,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One published revision, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanRevisionSummary {
    /// 1, 2, ... in the order published.
    pub revision: u32,
    /// What changed and who approved it (e.g. the council meeting), up to 1,000 characters.
    pub note: String,
    pub published_at: DateTime<Utc>,
}

/// A name to show for an id the plan refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
}

/// A plan as one reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImplementationPlan {
    pub id: Uuid,
    /// The prefectural platform whose plan it is.
    pub platform_id: Uuid,
    pub platform_name: String,
    /// The revision `content` is (0: the working copy, which only the secretariat reads).
    pub shown_revision: u32,
    /// The latest published revision; 0 while never published.
    pub revision: u32,
    /// The working copy's edit version: a change is saved only at the version read.
    pub version: u32,
    pub content: PlanContent,
    /// Each item's progress now (items of `content`).
    pub progress: Vec<PlanItemProgress>,
    /// The working copy differs from the latest revision (the secretariat only).
    pub unpublished_changes: bool,
    /// Newest first.
    pub revisions: Vec<PlanRevisionSummary>,
    /// Names of the organisations and KPIs the items refer to, as far as the reader may
    /// see them.
    pub organisations: Vec<NamedRef>,
    pub kpis: Vec<NamedRef>,
    /// The caller is its secretariat.
    pub can_edit: bool,
    /// The items whose progress the caller may report (the secretariat: all; a
    /// responsible organisation: its published items).
    pub can_report: Vec<Uuid>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/plans`: a new plan, a working copy of a prefectural platform whose
/// secretariat the caller is. Sections left out start empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewPlan {
    /// Needed when the caller runs more than one prefectural platform.
    #[serde(default)]
    pub platform_id: Option<Uuid>,
    pub title: String,
    pub period_start: i32,
    pub period_end: i32,
    #[serde(default)]
    pub sections: Vec<PlanSectionInput>,
}

/// One section as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanSectionInput {
    pub section: PlanSection,
    /// Markdown, up to 20,000 characters.
    pub body: String,
}

/// `PUT /api/v1/plans/{id}`: the working copy's title, period and sections, saved only
/// at `version` (else 409 `edit_conflict`). Sections left out keep their text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanUpdate {
    pub version: u32,
    pub title: String,
    pub period_start: i32,
    pub period_end: i32,
    #[serde(default)]
    pub sections: Vec<PlanSectionInput>,
}

/// `POST /api/v1/plans/{id}/items`, `PUT /api/v1/plans/{id}/items/{item_id}`: one item
/// of the working copy, at the plan's `version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItemWrite {
    pub version: u32,
    #[serde(flatten)]
    pub item: PlanItemInput,
}

/// `POST /api/v1/plans/{id}/publish`: the working copy becomes the next revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublishPlan {
    /// The working copy's version as read: what is published is what was reviewed.
    pub version: u32,
    /// What changed and who approved it, up to 1,000 characters (required from the
    /// second revision).
    #[serde(default)]
    pub note: String,
}

/// `PUT /api/v1/plans/{id}/items/{item_id}/progress`: an item's status and note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanProgressInput {
    pub status: PlanItemStatus,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub note: String,
    /// The progress version as read (0 when none was reported).
    #[serde(default)]
    pub version: u32,
}

/// How a line of one side of a comparison stands against the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Same,
    Removed,
    Added,
}

/// One line of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComparedLine {
    pub change: LineChange,
    pub text: String,
}

/// Something compared: each side's lines (removed lines on the left, added on the right).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComparedText {
    pub changed: bool,
    pub from: Vec<ComparedLine>,
    pub to: Vec<ComparedLine>,
}

/// One section side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectionComparison {
    pub section: PlanSection,
    #[serde(flatten)]
    pub text: ComparedText,
}

/// One item on each side (absent where it was added or removed); the pages mark the
/// fields that differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemComparison {
    pub id: Uuid,
    pub from: Option<PlanItem>,
    pub to: Option<PlanItem>,
    pub changed: bool,
}

/// A side's title and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanHeading {
    pub title: String,
    pub period_start: i32,
    pub period_end: i32,
}

/// `GET /api/v1/plans/{id}/compare?from=&to=`: two revisions (0: the working copy, the
/// secretariat only) side by side, in the official section order, then the items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanComparison {
    pub plan_id: Uuid,
    pub from: u32,
    pub to: u32,
    pub from_heading: PlanHeading,
    pub to_heading: PlanHeading,
    pub sections: Vec<SectionComparison>,
    pub items: Vec<ItemComparison>,
    /// Names for the ids the items refer to, as far as the reader may see them.
    pub organisations: Vec<NamedRef>,
    pub kpis: Vec<NamedRef>,
}

/// `/plans`: the plans the caller may see, and whether they may draft one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlansPage {
    pub plans: Vec<ImplementationPlan>,
    pub can_create: bool,
}

/// The editor: the plan being changed (none for a new one), the member organisations
/// that may be responsible for items and the platform's KPIs items may serve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFormPage {
    pub plan: Option<ImplementationPlan>,
    pub organisations: Vec<NamedRef>,
    pub kpis: Vec<NamedRef>,
}

/// A plan from the local store (kept there as the feed's JSON), if it reads as one.
pub(crate) fn stored(json: &serde_json::Value) -> Option<ImplementationPlan> {
    serde_json::from_value(json.clone()).ok()
}

impl PlanContent {
    /// The text of `section` (empty when the plan has none).
    pub fn section(&self, section: PlanSection) -> Option<&PlanSectionText> {
        self.sections.iter().find(|s| s.section == section)
    }

    /// The items for one target group (`None`: 対象横断), in the plan's order.
    pub fn items_for(&self, group: Option<TargetGroup>) -> impl Iterator<Item = &PlanItem> {
        self.items
            .iter()
            .filter(move |i| i.input.target_group == group)
    }
}

impl ImplementationPlan {
    /// The progress of one item, if reported.
    pub fn progress_of(&self, item: Uuid) -> Option<&PlanItemProgress> {
        self.progress.iter().find(|p| p.item_id == item)
    }
}

/// The groups items are listed under, in the plan's order: the three of §4(1), then
/// 対象横断.
pub const ITEM_GROUPS: [Option<TargetGroup>; 4] = [
    Some(TargetGroup::UnstableEmployment),
    Some(TargetGroup::LongTermUnemployed),
    Some(TargetGroup::SocialParticipation),
    None,
];

impl PlanItemInput {
    /// The item form's fields: `target_group` (blank: 対象横断), `title`, `description`,
    /// `responsible` (repeated), `schedule` (repeated years), `budget` (blank: none; a
    /// figure that does not read as one becomes NaN, which the server refuses), `kpis`.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        let all = |name: &str| crate::form_pairs::fields(pairs, name);
        let ids = |name: &str| -> Vec<Uuid> {
            all(name)
                .iter()
                .filter_map(|id| Uuid::parse_str(id).ok())
                .collect()
        };
        let budget = get("budget").replace([',', '，'], "");
        PlanItemInput {
            target_group: TargetGroup::parse(&get("target_group")),
            title: get("title"),
            description: get("description"),
            responsible: ids("responsible"),
            schedule: all("schedule")
                .iter()
                .filter_map(|y| y.parse().ok())
                .collect(),
            budget: (!budget.is_empty()).then(|| budget.parse().unwrap_or(f64::NAN)),
            kpis: ids("kpis"),
        }
    }
}

/// The section fields of the editor: `section_<name>` for each section.
pub fn sections_from_form(pairs: &[(String, String)]) -> Vec<PlanSectionInput> {
    PlanSection::ALL
        .iter()
        .filter(|s| pairs.iter().any(|(k, _)| *k == section_field(**s)))
        .map(|s| PlanSectionInput {
            section: *s,
            body: crate::form_pairs::field(pairs, &section_field(*s)),
        })
        .collect()
}

/// The editor's field name for a section.
pub fn section_field(section: PlanSection) -> String {
    format!("section_{}", section.as_str())
}

impl crate::personal_data::FreeText for NewPlan {
    const FREE_TEXT: &'static [&'static str] = &["title", "sections[].body"];
}

impl crate::personal_data::FreeText for PlanUpdate {
    const FREE_TEXT: &'static [&'static str] = &["title", "sections[].body"];
}

impl crate::personal_data::FreeText for PlanItemWrite {
    const FREE_TEXT: &'static [&'static str] = &["title", "description"];
}

impl crate::personal_data::FreeText for PublishPlan {
    const FREE_TEXT: &'static [&'static str] = &["note"];
}

impl crate::personal_data::FreeText for PlanProgressInput {
    const FREE_TEXT: &'static [&'static str] = &["note"];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_item_form_reads_as_the_api_body() {
        let org = Uuid::new_v4();
        let item = PlanItemInput::from_form(&pairs(&[
            ("target_group", "long_term_unemployed"),
            ("title", "アウトリーチ"),
            ("responsible", &org.to_string()),
            ("responsible", "junk"),
            ("schedule", "2024"),
            ("schedule", "2025"),
            ("budget", "1,200"),
        ]));
        assert_eq!(item.target_group, Some(TargetGroup::LongTermUnemployed));
        assert_eq!(item.responsible, vec![org]);
        assert_eq!(item.schedule, vec![2024, 2025]);
        assert_eq!(item.budget, Some(1200.0));
        let cross = PlanItemInput::from_form(&pairs(&[("target_group", ""), ("budget", "")]));
        assert_eq!(cross.target_group, None);
        assert_eq!(cross.budget, None);
        let typo = PlanItemInput::from_form(&pairs(&[("budget", "百万")]));
        assert!(typo.budget.is_some_and(f64::is_nan));
    }

    #[test]
    fn only_the_sections_the_form_carries_are_written() {
        let s = sections_from_form(&pairs(&[
            ("section_purpose", "趣旨"),
            ("section_other", ""),
        ]));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].section, PlanSection::Purpose);
        assert_eq!(s[1].body, "");
    }
}

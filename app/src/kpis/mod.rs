//! KPIs and their actuals (KPI・実績・進捗管理, guidelines §3(1)② and §4(2)): the wire types,
//! shared by the server and the pages, and the progress arithmetic (`progress`).
//!
//! The prefectural secretariat defines its network's KPIs and publishes them; each
//! contributing organisation enters its own share (`KpiActual`) per 年度 (or quarter); the
//! secretariat publishes the shares, and only published shares reach the rest of the
//! network. A KPI's value is the sum of the shares.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::text_enum;

mod form;
pub mod labels;
mod list;
mod page;
pub mod progress;

pub(crate) use form::{KpiEditView, KpiNewView};
pub(crate) use list::KpisListView;
pub(crate) use page::KpiPageView;
pub use progress::{KpiProgress, ProgressStatus, YearProgress};

crate::components::lazy_pages! {
    KpisChunkPage, kpis_pages, __preload_kpis_pages;
    /// `/kpis`: the network's KPIs and how each stands.
    KpisListRoute => KpisListView,
    /// `/kpis/:id`: one KPI, its chart, its table and the shares.
    KpiRoute => KpiPageView,
}
// The editor is the secretariat's alone: a chunk of its own, so every other reader of the
// KPIs loads less (together they came to 145 KB of the 150 KB chunk budget).
crate::components::lazy_pages! {
    KpiDraftingChunkPage, kpi_drafting_pages, __preload_kpi_drafting_pages;
    /// `/kpis/new`: a new KPI (the secretariat).
    KpiNewRoute => KpiNewView,
    /// `/kpis/:id/edit`: the KPI's definition (the secretariat).
    KpiEditRoute => KpiEditView,
}

/// The first and last 年度 a KPI may name (the window of `bounded::InputDate`).
pub const FIRST_FISCAL_YEAR: i32 = 2000;
pub const LAST_FISCAL_YEAR: i32 = 2100;
/// The longest plan period a KPI may span, in 年度.
pub const MAX_PERIOD_YEARS: i32 = 10;
/// The most organisations one KPI adds up.
pub const MAX_CONTRIBUTORS: usize = 50;

/// アウトプット (what the platform does: placements) or アウトカム (what changes:
/// more people in regular work).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KpiKind {
    Output,
    Outcome,
}
text_enum!(KpiKind { Output => "output", Outcome => "outcome" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KpiDirection {
    HigherIsBetter,
    LowerIsBetter,
}
text_enum!(KpiDirection {
    HigherIsBetter => "higher_is_better",
    LowerIsBetter => "lower_is_better",
});

/// Whether the years add up over the plan period (most published KPIs: 累計) or each
/// year stands alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KpiAccumulation {
    Cumulative,
    Annual,
}
text_enum!(KpiAccumulation { Cumulative => "cumulative", Annual => "annual" });

/// How often shares are entered: once a 年度, or each quarter (Q1 = April–June).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KpiPeriodicity {
    FiscalYear,
    Quarter,
}
text_enum!(KpiPeriodicity { FiscalYear => "fiscal_year", Quarter => "quarter" });

/// A draft KPI is the secretariat's; a published one is every member's of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    Draft,
    Published,
}
text_enum!(KpiStatus { Draft => "draft", Published => "published" });

/// A target for one 年度.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiTarget {
    /// The 年度 by the year it starts in (2025 = 令和7年度), within the KPI's period.
    pub fiscal_year: i32,
    /// A finite figure within ±1,000,000,000,000, in the KPI's unit.
    pub target: f64,
}

/// What the secretariat writes: the KPI's definition, targets and contributors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiDefinition {
    /// Up to 200 characters: 正規雇用者数の増加.
    pub name: String,
    /// The definition and counting basis (集計方法), up to 5,000 characters.
    #[serde(default)]
    pub definition: String,
    /// Up to 20 characters: 人, 件, %.
    pub unit: String,
    pub kind: KpiKind,
    pub direction: KpiDirection,
    pub accumulation: KpiAccumulation,
    pub periodicity: KpiPeriodicity,
    /// The starting figure, with the 年度 it was measured in.
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub baseline_fiscal_year: Option<i32>,
    /// The plan period, first and last 年度 (at most ten years).
    pub period_start: i32,
    pub period_end: i32,
    /// The target for the whole period (cumulative), or for every year (annual).
    #[serde(default)]
    pub period_target: Option<f64>,
    /// 年度 targets where the plan sets them (at most one per year of the period).
    #[serde(default)]
    pub fiscal_year_targets: Vec<KpiTarget>,
    /// Where the figures come from (ハローワーク業務統計, ...), up to 200 characters.
    #[serde(default)]
    pub source: String,
    /// The organisations whose shares add up to the KPI: members of the network, at most 50.
    #[serde(default)]
    pub contributors: Vec<Uuid>,
    /// Below 100 % and at or above this, a KPI is at risk; below it, behind (1–100).
    #[serde(default = "default_at_risk_percent")]
    pub at_risk_percent: u32,
}

fn default_at_risk_percent() -> u32 {
    90
}

/// `POST /api/v1/kpis`: a new KPI, a draft of a prefectural platform whose secretariat
/// the caller is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewKpi {
    /// Needed when the caller runs more than one prefectural platform.
    #[serde(default)]
    pub platform_id: Option<Uuid>,
    #[serde(flatten)]
    pub definition: KpiDefinition,
}

/// `PUT /api/v1/kpis/{id}`: the definition as a whole, saved only if the KPI is still at
/// `version` (else 409 `edit_conflict`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiUpdate {
    pub version: u32,
    #[serde(flatten)]
    pub definition: KpiDefinition,
}

/// One organisation's share of a KPI for one 年度 (or quarter), as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiActual {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub fiscal_year: i32,
    /// 1–4 for a quarterly KPI (Q1 = April–June); `null` for a whole 年度.
    pub quarter: Option<u8>,
    pub value: f64,
    pub note: String,
    /// Published by the secretariat: the whole network sees it. Until then only the
    /// secretariat and the contributing organisation do.
    pub published: bool,
    /// Goes up with every change; a share is changed only at the version it was read.
    pub version: u32,
    pub updated_at: DateTime<Utc>,
}

/// `PUT /api/v1/kpis/{id}/actuals`: enter, correct or clear one share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiActualInput {
    /// A contributor of the KPI: the caller's own organisation, or any contributor when
    /// the caller is the secretariat.
    pub organisation_id: Uuid,
    pub fiscal_year: i32,
    /// 1–4 for a quarterly KPI, absent for a yearly one.
    #[serde(default)]
    pub quarter: Option<u8>,
    /// The figure; `null` clears the share (a blank, which is not a zero).
    pub value: Option<f64>,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub note: String,
    /// The version of the share as the caller read it; absent for a share not yet
    /// entered. Someone else's entry in between is 409 `edit_conflict`.
    #[serde(default)]
    pub version: Option<u32>,
}

/// `POST /api/v1/kpis/{id}/actuals/publish`: publish every share of a 年度.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublishActuals {
    pub fiscal_year: i32,
}

/// An organisation named on a KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiContributor {
    pub id: Uuid,
    pub name: String,
}

/// A KPI as one reader sees it: the shares they may see, and the progress those give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Kpi {
    pub id: Uuid,
    /// The prefectural platform whose KPI it is.
    pub platform_id: Uuid,
    pub platform_name: String,
    pub status: KpiStatus,
    pub version: u32,
    pub definition: KpiDefinition,
    /// The contributors with their names, in the definition's order.
    pub contributors: Vec<KpiContributor>,
    /// By 年度, quarter and organisation.
    pub actuals: Vec<KpiActual>,
    pub progress: KpiProgress,
    /// The caller is its secretariat: may edit, publish and enter any share.
    pub can_edit: bool,
    /// The organisations whose shares the caller may enter.
    pub can_enter_for: Vec<Uuid>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// `/kpis`: the KPIs the caller may see, and whether they may define one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpisPage {
    pub kpis: Vec<Kpi>,
    pub can_create: bool,
}

/// The KPI editor: the KPI being changed (none for a new one), the prefectural platforms
/// the caller may define KPIs for, and the organisations that may contribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiFormPage {
    pub kpi: Option<Kpi>,
    pub platforms: Vec<crate::domain::Platform>,
    pub organisations: Vec<crate::domain::Organisation>,
}

/// A KPI from the local store (kept there as the feed's JSON), if it reads as one.
pub(crate) fn stored(json: &serde_json::Value) -> Option<Kpi> {
    serde_json::from_value(json.clone()).ok()
}

impl KpiDefinition {
    /// The 年度 of the period, first to last.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.period_start..=self.period_end.max(self.period_start)
    }

    /// The editor's fields (name, value pairs, as a form posts them). Targets come as
    /// rows of `target_year`, `target_value`, blank rows left out; contributors as the
    /// checked `contributors`. A figure that does not read as a number becomes NaN, which
    /// the server refuses naming the field.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        let all = |name: &str| crate::form_pairs::fields(pairs, name);
        let figure = |text: &str| -> Option<f64> {
            let text = text.replace([',', '，'], "");
            (!text.is_empty()).then(|| text.parse().unwrap_or(f64::NAN))
        };
        let year = |text: &str| text.parse::<i32>().ok();
        let (years, values) = (all("target_year"), all("target_value"));
        let fiscal_year_targets = years
            .iter()
            .zip(values.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(y, v)| KpiTarget {
                fiscal_year: year(y).unwrap_or(0),
                target: figure(v).unwrap_or(f64::NAN),
            })
            .collect();
        KpiDefinition {
            name: get("name"),
            definition: get("definition"),
            unit: get("unit"),
            kind: KpiKind::parse(&get("kind")).unwrap_or(KpiKind::Output),
            direction: KpiDirection::parse(&get("direction"))
                .unwrap_or(KpiDirection::HigherIsBetter),
            accumulation: KpiAccumulation::parse(&get("accumulation"))
                .unwrap_or(KpiAccumulation::Cumulative),
            periodicity: KpiPeriodicity::parse(&get("periodicity"))
                .unwrap_or(KpiPeriodicity::FiscalYear),
            baseline: figure(&get("baseline")),
            baseline_fiscal_year: year(&get("baseline_fiscal_year")),
            period_start: year(&get("period_start")).unwrap_or(0),
            period_end: year(&get("period_end")).unwrap_or(0),
            period_target: figure(&get("period_target")),
            fiscal_year_targets,
            source: get("source"),
            contributors: all("contributors")
                .iter()
                .filter_map(|id| Uuid::parse_str(id).ok())
                .collect(),
            at_risk_percent: get("at_risk_percent").parse().unwrap_or(0),
        }
    }
}

impl KpiActualInput {
    /// The share form's fields: `organisation_id`, `fiscal_year`, `quarter`, `value`
    /// (blank clears it), `note`, `version`.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        let value = get("value").replace([',', '，'], "");
        KpiActualInput {
            organisation_id: Uuid::parse_str(&get("organisation_id")).unwrap_or_default(),
            fiscal_year: get("fiscal_year").parse().unwrap_or(0),
            quarter: get("quarter").parse().ok(),
            value: (!value.is_empty()).then(|| value.parse().unwrap_or(f64::NAN)),
            note: get("note"),
            version: get("version").parse().ok(),
        }
    }
}

impl crate::personal_data::FreeText for KpiDefinition {
    const FREE_TEXT: &'static [&'static str] = &["name", "definition", "unit", "source"];
}

impl crate::personal_data::FreeText for NewKpi {
    const FREE_TEXT: &'static [&'static str] =
        <KpiDefinition as crate::personal_data::FreeText>::FREE_TEXT;
}

impl crate::personal_data::FreeText for KpiUpdate {
    const FREE_TEXT: &'static [&'static str] =
        <KpiDefinition as crate::personal_data::FreeText>::FREE_TEXT;
}

impl crate::personal_data::FreeText for KpiActualInput {
    const FREE_TEXT: &'static [&'static str] = &["note"];
}

impl crate::personal_data::FreeText for PublishActuals {
    const FREE_TEXT: &'static [&'static str] = &[];
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
    fn the_editor_form_reads_as_the_api_body() {
        let org = Uuid::new_v4();
        let def = KpiDefinition::from_form(&pairs(&[
            ("name", " 正規雇用者数 "),
            ("unit", "人"),
            ("kind", "outcome"),
            ("direction", "lower_is_better"),
            ("accumulation", "annual"),
            ("periodicity", "quarter"),
            ("baseline", "1,200"),
            ("baseline_fiscal_year", "2022"),
            ("period_start", "2023"),
            ("period_end", "2026"),
            ("period_target", ""),
            ("target_year", "2023"),
            ("target_value", "1000"),
            ("target_year", "2024"),
            ("target_value", ""),
            ("target_year", "2025"),
            ("target_value", "千"),
            ("contributors", &org.to_string()),
            ("contributors", "not-an-id"),
            ("at_risk_percent", "85"),
        ]));
        assert_eq!(def.name, "正規雇用者数");
        assert_eq!(def.kind, KpiKind::Outcome);
        assert_eq!(def.direction, KpiDirection::LowerIsBetter);
        assert_eq!(def.periodicity, KpiPeriodicity::Quarter);
        assert_eq!(def.baseline, Some(1200.0));
        assert_eq!(def.period_target, None);
        assert_eq!(def.fiscal_year_targets.len(), 2);
        assert_eq!(def.fiscal_year_targets[0].target, 1000.0);
        // A figure that is not a number is kept as one the server refuses.
        assert!(def.fiscal_year_targets[1].target.is_nan());
        assert_eq!(def.contributors, vec![org]);
        assert_eq!(def.at_risk_percent, 85);
    }

    #[test]
    fn a_blank_share_is_a_clearing_not_a_zero() {
        let blank = KpiActualInput::from_form(&pairs(&[("value", " "), ("fiscal_year", "2025")]));
        assert_eq!(blank.value, None);
        let zero = KpiActualInput::from_form(&pairs(&[("value", "0")]));
        assert_eq!(zero.value, Some(0.0));
        let typo = KpiActualInput::from_form(&pairs(&[("value", "12人")]));
        assert!(typo.value.is_some_and(f64::is_nan));
    }
}

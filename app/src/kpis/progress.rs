//! 進捗管理: a KPI's actuals against its targets, per 年度 and cumulative, with the status
//! the secretariat's rule gives (guidelines §3(1)② and §4(2)). Pure arithmetic, shared by
//! the server (which sends it with the KPI) and the pages (which show the maths beside each
//! figure so a reader can check it).
//!
//! The rules, in the words a secretariat uses:
//! - A 年度's actual is the sum of the shares reported for it (quarters added up). A year
//!   nobody reported is *missing* (`None`), never zero; a year some contributors reported
//!   says how many of how many.
//! - A cumulative KPI adds the years up. Its target to date is the sum of the 年度 targets
//!   so far when the KPI has them, otherwise the period target pro rata: after `k` of the
//!   period's `n` years, `target × k / n`.
//! - An annual KPI compares each year with that year's target (the 年度 target, or the
//!   period target when it has none).
//! - Achievement (%): higher is better, `actual / target`; lower is better with a baseline
//!   above the target, the reduction achieved over the reduction aimed for,
//!   `(baseline − actual) / (baseline − target)`; lower is better without one,
//!   `target / actual`.
//! - Status: on track at 100 % or more, at risk from the secretariat's threshold (default
//!   90 %) up to 100 %, behind below it; no data when nothing was reported.

use serde::{Deserialize, Serialize};

use super::{KpiAccumulation, KpiActual, KpiDefinition, KpiDirection};

/// How a KPI stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    OnTrack,
    AtRisk,
    Behind,
    /// Nothing reported for the year, or no target to measure against.
    NoData,
}
crate::domain::text_enum!(ProgressStatus {
    OnTrack => "on_track",
    AtRisk => "at_risk",
    Behind => "behind",
    NoData => "no_data",
});

/// One 年度 of a KPI's period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct YearProgress {
    /// The 年度 by the year it starts in (2025 = 令和7年度).
    pub fiscal_year: i32,
    /// The sum of the shares reported for this year; `null` when none was.
    pub actual: Option<f64>,
    /// The quarters' sums (Q1 = April–June), for a quarterly KPI; `null` where none was
    /// reported.
    pub quarters: Option<[Option<f64>; 4]>,
    /// How many contributing organisations reported for this year, of how many.
    pub reported: u32,
    pub contributors: u32,
    /// This year's own target (annual KPIs, or a cumulative one with 年度 targets).
    pub target: Option<f64>,
    /// Cumulative KPIs: the actuals up to and including this year (`null` while nothing
    /// has been reported yet).
    pub cumulative_actual: Option<f64>,
    /// Cumulative KPIs: the target up to and including this year.
    pub cumulative_target: Option<f64>,
    /// What is compared: the cumulative figures for a cumulative KPI, the year's for an
    /// annual one; achievement in percent, see the module's rules.
    pub percent: Option<f64>,
    pub status: ProgressStatus,
}

/// A KPI's progress over its period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiProgress {
    /// Every 年度 of the period, first to last.
    pub years: Vec<YearProgress>,
    /// The latest year with a report (none yet: `null`), whose status is the KPI's.
    pub latest: Option<i32>,
    pub status: ProgressStatus,
}

fn add(a: Option<f64>, b: f64) -> Option<f64> {
    Some(a.unwrap_or(0.0) + b)
}

/// Achievement in percent of `actual` against `target` (see the module's rules), to one
/// decimal place; `None` where the rule has nothing to divide by.
pub fn achievement(
    direction: KpiDirection,
    baseline: Option<f64>,
    actual: f64,
    target: f64,
) -> Option<f64> {
    let percent = match direction {
        KpiDirection::HigherIsBetter => (target > 0.0).then(|| actual / target * 100.0),
        KpiDirection::LowerIsBetter => match baseline {
            Some(base) if base > target => Some((base - actual) / (base - target) * 100.0),
            _ if actual > 0.0 => Some(target / actual * 100.0),
            // Nothing left of what was to be reduced: the target is reached.
            _ => Some(100.0),
        },
    };
    // To one decimal place, as it is shown: the status is decided on the figure the reader
    // sees (89.96 % shows as 90.0 % and is at risk, not behind).
    percent
        .filter(|p| p.is_finite())
        .map(|p| (p * 10.0).round() / 10.0)
}

/// The status a percentage gives under the threshold `at_risk_percent`.
pub fn status_of(percent: Option<f64>, at_risk_percent: u32) -> ProgressStatus {
    match percent {
        None => ProgressStatus::NoData,
        Some(p) if p >= 100.0 => ProgressStatus::OnTrack,
        Some(p) if p >= f64::from(at_risk_percent) => ProgressStatus::AtRisk,
        Some(_) => ProgressStatus::Behind,
    }
}

/// The progress of a KPI defined by `definition`, from the `actuals` its reader may see.
pub fn progress(definition: &KpiDefinition, actuals: &[KpiActual]) -> KpiProgress {
    let first = definition.period_start;
    let last = definition.period_end.max(first);
    let period_years = f64::from(last - first + 1);
    let contributors = definition.contributors.len() as u32;
    let quarterly = definition.periodicity == super::KpiPeriodicity::Quarter;
    let mut years = Vec::new();
    let mut running_actual: Option<f64> = None;
    let mut running_target: Option<f64> = None;
    let has_year_targets = !definition.fiscal_year_targets.is_empty();
    for (index, fiscal_year) in (first..=last).enumerate() {
        let of_year: Vec<&KpiActual> = actuals
            .iter()
            .filter(|a| a.fiscal_year == fiscal_year)
            .collect();
        let actual = of_year.iter().fold(None, |sum, a| add(sum, a.value));
        let quarters = quarterly.then(|| {
            let mut q = [None; 4];
            for a in &of_year {
                if let Some(n) = a.quarter.filter(|n| (1..=4).contains(n)) {
                    q[usize::from(n - 1)] = add(q[usize::from(n - 1)], a.value);
                }
            }
            q
        });
        let mut reporting: Vec<uuid::Uuid> = of_year.iter().map(|a| a.organisation_id).collect();
        reporting.sort();
        reporting.dedup();
        let year_target = definition
            .fiscal_year_targets
            .iter()
            .find(|t| t.fiscal_year == fiscal_year)
            .map(|t| t.target);
        let (target, cumulative_actual, cumulative_target, compared) = match definition.accumulation
        {
            KpiAccumulation::Cumulative => {
                if let Some(a) = actual {
                    running_actual = add(running_actual, a);
                }
                running_target = if has_year_targets {
                    year_target.map_or(running_target, |t| add(running_target, t))
                } else {
                    definition
                        .period_target
                        .map(|t| t * (index as f64 + 1.0) / period_years)
                };
                let compared = actual.and(running_actual).zip(running_target);
                (year_target, running_actual, running_target, compared)
            }
            KpiAccumulation::Annual => {
                let target = year_target.or(definition.period_target);
                (target, None, None, actual.zip(target))
            }
        };
        let percent = compared.and_then(|(actual, target)| {
            achievement(definition.direction, definition.baseline, actual, target)
        });
        years.push(YearProgress {
            fiscal_year,
            actual,
            quarters,
            reported: reporting.len() as u32,
            contributors,
            target,
            cumulative_actual,
            cumulative_target,
            percent,
            status: status_of(percent, definition.at_risk_percent),
        });
    }
    let latest = years.iter().rev().find(|y| y.actual.is_some());
    KpiProgress {
        latest: latest.map(|y| y.fiscal_year),
        status: latest.map_or(ProgressStatus::NoData, |y| y.status),
        years,
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::super::{KpiKind, KpiPeriodicity, KpiTarget};
    use super::*;

    fn definition(accumulation: KpiAccumulation, contributors: usize) -> KpiDefinition {
        KpiDefinition {
            name: "正規雇用者数".into(),
            definition: String::new(),
            unit: "人".into(),
            kind: KpiKind::Output,
            direction: KpiDirection::HigherIsBetter,
            accumulation,
            periodicity: KpiPeriodicity::FiscalYear,
            baseline: None,
            baseline_fiscal_year: None,
            period_start: 2023,
            period_end: 2026,
            period_target: Some(4000.0),
            fiscal_year_targets: Vec::new(),
            source: String::new(),
            contributors: (0..contributors).map(|_| Uuid::new_v4()).collect(),
            at_risk_percent: 90,
        }
    }

    fn share(def: &KpiDefinition, who: usize, fiscal_year: i32, value: f64) -> KpiActual {
        KpiActual {
            id: Uuid::new_v4(),
            organisation_id: def.contributors[who],
            organisation_name: String::new(),
            fiscal_year,
            quarter: None,
            value,
            note: String::new(),
            published: true,
            version: 1,
            updated_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_cumulative_kpi_adds_the_years_against_the_pro_rata_target() {
        let def = definition(KpiAccumulation::Cumulative, 2);
        let actuals = [
            share(&def, 0, 2023, 700.0),
            share(&def, 1, 2023, 300.0),
            share(&def, 0, 2024, 800.0),
        ];
        let p = progress(&def, &actuals);
        assert_eq!(p.years.len(), 4);
        let y1 = &p.years[0];
        assert_eq!(
            (y1.actual, y1.cumulative_actual, y1.cumulative_target),
            (Some(1000.0), Some(1000.0), Some(1000.0))
        );
        assert_eq!((y1.reported, y1.contributors), (2, 2));
        assert_eq!(y1.status, ProgressStatus::OnTrack);
        let y2 = &p.years[1];
        // One of two reported: the sum of what was reported, said to be partial.
        assert_eq!((y2.actual, y2.reported), (Some(800.0), 1));
        assert_eq!(y2.cumulative_actual, Some(1800.0));
        assert_eq!(y2.cumulative_target, Some(2000.0));
        assert_eq!(y2.percent, Some(90.0));
        assert_eq!(y2.status, ProgressStatus::AtRisk);
        // Blanks are missing, never zero: no figure and no status for the later years.
        let y3 = &p.years[2];
        assert_eq!(
            (y3.actual, y3.cumulative_actual, y3.percent),
            (None, Some(1800.0), None)
        );
        assert_eq!(y3.status, ProgressStatus::NoData);
        assert_eq!((p.latest, p.status), (Some(2024), ProgressStatus::AtRisk));
    }

    #[test]
    fn year_targets_replace_the_pro_rata_share() {
        let mut def = definition(KpiAccumulation::Cumulative, 1);
        def.fiscal_year_targets = vec![
            KpiTarget {
                fiscal_year: 2023,
                target: 500.0,
            },
            KpiTarget {
                fiscal_year: 2024,
                target: 1500.0,
            },
        ];
        let p = progress(
            &def,
            &[share(&def, 0, 2023, 400.0), share(&def, 0, 2024, 1000.0)],
        );
        assert_eq!(p.years[0].cumulative_target, Some(500.0));
        assert_eq!(p.years[0].status, ProgressStatus::Behind);
        assert_eq!(p.years[1].cumulative_target, Some(2000.0));
        assert_eq!(p.years[1].percent, Some(70.0));
        assert_eq!(p.status, ProgressStatus::Behind);
    }

    #[test]
    fn an_annual_kpi_compares_each_year_with_its_own_target() {
        let mut def = definition(KpiAccumulation::Annual, 1);
        def.period_target = Some(1000.0);
        def.fiscal_year_targets = vec![KpiTarget {
            fiscal_year: 2024,
            target: 1200.0,
        }];
        let p = progress(
            &def,
            &[share(&def, 0, 2023, 1000.0), share(&def, 0, 2024, 1140.0)],
        );
        assert_eq!(
            (p.years[0].target, p.years[0].percent),
            (Some(1000.0), Some(100.0))
        );
        assert_eq!(
            (p.years[1].target, p.years[1].percent),
            (Some(1200.0), Some(95.0))
        );
        assert_eq!(p.years[1].cumulative_actual, None);
        assert_eq!(p.status, ProgressStatus::AtRisk);
    }

    #[test]
    fn lower_is_better_measures_the_reduction_from_the_baseline() {
        let mut def = definition(KpiAccumulation::Annual, 1);
        def.direction = KpiDirection::LowerIsBetter;
        def.baseline = Some(1000.0);
        def.period_target = Some(800.0);
        let p = progress(
            &def,
            &[share(&def, 0, 2023, 900.0), share(&def, 0, 2024, 780.0)],
        );
        assert_eq!(p.years[0].percent, Some(50.0));
        assert_eq!(p.years[0].status, ProgressStatus::Behind);
        assert_eq!(p.years[1].percent, Some(110.0));
        assert_eq!(p.years[1].status, ProgressStatus::OnTrack);
        // Without a baseline: the target over the actual; none left at all reaches it.
        assert_eq!(
            achievement(KpiDirection::LowerIsBetter, None, 1000.0, 800.0),
            Some(80.0)
        );
        assert_eq!(
            achievement(KpiDirection::LowerIsBetter, None, 0.0, 800.0),
            Some(100.0)
        );
    }

    #[test]
    fn quarters_add_up_within_their_year_only() {
        let mut def = definition(KpiAccumulation::Cumulative, 2);
        def.periodicity = KpiPeriodicity::Quarter;
        let mut actuals = Vec::new();
        for (who, year, quarter, value) in [
            (0, 2023, 1, 100.0),
            (1, 2023, 1, 50.0),
            (0, 2023, 4, 200.0), // January–March 2024: still 令和5年度
            (0, 2024, 1, 300.0), // April 2024: 令和6年度
        ] {
            let mut a = share(&def, who, year, value);
            a.quarter = Some(quarter);
            actuals.push(a);
        }
        let p = progress(&def, &actuals);
        assert_eq!(p.years[0].actual, Some(350.0));
        assert_eq!(
            p.years[0].quarters,
            Some([Some(150.0), None, None, Some(200.0)])
        );
        assert_eq!(p.years[1].actual, Some(300.0));
        assert_eq!(p.years[1].quarters, Some([Some(300.0), None, None, None]));
        assert_eq!(p.years[1].cumulative_actual, Some(650.0));
        assert_eq!(p.years[1].reported, 1);
    }

    #[test]
    fn the_threshold_is_the_secretariats() {
        assert_eq!(status_of(Some(100.0), 90), ProgressStatus::OnTrack);
        assert_eq!(status_of(Some(89.9), 90), ProgressStatus::Behind);
        assert_eq!(status_of(Some(89.9), 80), ProgressStatus::AtRisk);
        assert_eq!(status_of(None, 90), ProgressStatus::NoData);
        // Nothing to divide by is no figure, not infinity.
        assert_eq!(
            achievement(KpiDirection::HigherIsBetter, None, 10.0, 0.0),
            None
        );
    }

    #[test]
    fn nothing_reported_is_no_data_without_a_latest_year() {
        let def = definition(KpiAccumulation::Cumulative, 3);
        let p = progress(&def, &[]);
        assert_eq!((p.latest, p.status), (None, ProgressStatus::NoData));
        assert!(p
            .years
            .iter()
            .all(|y| y.actual.is_none() && y.reported == 0));
        assert_eq!(p.years[3].cumulative_target, Some(4000.0));
    }
}

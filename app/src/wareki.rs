//! 和暦 (Japanese era) dates and 年度 (fiscal years, April–March), as Japanese public
//! bodies write them. 令和7年度 is 2025-04-01 … 2026-03-31.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Japan has one offset all year (no summer time), so neither side needs a tz database.
fn japan_offset() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Today in Japan: deadlines, fiscal years and 和暦 dates are Japan dates.
pub fn japan_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&japan_offset()).date_naive()
}

/// A moment as the date and time on a Japanese clock, the date as `lang` writes it.
pub(crate) fn japan_time(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&japan_offset());
    format!(
        "{} {}",
        display_date(local.date_naive(), lang),
        local.format("%H:%M")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// The first day of each era, newest first.
    const STARTS: [(Era, i32, u32, u32); 3] = [
        (Era::Reiwa, 2019, 5, 1),
        (Era::Heisei, 1989, 1, 8),
        (Era::Showa, 1926, 12, 25),
    ];

    pub fn of(date: NaiveDate) -> Option<(Era, i32)> {
        Self::STARTS.iter().find_map(|&(era, y, m, d)| {
            let start = NaiveDate::from_ymd_opt(y, m, d).expect("era start dates are valid");
            (date >= start).then(|| (era, date.year() - y + 1))
        })
    }

    pub fn kanji(self) -> &'static str {
        match self {
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    pub fn romaji(self) -> &'static str {
        match self {
            Era::Showa => "Shōwa",
            Era::Heisei => "Heisei",
            Era::Reiwa => "Reiwa",
        }
    }
}

/// The first year of an era is written 元年, not 1年.
fn era_year(year: i32) -> String {
    if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    }
}

/// 令和元年5月1日.
pub fn wareki_date(date: NaiveDate) -> String {
    match Era::of(date) {
        Some((era, year)) => format!(
            "{}{}年{}月{}日",
            era.kanji(),
            era_year(year),
            date.month(),
            date.day()
        ),
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// A date as a person reading in `lang` expects it.
pub fn display_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => wareki_date(date),
        Lang::En => date.format("%-d %b %Y").to_string(),
    }
}

/// 年度: the fiscal year that starts on 1 April of `start_year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    pub fn of(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            FiscalYear(date.year())
        } else {
            FiscalYear(date.year() - 1)
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("1 April exists in every year")
    }

    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("31 March exists in every year")
    }

    /// The era a fiscal year is named in: the one in force at the end of its first
    /// calendar year, so April 2019 – March 2020 is 令和元年度, as ministries name it.
    pub fn era(self) -> Option<(Era, i32)> {
        let last_day_of_start_year =
            NaiveDate::from_ymd_opt(self.0, 12, 31).expect("31 December exists in every year");
        Era::of(last_day_of_start_year)
    }

    /// 令和7年度
    pub fn wareki(self) -> String {
        match self.era() {
            Some((era, year)) => format!("{}{}年度", era.kanji(), era_year(year)),
            None => format!("{}年度", self.0),
        }
    }

    /// 令和7年度（2025年度） in Japanese, "FY2025 (Reiwa 7)" in English.
    pub fn label(self, lang: Lang) -> String {
        match (lang, self.era()) {
            (Lang::Ja, _) => format!("{}（{}年度）", self.wareki(), self.0),
            (Lang::En, Some((era, year))) => format!("FY{} ({} {})", self.0, era.romaji(), year),
            (Lang::En, None) => format!("FY{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn era_boundary_heisei_to_reiwa() {
        assert_eq!(wareki_date(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(wareki_date(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(wareki_date(d(2020, 5, 1)), "令和2年5月1日");
    }

    #[test]
    fn era_boundary_showa_to_heisei() {
        assert_eq!(wareki_date(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(wareki_date(d(1989, 1, 8)), "平成元年1月8日");
    }

    #[test]
    fn fiscal_year_boundary() {
        assert_eq!(FiscalYear::of(d(2026, 3, 31)), FiscalYear(2025));
        assert_eq!(FiscalYear::of(d(2026, 4, 1)), FiscalYear(2026));
        assert_eq!(FiscalYear(2025).wareki(), "令和7年度");
        assert_eq!(FiscalYear(2025).start(), d(2025, 4, 1));
        assert_eq!(FiscalYear(2025).end(), d(2026, 3, 31));
        assert_eq!(FiscalYear::of(d(2026, 3, 31)).wareki(), "令和7年度");
        assert_eq!(FiscalYear::of(d(2026, 4, 1)).wareki(), "令和8年度");
    }

    #[test]
    fn fiscal_years_across_the_era_change() {
        assert_eq!(FiscalYear(2018).wareki(), "平成30年度");
        assert_eq!(FiscalYear(2019).wareki(), "令和元年度");
        assert_eq!(FiscalYear(1988).wareki(), "昭和63年度");
        assert_eq!(FiscalYear(1989).wareki(), "平成元年度");
    }

    #[test]
    fn labels_in_both_languages() {
        assert_eq!(FiscalYear(2025).label(Lang::Ja), "令和7年度（2025年度）");
        assert_eq!(FiscalYear(2025).label(Lang::En), "FY2025 (Reiwa 7)");
        assert_eq!(display_date(d(2026, 11, 25), Lang::En), "25 Nov 2026");
    }
}

//! Numbers and dates people send, each bounded to a documented range that fits where it is
//! stored. The input types use these instead of bare `u32`/`u64`/`NaiveDate`, so a value
//! out of range cannot be deserialised at all: JSON bodies answer 422 `invalid_field`
//! (naming the field), query strings 422 `invalid_query`, page forms go back with
//! `?error=invalid_field`. Nothing is cast or clamped on the way to the database.
//!
//! | type | where | range | stored as |
//! |---|---|---|---|
//! | [`Placements`] | `outcome.placements`, `placements_offered` | 0 – 1,000 | `integer` (i32) |
//! | [`People`] | `profile.people` | 1 – 1,000 | JSON text |
//! | [`Page`] | `page` of the outreach list | 0 – 100,000 | (an offset of at most 20,000,000) |
//! | [`PerPage`] | `per_page` of the outreach list | 1 – 200 | (a `LIMIT`) |
//! | [`SyncLimit`] | `limit` of `/api/v1/sync` | 1 – 500 | (a `LIMIT`) |
//! | [`YearParam`] | `year` of the library search (年度) | 2000 – 2100 | (a facet) |
//! | `offset` of the library search | | 0 – 10,000 (`PracticeFilter::MAX_OFFSET`, 422 `offset_too_large`) | (a top-k) |
//! | `since` of `/api/v1/sync` | | 0 – i64 (422 `invalid_cursor` below 0) | `bigint` |
//! | [`InputDate`] | `deadline` | 2000-01-01 – 2100-12-31 | `date` (PostgreSQL), `YYYY-MM-DD` text (SQLite) |
//! | practice `results[].value` | a figure | −1,000,000,000,000 – 1,000,000,000,000, finite | JSON text |
//!
//! Why a fixed window for dates: within it every date is written with a four-digit year,
//! so SQLite's `YYYY-MM-DD` text orders exactly as PostgreSQL's `date` does and "past its
//! deadline" means the same on both. `+10000-01-01` sorted as text before `2026-…`.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A number or date outside its documented range; the message names what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OutOfRange(pub String);

macro_rules! bounded_integer {
    ($(#[$doc:meta])* $name:ident($inner:ty), $min:expr, $max:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name($inner);

        impl $name {
            /// The smallest value accepted.
            pub const MIN: $inner = $min;
            /// The largest value accepted.
            pub const MAX: $inner = $max;

            /// The value, if it is in range.
            pub fn new(value: i128) -> Result<Self, OutOfRange> {
                if (Self::MIN as i128..=Self::MAX as i128).contains(&value) {
                    Ok($name(value as $inner))
                } else {
                    Err(Self::out_of_range())
                }
            }

            /// A value read back from storage, brought into range (rows written before the
            /// range was checked).
            pub fn saturating(value: i128) -> Self {
                $name(value.clamp(Self::MIN as i128, Self::MAX as i128) as $inner)
            }

            pub const fn get(self) -> $inner {
                self.0
            }

            fn out_of_range() -> OutOfRange {
                OutOfRange(format!(
                    "{} must be a whole number from {} to {}",
                    $what,
                    Self::MIN,
                    Self::MAX
                ))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = OutOfRange;

            /// From a form field or a query parameter: digits, optionally signed.
            fn from_str(s: &str) -> Result<Self, OutOfRange> {
                s.trim()
                    .parse::<i128>()
                    .map_err(|_| Self::out_of_range())
                    .and_then(Self::new)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(&$name::out_of_range().0)
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        $name::new(v as i128).map_err(E::custom)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        $name::new(v as i128).map_err(E::custom)
                    }
                    fn visit_i128<E: de::Error>(self, v: i128) -> Result<$name, E> {
                        $name::new(v).map_err(E::custom)
                    }
                    fn visit_u128<E: de::Error>(self, v: u128) -> Result<$name, E> {
                        $name::new(i128::try_from(v).unwrap_or(i128::MAX)).map_err(E::custom)
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        // 3.0 is three; 3.5, 1e400 (infinite) and NaN are not whole numbers.
                        if v.is_finite() && v.fract() == 0.0 {
                            // `as` saturates, and a saturated value is out of range anyway.
                            $name::new(v as i128).map_err(E::custom)
                        } else {
                            Err(E::custom($name::out_of_range()))
                        }
                    }
                    // Query strings and forms carry text.
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_any(V)
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
                utoipa::openapi::RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type(SchemaType::Type(Type::Integer))
                        .minimum(Some($name::MIN as f64))
                        .maximum(Some($name::MAX as f64))
                        .description(Some($name::out_of_range().0))
                        .build(),
                ))
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {}
    };
}

bounded_integer!(
    /// Placements (people placed, or places offered) on one outreach request: 0 to 1,000,
    /// as many as a request can be about ([`People::MAX`]).
    Placements(u32),
    0,
    1_000,
    "the number of placements"
);

bounded_integer!(
    /// How many people an outreach request is about: 1 to 1,000.
    People(u32),
    1,
    1_000,
    "`profile.people`"
);

impl Default for People {
    fn default() -> Self {
        People(1)
    }
}

impl Placements {
    /// Stored as a signed 32-bit integer; the range fits it.
    pub fn stored(self) -> i32 {
        self.0 as i32
    }
}

bounded_integer!(
    /// A page of the outreach list, from 0 (at most 100,000: with 200 a page, 20 million
    /// requests, more than the country will write).
    Page(u64),
    0,
    100_000,
    "`page`"
);

// The macro makes the type, and the other bounded types have defaults inside their
// ranges that are not zero, so this one states its default the same way.
#[allow(clippy::derivable_impls)]
impl Default for Page {
    fn default() -> Self {
        Page(0)
    }
}

bounded_integer!(
    /// How many requests a page of the outreach list holds: 1 to 200 (default 50).
    PerPage(u64),
    1,
    200,
    "`per_page`"
);

impl Default for PerPage {
    fn default() -> Self {
        PerPage(50)
    }
}

bounded_integer!(
    /// How many changes one `/api/v1/sync` answer holds: 1 to 500 (default 200).
    SyncLimit(u64),
    1,
    500,
    "`limit`"
);

impl Default for SyncLimit {
    fn default() -> Self {
        SyncLimit(200)
    }
}

bounded_integer!(
    /// A fiscal year (年度) as a filter, e.g. 2026: 2000 to 2100, the window of
    /// [`InputDate`].
    YearParam(i32),
    2000,
    2100,
    "`year`"
);

/// The largest magnitude of a practice's result figure (`results[].value`): a trillion,
/// above any count or yen amount a platform reports, far inside an f64's exact integers.
pub const MAX_RESULT_VALUE: f64 = 1e12;

/// Whether a result figure is a finite number within ±[`MAX_RESULT_VALUE`].
pub fn result_value_in_range(value: f64) -> bool {
    value.is_finite() && value.abs() <= MAX_RESULT_VALUE
}

/// A date a person sends (an outreach request's `deadline`): `YYYY-MM-DD`, from
/// 2000-01-01 to 2100-12-31 (see the module's note for why a fixed window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct InputDate(NaiveDate);

impl InputDate {
    pub const FIRST_YEAR: i32 = 2000;
    pub const LAST_YEAR: i32 = 2100;

    pub fn first() -> NaiveDate {
        NaiveDate::from_ymd_opt(Self::FIRST_YEAR, 1, 1).expect("1 January exists")
    }

    pub fn last() -> NaiveDate {
        NaiveDate::from_ymd_opt(Self::LAST_YEAR, 12, 31).expect("31 December exists")
    }

    /// The date, if it is inside the window.
    pub fn new(date: NaiveDate) -> Result<Self, OutOfRange> {
        if (Self::first()..=Self::last()).contains(&date) {
            Ok(InputDate(date))
        } else {
            Err(Self::out_of_range())
        }
    }

    pub const fn get(self) -> NaiveDate {
        self.0
    }

    fn out_of_range() -> OutOfRange {
        OutOfRange(format!(
            "a date must be YYYY-MM-DD from {} to {}",
            Self::first(),
            Self::last()
        ))
    }
}

impl FromStr for InputDate {
    type Err = OutOfRange;

    /// Exactly `YYYY-MM-DD` (a form's date field), inside the window.
    fn from_str(s: &str) -> Result<Self, OutOfRange> {
        let s = s.trim();
        // chrono would also read `+10000-01-01` or `2026-1-5`; a date a person sends is
        // ten characters.
        if s.len() != 10 {
            return Err(Self::out_of_range());
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| Self::out_of_range())
            .and_then(Self::new)
    }
}

impl<'de> Deserialize<'de> for InputDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(de::Error::custom)
    }
}

impl From<InputDate> for NaiveDate {
    fn from(date: InputDate) -> NaiveDate {
        date.0
    }
}

#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for InputDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
        };
        utoipa::openapi::RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .description(Some(InputDate::out_of_range().0))
                .build(),
        ))
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for InputDate {}

/// A query parameter of a page or a server function, read as the API reads it: absent or
/// empty is `None`; anything `parse` refuses (a number out of its range, a value not in
/// its list) is 422 `invalid_query` naming the parameter, never dropped or clamped.
pub fn query_param<T>(
    name: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, crate::api::AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| crate::api::AppError::Invalid {
                code: "invalid_query".into(),
                message: format!("`{name}`: {v:?} is not one of the values this page takes."),
            }),
    }
}

/// [`query_param`] of a bounded number, saying its range.
pub fn query_number<T: FromStr<Err = OutOfRange>>(
    name: &str,
    value: Option<&str>,
) -> Result<Option<T>, crate::api::AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|e: OutOfRange| crate::api::AppError::Invalid {
                code: "invalid_query".into(),
                message: format!("`{name}`: {e}."),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_refused_outside_their_range_in_every_shape() {
        for text in [
            "4294967295",
            "-1",
            "1001",
            "1.5",
            "1e400",
            "18446744073709551616",
            "\"abc\"",
            "null",
        ] {
            assert!(
                serde_json::from_str::<Placements>(text).is_err(),
                "{text} was accepted"
            );
        }
        assert_eq!(serde_json::from_str::<Placements>("0").unwrap().get(), 0);
        assert_eq!(
            serde_json::from_str::<Placements>("1000").unwrap().get(),
            1000
        );
        assert_eq!(serde_json::from_str::<Placements>("3.0").unwrap().get(), 3);
        assert!("0".parse::<People>().is_err());
        assert_eq!(" 7 ".parse::<People>().unwrap().get(), 7);
        assert!("100001".parse::<Page>().is_err());
        assert!("0".parse::<PerPage>().is_err());
        assert!("501".parse::<SyncLimit>().is_err());
        assert!("99999".parse::<YearParam>().is_err());
        let message = serde_json::from_str::<Placements>("4294967295")
            .unwrap_err()
            .to_string();
        assert!(message.contains("0 to 1000"), "{message}");
        assert_eq!(Placements::saturating(-5).get(), 0);
        assert_eq!(Placements::saturating(1 << 40).get(), 1000);
    }

    #[test]
    fn dates_are_ten_characters_inside_the_window() {
        for text in [
            "+10000-01-01",
            "1999-12-31",
            "2101-01-01",
            "2026-1-5",
            "2026-02-30",
            "",
        ] {
            assert!(text.parse::<InputDate>().is_err(), "{text} was accepted");
        }
        assert!("2000-01-01".parse::<InputDate>().is_ok());
        assert!("2100-12-31".parse::<InputDate>().is_ok());
        assert!(serde_json::from_str::<InputDate>("\"+10000-01-01\"").is_err());
        assert_eq!(
            serde_json::to_string(&"2027-03-31".parse::<InputDate>().unwrap()).unwrap(),
            "\"2027-03-31\""
        );
    }

    #[test]
    fn result_figures_are_finite_and_bounded() {
        assert!(result_value_in_range(3.0));
        assert!(result_value_in_range(-1e12));
        assert!(!result_value_in_range(1e13));
        assert!(!result_value_in_range(f64::NAN));
    }
}

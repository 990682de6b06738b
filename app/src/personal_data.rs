//! The personal-data check (guidelines §6): Kakehashi keeps no personal data about the
//! people being supported, so free text that carries a phone number, an e-mail address,
//! a 12-digit individual number (My Number) or a street address down to the block or
//! house is refused. The same check runs in the browser (to warn before saving) and on
//! the server (to refuse), so it lives here, as plain code over characters.
//!
//! It errs towards letting ordinary text through: dates (2026-04-01, 令和8年4月1日), age
//! bands (40-44), counts (3名), hours (週20時間) and case or product codes (R8-0012,
//! ABC-1234-5678) are not personal data.

use serde::{Deserialize, Serialize};

/// What was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalDataKind {
    PhoneNumber,
    EmailAddress,
    IndividualNumber,
    StreetAddress,
}

impl PersonalDataKind {
    pub fn describe(self) -> &'static str {
        match self {
            PersonalDataKind::PhoneNumber => "a phone number",
            PersonalDataKind::EmailAddress => "an e-mail address",
            PersonalDataKind::IndividualNumber => "a 12-digit individual number (My Number)",
            PersonalDataKind::StreetAddress => "a street address with block or house numbers",
        }
    }
}

/// One finding: the field, the kind and the text that was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub field: String,
    pub kind: PersonalDataKind,
    pub found: String,
}

impl Finding {
    /// The API's message: names the field and what was found.
    pub fn message(&self) -> String {
        format!(
            "`{}` contains what looks like {}: \"{}\". Kakehashi keeps no personal data about the people being supported; describe them without it.",
            self.field,
            self.kind.describe(),
            self.found
        )
    }
}

/// An input type's free-text fields, named once. The server's one personal-data check
/// (`http::input::refuse_personal_data_in`) scans exactly these, and a test holds
/// `FREE_TEXT` and `EXEMPT` together to every string field of the type's API schema, so a
/// new string field fails that test until it is listed in one or the other.
///
/// Paths name fields as the API does, with `[]` for any element of a list:
/// `title`, `tags[]`, `companies[].sector`, `profile.age_band`.
pub trait FreeText: Serialize {
    /// The fields people write in (sentences, names, places, units): checked.
    const FREE_TEXT: &'static [&'static str];
    /// String fields that are not free text and so not checked: account e-mails,
    /// passwords, URLs and the like. Ids, enumerations and dates need no entry (their
    /// schema says what they are, and they are parsed, not stored as written).
    const EXEMPT: &'static [&'static str] = &[];

    /// Each free-text value with its path, indices filled in (`companies[2].sector`).
    fn free_text(&self) -> Vec<(String, String)> {
        // Plain data types with string keys: serialising them cannot fail.
        let value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        let mut out = Vec::new();
        strings(&value, "", "", &mut |pattern, path, text| {
            if Self::FREE_TEXT.contains(&pattern) {
                out.push((path.to_string(), text.to_string()));
            }
        });
        out
    }
}

/// Calls `found(pattern, path, text)` for every string in a JSON value.
fn strings(
    value: &serde_json::Value,
    pattern: &str,
    path: &str,
    found: &mut dyn FnMut(&str, &str, &str),
) {
    use serde_json::Value;
    match value {
        Value::String(text) => found(pattern, path, text),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(
                    item,
                    &format!("{pattern}[]"),
                    &format!("{path}[{i}]"),
                    found,
                );
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let join = |base: &str| {
                    if base.is_empty() {
                        name.clone()
                    } else {
                        format!("{base}.{name}")
                    }
                };
                strings(item, &join(pattern), &join(path), found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Checks every (field, text) pair; the findings in field order.
pub fn scan<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Finding> {
    fields
        .into_iter()
        .flat_map(|(field, text)| {
            scan_text(text)
                .into_iter()
                .map(move |(kind, found)| Finding {
                    field: field.to_string(),
                    kind,
                    found,
                })
        })
        .collect()
}

/// Full-width digits, letters and punctuation as their ASCII forms, and the many dashes
/// people type between digits as '-', so that `０９０－１２３４－５６７８` is seen.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF70}' => '-',
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The findings in one text, each with the text as written.
pub fn scan_text(text: &str) -> Vec<(PersonalDataKind, String)> {
    let original: Vec<char> = text.chars().collect();
    let chars: Vec<char> = original.iter().map(|c| fold(*c)).collect();
    let slice = |from: usize, to: usize| original[from..to].iter().collect::<String>();
    let mut found = Vec::new();
    for (kind, from, to) in emails(&chars)
        .into_iter()
        .chain(digit_runs(&chars))
        .chain(addresses(&chars))
    {
        let text = slice(from, to);
        if !found.iter().any(|(k, t)| *k == kind && *t == text) {
            found.push((kind, text));
        }
    }
    found
}

fn is_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

fn is_domain(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

fn emails(chars: &[char]) -> Vec<(PersonalDataKind, usize, usize)> {
    let mut out = Vec::new();
    for (at, c) in chars.iter().enumerate() {
        if *c != '@' {
            continue;
        }
        let mut start = at;
        while start > 0 && is_local(chars[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < chars.len() && is_domain(chars[end]) {
            end += 1;
        }
        // A trailing full stop ends the sentence, not the domain.
        while end > at + 1 && chars[end - 1] == '.' {
            end -= 1;
        }
        let domain: String = chars[at + 1..end].iter().collect();
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if start < at && domain.contains('.') && tld_ok {
            out.push((PersonalDataKind::EmailAddress, start, end));
        }
    }
    out
}

/// Runs of digits joined by the separators phone numbers and My Numbers are written with.
/// A run that touches a letter or another number (a code like ABC-1234-5678, a date) is
/// left alone.
fn digit_runs(chars: &[char]) -> Vec<(PersonalDataKind, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let international =
            chars[i] == '+' && chars.get(i + 1) == Some(&'8') && chars.get(i + 2) == Some(&'1');
        if !chars[i].is_ascii_digit() && !international && chars[i] != '(' {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut digits = String::new();
        let mut groups = 0;
        let mut in_group = false;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits.push(c);
                if !in_group {
                    groups += 1;
                    in_group = true;
                }
                end = j + 1;
            } else if (c == '-' || c == ' ' || c == '(' || c == ')' || (c == '+' && j == start))
                && j + 1 < chars.len()
                && (chars[j + 1].is_ascii_digit() || "()- ".contains(chars[j + 1]))
            {
                in_group = false;
            } else {
                break;
            }
            j += 1;
        }
        i = j.max(i + 1);
        if digits.is_empty() {
            continue;
        }
        let before = start.checked_sub(1).map(|k| chars[k]);
        let after = chars.get(end).copied();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if glued(before) || glued(after) {
            continue;
        }
        let national = if international {
            format!("0{}", &digits[2..])
        } else {
            digits.clone()
        };
        if (national.len() == 10 || national.len() == 11)
            && national.starts_with('0')
            && !national.starts_with("00")
            && (groups == 1 || groups >= 3 || international || chars[start] == '(')
        {
            out.push((PersonalDataKind::PhoneNumber, start, end));
        } else if digits.len() == 12 && (groups == 1 || groups == 3) {
            out.push((PersonalDataKind::IndividualNumber, start, end));
        }
    }
    out
}

fn is_kanji_numeral(c: char) -> bool {
    "〇一二三四五六七八九十百千".contains(c)
}

/// 1丁目, 3番地, 2番5号, 〜町1-2-3: a place down to the block or the house.
fn addresses(chars: &[char]) -> Vec<(PersonalDataKind, usize, usize)> {
    let mut out = Vec::new();
    let n = chars.len();
    let number_before = |end: usize| -> Option<usize> {
        let mut start = end;
        while start > 0 && (chars[start - 1].is_ascii_digit() || is_kanji_numeral(chars[start - 1]))
        {
            start -= 1;
        }
        (start < end).then_some(start)
    };
    let starts_with = |at: usize, word: &str| -> bool {
        word.chars()
            .enumerate()
            .all(|(k, w)| chars.get(at + k) == Some(&w))
    };
    for at in 0..n {
        // A number followed by 丁目 or 番地, or 番 then a number and 号.
        let marker = if starts_with(at, "丁目") || starts_with(at, "番地") {
            Some(at + 2)
        } else if chars[at] == '番' {
            let mut k = at + 1;
            while k < n && chars[k].is_ascii_digit() {
                k += 1;
            }
            (k > at + 1 && chars.get(k) == Some(&'号')).then_some(k + 1)
        } else {
            None
        };
        if let (Some(end), Some(start)) = (marker, number_before(at)) {
            out.push((PersonalDataKind::StreetAddress, start, end));
            continue;
        }
        // A town's name (…町, …丁, …条, …通) straight followed by 1-2 or 1-2-3.
        if "町丁条通村".contains(chars[at]) && at + 1 < n && chars[at + 1].is_ascii_digit() {
            let mut k = at + 1;
            let mut groups = 1;
            while k < n && (chars[k].is_ascii_digit() || chars[k] == '-') {
                if chars[k] == '-' {
                    if k + 1 < n && chars[k + 1].is_ascii_digit() {
                        groups += 1;
                    } else {
                        break;
                    }
                }
                k += 1;
            }
            if groups >= 2 {
                out.push((PersonalDataKind::StreetAddress, at + 1, k));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PersonalDataKind> {
        scan_text(text).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn finds_what_identifies_a_person() {
        use PersonalDataKind::*;
        let cases = [
            ("連絡先は090-1234-5678です", PhoneNumber),
            ("０９０－１２３４－５６７８まで", PhoneNumber),
            ("電話 017-734-1111", PhoneNumber),
            ("(017) 734-1111", PhoneNumber),
            ("携帯09012345678", PhoneNumber),
            ("+81 90 1234 5678", PhoneNumber),
            ("本人のメール taro.yamada@example.co.jp へ", EmailAddress),
            ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", EmailAddress),
            ("個人番号 1234 5678 9012", IndividualNumber),
            ("123456789012", IndividualNumber),
            ("1234-5678-9012", IndividualNumber),
            ("青森市新町1丁目3-7に住む", StreetAddress),
            ("長島二丁目", StreetAddress),
            ("大字荒川字柴田12番地", StreetAddress),
            ("本町2番5号", StreetAddress),
            ("青森市新町1-3-7", StreetAddress),
            ("柳町2-14", StreetAddress),
        ];
        for (text, kind) in cases {
            assert_eq!(kinds(text), vec![kind], "{text}");
        }
    }

    #[test]
    fn lets_ordinary_text_through() {
        let fine = [
            "2026-04-01までに回答をお願いします",
            "令和8年4月1日から",
            "R8.4.1",
            "年齢は40-44歳",
            "3名の受け入れ",
            "週20時間、9:00-15:00",
            "案件番号 R8-0012",
            "製品コード ABC-1234-5678",
            "整理番号 2026-000123",
            "青森市内の事業所",
            "就労継続支援B型の利用者",
            "@kenko-fukushi へ共有",
            "第3四半期",
            "1番目の候補",
            "予算 1,200,000円",
            "2025年度 12件",
        ];
        for text in fine {
            assert!(kinds(text).is_empty(), "{text}: {:?}", scan_text(text));
        }
    }

    #[test]
    fn findings_name_the_field_and_what_was_found() {
        let findings = scan([
            ("title", "面接会の件"),
            ("profile.desired_work", "事務 連絡は taro@example.jp"),
        ]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].field, "profile.desired_work");
        assert_eq!(findings[0].found, "taro@example.jp");
        assert!(findings[0].message().contains("`profile.desired_work`"));
        assert!(findings[0].message().contains("e-mail"));
    }
}

//! The one check of text at the boundary. Every string a client sends — a JSON string
//! or key, a query parameter, a form field, a path segment, a multipart field — passes
//! [`check_text`] before any handler sees it, so no endpoint can forget it and both
//! databases see the same text: PostgreSQL cannot store U+0000, and control and bidi
//! characters make stored text display as something else than what it is.
//!
//! Refused anywhere (422 `invalid_field` naming the field): C0 controls (but tab, line
//! feed and carriage return in multi-line text), DEL, C1 controls, the bidi embeddings,
//! overrides and isolates (U+202A–U+202E, U+2066–U+2069) and noncharacters.
//! Names people click ([`name`]) refuse every invisible format character besides.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::{ApiError, ApiResult};

/// The longest query string accepted, in bytes (before decoding). Each parameter has its
/// own, smaller bound, documented with the endpoint; this one holds for every address.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// A noncharacter: U+FDD0–U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || (n & 0xFFFE) == 0xFFFE
}

/// A character that may not reach storage or a header in any text. `multi_line` allows
/// tab, line feed and carriage return (message bodies, descriptions).
pub fn is_forbidden(c: char, multi_line: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !multi_line,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        c => is_noncharacter(c),
    }
}

/// A character that may not be part of a name people click or read as a label: anything
/// [`is_forbidden`] in single-line text, and every invisible format character (zero-width
/// spaces and joiners, word joiner, BOM, LRM/RLM/ALM and the other Unicode `Cf`), line
/// and paragraph separators.
pub fn is_forbidden_in_name(c: char) -> bool {
    is_forbidden(c, false)
        || matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
                | GeneralCategory::Control
        )
}

fn refusal(field: &str, c: char) -> ApiError {
    ApiError::invalid(
        "invalid_field",
        format!(
            "`{}`: contains the control or format character U+{:04X}, which cannot be kept; remove it.",
            field.escape_debug(),
            c as u32
        ),
    )
}

/// 422 `invalid_field` naming `field` when `value` holds a character [`is_forbidden`].
pub fn check_text(field: &str, value: &str, multi_line: bool) -> ApiResult<()> {
    match value.chars().find(|&c| is_forbidden(c, multi_line)) {
        Some(c) => Err(refusal(field, c)),
        None => Ok(()),
    }
}

/// Every string and key of a JSON value, the field named by its path
/// (`companies[0].sector`). Strings may span lines; keys may not.
pub fn check_json(value: &serde_json::Value) -> ApiResult<()> {
    fn walk(value: &serde_json::Value, path: &mut String) -> ApiResult<()> {
        match value {
            serde_json::Value::String(s) => {
                let field = if path.is_empty() { "(body)" } else { path };
                check_text(field, s, true)
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(item, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    check_text(path, key, false)?;
                    walk(item, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(value, &mut String::new())
}

/// Where a value lies in a JSON body, built only when a refusal names it.
#[derive(Clone, Copy)]
enum JsonPath<'p> {
    Root,
    Key(&'p JsonPath<'p>, &'p str),
    Index(&'p JsonPath<'p>, usize),
}

impl std::fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            JsonPath::Root => f.write_str("(body)"),
            JsonPath::Key(JsonPath::Root, key) => f.write_str(key),
            JsonPath::Key(parent, key) => write!(f, "{parent}.{key}"),
            JsonPath::Index(JsonPath::Root, i) => write!(f, "[{i}]"),
            JsonPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Marks the two refusals of [`parse_json`] among serde_json's own errors.
const REFUSED: &str = "kakehashi refused: ";

/// serde_json's words for a `\u` escape of a lone UTF-16 surrogate.
fn is_lone_surrogate(message: &str) -> bool {
    message.contains("lone leading surrogate in hex escape")
        || message.contains("unexpected end of hex escape")
}

/// An error met while reading the value at `path`, turned into a refusal naming the field
/// when it is a lone surrogate (serde_json says only where, in lines and columns).
fn named<E: serde::de::Error>(path: &JsonPath, e: E) -> E {
    let message = e.to_string();
    if !message.starts_with(REFUSED) && is_lone_surrogate(&message) {
        E::custom(format!(
            "{REFUSED}`{}`: a \\u escape of a lone UTF-16 surrogate is no character; send the text itself or a surrogate pair.",
            path.to_string().escape_debug()
        ))
    } else {
        e
    }
}

/// Reads a JSON value strictly, as serde_json's own `Value` does not: an object that
/// names the same key twice is refused (serde_json keeps the last silently, so two
/// readers of one body could disagree on what it says).
#[derive(Clone, Copy)]
struct Strict<'p>(JsonPath<'p>);

impl<'de> serde::de::DeserializeSeed<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self).map_err(|e| named(&self.0, e))
    }
}

impl<'de> serde::de::Visitor<'de> for Strict<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) =
            seq.next_element_seed(Strict(JsonPath::Index(&self.0, items.len())))?
        {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map
            .next_key::<String>()
            .map_err(|e| named(&JsonPath::Key(&self.0, "(key)"), e))?
        {
            let path = JsonPath::Key(&self.0, &key);
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "{REFUSED}`{}`: the key is given twice in one object; send it once.",
                    path.to_string().escape_debug()
                )));
            }
            let value = map.next_value_seed(Strict(path))?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// The JSON text of a request body as a value, strictly. Not JSON at all (or not UTF-8)
/// is 400; JSON that could be read two ways — a key given twice in one object, or a `\u`
/// escape of a lone UTF-16 surrogate (`"\ud800"`, which is no character and which each
/// reader repairs differently) — is 422 `invalid_field` naming the field.
pub fn parse_json(body: &[u8]) -> ApiResult<serde_json::Value> {
    use serde::de::DeserializeSeed;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = Strict(JsonPath::Root)
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    value.map_err(|e| {
        let message = e.to_string();
        match message.strip_prefix(REFUSED) {
            Some(refusal) => ApiError::invalid("invalid_field", refusal.to_string()),
            None => ApiError::BadRequest(format!(
                "The body is not valid JSON (or not valid UTF-8): {message}"
            )),
        }
    })
}

/// Every field of a urlencoded form: names single-line, values may span lines.
pub fn check_pairs(pairs: &[(String, String)]) -> ApiResult<()> {
    for (key, value) in pairs {
        check_text(key, key, false)?;
        check_text(key, value, true)?;
    }
    Ok(())
}

/// Characters that are letters or symbols to Unicode but draw nothing: the Hangul
/// fillers (U+115F, U+1160, U+3164, U+FFA0), the braille blank (U+2800), the Khmer
/// inherent vowels (U+17B4, U+17B5) and the Mongolian vowel separator (U+180E). A name
/// may hold them beside something visible, never only them.
pub fn draws_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{2800}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
    )
}

/// A character a reader sees: a letter, digit, punctuation mark or symbol that draws
/// something. Spaces, marks on their own, format characters and [`draws_nothing`] do not.
pub fn is_visible(c: char) -> bool {
    use unicode_properties::GeneralCategoryGroup as G;
    !draws_nothing(c)
        && !c.is_whitespace()
        && matches!(
            c.general_category_group(),
            G::Letter | G::Number | G::Punctuation | G::Symbol
        )
}

/// A name people click (a subject, a title, a label, a person's or an organisation's
/// name): trimmed, 1 (when `required`) to `max` characters, on one line, with no invisible
/// format character ([`is_forbidden_in_name`]); a name that is not empty has at least one
/// [`is_visible`] character (a title of Hangul fillers or braille blanks reads as blank).
/// Otherwise 422 `invalid_field`.
pub fn name(field: &str, value: &str, max: usize, required: bool) -> ApiResult<String> {
    if let Some(c) = value.chars().find(|&c| is_forbidden_in_name(c)) {
        return Err(refusal(field, c));
    }
    let value = super::input::text(field, value, max, required)?;
    if !value.is_empty() && !value.chars().any(is_visible) {
        return Err(ApiError::invalid(
            "invalid_field",
            format!(
                "`{}`: has no visible character (only spaces or blank fillers); write something a reader can see.",
                field.escape_debug()
            ),
        ));
    }
    Ok(value)
}

/// A file name as a browser sends it: not typed by the person, so it is cleaned rather
/// than refused. Directories, quotes, controls and invisible format characters are
/// dropped; at most 200 characters; `attachment` when nothing is left.
pub fn clean_filename(name: Option<&str>) -> String {
    let base = name
        .unwrap_or("attachment")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("attachment");
    let cleaned: String = base
        .chars()
        .filter(|&c| !is_forbidden_in_name(c) && c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned.to_string()
    }
}

/// The extension a file of this (detected) type is saved with.
pub fn extension_of(content_type: &str) -> Option<&'static str> {
    Some(match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-powerpoint" => "ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.oasis.opendocument.text" => "odt",
        "application/vnd.oasis.opendocument.spreadsheet" => "ods",
        "application/vnd.oasis.opendocument.presentation" => "odp",
        _ => return None,
    })
}

/// A cleaned file name whose extension agrees with the type found in its content: a PDF
/// is `….pdf` whatever it was called (`請求書.exe` becomes `請求書.exe.pdf`; the name
/// keeps what the person called it, the saved type is the content's).
pub fn download_name(name: &str, content_type: &str) -> String {
    let name = clean_filename(Some(name));
    let Some(ext) = extension_of(content_type) else {
        return name;
    };
    let agrees = name.rsplit_once('.').is_some_and(|(stem, given)| {
        !stem.is_empty()
            && (given.eq_ignore_ascii_case(ext)
                || (ext == "jpg" && given.eq_ignore_ascii_case("jpeg")))
    });
    if agrees {
        name
    } else {
        format!("{name}.{ext}")
    }
}

/// A percent-encoded part of an address, decoded, or `None` when the bytes it encodes are
/// not UTF-8 (`%FF`): never repaired into U+FFFD, which would turn what was sent into
/// something else.
fn percent_decoded(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|t| t.into_owned())
}

/// The name of a query parameter whose name or value does not decode to UTF-8.
fn undecodable_parameter(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |t: &str| percent_decoded(&t.replace('+', " "));
        match (decode(key), decode(value)) {
            (Some(_), Some(_)) => None,
            (Some(key), None) => Some(key),
            (None, _) => Some("(name)".to_string()),
        }
    })
}

/// Checks the address of every request before routing: each path segment and each query
/// parameter (name and value, decoded) is UTF-8 (`%FF` is 422, `invalid_field` in the path
/// and `invalid_query` in the query, never U+FFFD) and single-line text under
/// [`check_text`], and the query string is at most [`MAX_QUERY_BYTES`]. Query extractors, path extractors and the
/// pages' server functions (which take their arguments from the query string) therefore
/// never see a forbidden character.
pub async fn check_address(request: Request, next: Next) -> Response {
    match check_uri(request.uri()) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// The check of [`check_address`], on its own.
pub fn check_uri(uri: &axum::http::Uri) -> ApiResult<()> {
    for segment in uri.path().split('/') {
        let Some(segment) = percent_decoded(segment) else {
            return Err(ApiError::invalid(
                "invalid_field",
                "`(path)`: the address holds percent-encoded bytes that are not UTF-8 text.",
            ));
        };
        check_text("(path)", &segment, false)?;
    }
    if let Some(query) = uri.query() {
        if query.len() > MAX_QUERY_BYTES {
            return Err(ApiError::invalid(
                "invalid_query",
                format!("The query string is longer than {MAX_QUERY_BYTES} bytes."),
            ));
        }
        if let Some(param) = undecodable_parameter(query) {
            return Err(ApiError::invalid(
                "invalid_query",
                format!(
                    "`{}`: holds percent-encoded bytes that are not UTF-8 text.",
                    param.escape_debug()
                ),
            ));
        }
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            check_text(&key, &key, false)?;
            check_text(&key, &value, false)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Characters the check must refuse in any text.
    const BAD: &[char] = &[
        '\u{0}',
        '\u{1}',
        '\u{8}',
        '\u{B}',
        '\u{C}',
        '\u{1B}',
        '\u{1F}',
        '\u{7F}',
        '\u{80}',
        '\u{85}',
        '\u{9F}',
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{FDD0}',
        '\u{FDEF}',
        '\u{FFFE}',
        '\u{FFFF}',
        '\u{1FFFE}',
        '\u{10FFFF}',
    ];
    /// Invisible in a name, harmless in running text.
    const INVISIBLE: &[char] = &[
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{FEFF}',
        '\u{200E}',
        '\u{200F}',
        '\u{061C}',
        '\u{2028}',
        '\u{2029}',
        '\u{00AD}',
        '\u{E0041}',
    ];

    fn bad_char() -> impl Strategy<Value = char> {
        prop_oneof![
            proptest::sample::select(BAD),
            (0u32..0x20).prop_filter_map("not a line break", |n| {
                char::from_u32(n).filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            }),
            (0x7Fu32..=0x9F).prop_map(|n| char::from_u32(n).expect("C1 is a char")),
            (0u32..=0x10).prop_map(|plane| {
                char::from_u32(plane * 0x10000 + 0xFFFE).expect("noncharacter is a char")
            }),
        ]
    }

    proptest! {
        /// Any text with a forbidden character anywhere is refused, naming the field.
        #[test]
        fn a_forbidden_character_anywhere_is_refused(
            before in "\\PC{0,20}", bad in bad_char(), after in "\\PC{0,20}", multi in any::<bool>()
        ) {
            let text = format!("{before}{bad}{after}");
            let err = check_text("subject", &text, multi).unwrap_err();
            prop_assert_eq!(err.code(), "invalid_field");
            prop_assert!(err.to_string().contains("`subject`"));
            prop_assert!(name("title", &text, 1000, false).is_err());
            let json = serde_json::json!({"outer": [{"inner": text}]});
            let err = check_json(&json).unwrap_err();
            prop_assert!(err.to_string().contains("`outer[0].inner`"), "{}", err);
            let cleaned = clean_filename(Some(&text));
            prop_assert!(!cleaned.chars().any(is_forbidden_in_name));
            prop_assert!(!cleaned.is_empty());
        }

        /// Printable text (letters of any script, spaces, emoji) passes untouched; line
        /// breaks pass in multi-line text only.
        #[test]
        fn printable_text_passes(text in "[\\p{L}\\p{N}\\p{P}\\p{S} ]{0,40}") {
            let lines = format!("{text}\n{text}\t\r");
            let json = serde_json::json!({ "a": text.clone() });
            prop_assert!(check_text("f", &text, false).is_ok());
            prop_assert!(check_text("f", &lines, true).is_ok());
            prop_assert!(check_text("f", &lines, false).is_err());
            prop_assert!(check_json(&json).is_ok());
        }

        /// Whatever the browser sends as a file name, what is kept has no invisible or
        /// control character and no directory, and its extension matches the content.
        #[test]
        fn file_names_are_cleaned(text in "\\PC{0,30}", invisible in proptest::sample::select(INVISIBLE), bad in bad_char()) {
            let sent = format!("{text}{invisible}{bad}fdp.exe");
            let kept = download_name(&sent, "application/pdf");
            prop_assert!(kept.ends_with(".pdf"), "{}", kept);
            prop_assert!(!kept.chars().any(is_forbidden_in_name));
            prop_assert!(!kept.contains('/') && !kept.contains('\\'));
        }
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .expect("a source directory")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// An extractor named `word` (not `ApiWord`, `PageWord`...) used at `at` in `line`.
    fn bare(line: &str, word: &str) -> bool {
        line.match_indices(word).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let after = line[at + word.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && matches!(after, Some('<' | '(' | ':'))
                && !line[at + word.len()..].starts_with("::")
        })
    }

    /// Structural: no handler reads client text but through the boundary. axum's own
    /// `Query`, `Form` and `Json` extractors are taken nowhere outside `http/` (the
    /// boundary's `ApiQuery`, `ApiForm`, `ApiJson` and `PageForm` are), and every server
    /// function of the pages takes its arguments from the address (`GetUrl`), which
    /// [`check_address`] checks for every route.
    #[test]
    fn client_text_is_read_only_through_the_boundary() {
        let server = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&server.join("src"), &mut files);
        let mut offenders = Vec::new();
        for file in files
            .iter()
            .filter(|f| !f.starts_with(server.join("src/http")))
        {
            let text = std::fs::read_to_string(file).expect("a source file");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                let json_extractor = code.contains("Json(") && code.contains("): Json<");
                if json_extractor
                    || bare(code, "Query")
                    || bare(code, "Form")
                    || code.contains("axum::Form")
                    || code.contains("extract::Query")
                {
                    offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "client text read around the boundary:\n{}",
            offenders.join("\n")
        );

        let mut app_files = Vec::new();
        rust_files(&server.join("../app/src"), &mut app_files);
        for file in app_files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for (n, line) in text.lines().enumerate() {
                let line_start = line.trim_start();
                // `#[server(default)]` marks an argument, not a server function.
                if line_start.starts_with("#[server(")
                    && !line_start.starts_with("#[server(default")
                {
                    assert!(
                        line.contains("input = GetUrl"),
                        "{}:{}: a server function whose arguments are not in the address",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }

    #[test]
    fn names_refuse_invisible_characters() {
        for &c in INVISIBLE {
            let text = format!("報告{c}書");
            assert!(
                check_text("f", &text, false).is_ok(),
                "{c:?} in running text"
            );
            let err = name("subject", &text, 100, true).unwrap_err();
            assert_eq!(err.code(), "invalid_field", "{c:?}");
        }
        assert!(name("subject", "a\tb", 100, true).is_err());
        assert_eq!(name("subject", " 連絡 ", 100, true).unwrap(), "連絡");
        // Emoji with variation selectors are names too.
        assert!(name("subject", "会議 ✅️", 100, true).is_ok());
    }

    #[test]
    fn names_need_a_visible_character() {
        for blank in [
            "\u{3164}",
            "\u{3164}\u{3164}",
            "\u{2800}",
            "\u{115F}\u{1160}",
            "\u{FFA0}",
            " \u{3164} \u{3000}\u{2800} ",
            "\u{0301}",
        ] {
            let err = name("title", blank, 100, true).unwrap_err();
            assert_eq!(err.code(), "invalid_field", "{blank:?}");
            assert!(err.to_string().contains("`title`"), "{err}");
            // Optional names may be empty, but not blank-looking.
            assert!(name("area", blank, 100, false).is_err(), "{blank:?}");
        }
        assert_eq!(name("area", "  ", 100, false).unwrap(), "");
        for visible in ["a", "青森", "ｱ", "1", "・", "✅️", "e\u{0301}", "한\u{3164}"] {
            assert!(name("title", visible, 100, true).is_ok(), "{visible:?}");
        }
    }

    #[test]
    fn json_that_reads_two_ways_is_refused_naming_the_field() {
        for (body, field) in [
            (r#"{"a":{"b":1,"b":2}}"#, "a.b"),
            (r#"[{"x":1},{"x":1,"y":2,"x":1}]"#, "[1].x"),
            (r#"{"email":"a","email":"b"}"#, "email"),
            (r#"{"s":"\ud800"}"#, "s"),
            (r#"{"s":"a\udc00b"}"#, "s"),
            (r#"{"s":"\ud800\u0041"}"#, "s"),
            (r#"{"l":["ok","\ud800x"]}"#, "l[1]"),
            (r#"{"o":{"p":["\udbff"]}}"#, "o.p[0]"),
            (r#""\ud800""#, "(body)"),
            (r#"{"\ud800":1}"#, "(key)"),
        ] {
            let err = parse_json(body.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "invalid_field", "{body}: {err}");
            assert!(
                err.to_string().contains(&format!("`{field}`")),
                "{body}: {err}"
            );
        }
        for broken in ["{", "{\"a\":1}x", "[1,]", "\"\\x\"", ""] {
            assert_eq!(
                parse_json(broken.as_bytes()).unwrap_err().code(),
                "bad_request",
                "{broken}"
            );
        }
        assert_eq!(parse_json(b"\"a\xFFb\"").unwrap_err().code(), "bad_request");
        // Everything else reads exactly as serde_json reads it.
        let body = r#"{"n":[0,-1,18446744073709551615,-9223372036854775808,1.5,1e300,-0.0],
            "t":true,"f":false,"z":null,"s":"\ud83d\ude00 \u00e9\"","o":{"a":{},"b":[]}}"#;
        let expected: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(parse_json(body.as_bytes()).unwrap(), expected);
    }

    #[test]
    fn download_names_follow_the_content() {
        assert_eq!(
            download_name("請求書\u{202E}fdp.exe", "application/pdf"),
            "請求書fdp.exe.pdf"
        );
        assert_eq!(download_name("報告書.PDF", "application/pdf"), "報告書.PDF");
        assert_eq!(download_name("写真.jpeg", "image/jpeg"), "写真.jpeg");
        assert_eq!(download_name(".pdf", "application/pdf"), "pdf.pdf");
        assert_eq!(download_name("表.xlsx", "application/pdf"), "表.xlsx.pdf");
        assert_eq!(clean_filename(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_filename(Some("\u{200B}")), "attachment");
    }

    #[test]
    fn addresses_are_checked_decoded() {
        let ok: axum::http::Uri = "/api/v1/threads?q=%E5%B0%B1%E5%8A%B4+a".parse().unwrap();
        assert!(check_uri(&ok).is_ok());
        for bad in [
            "/api/v1/threads?q=a%00b",
            "/api/v1/threads?q=a%0Ab",
            "/api/v1/threads?q%01=a",
            "/api/v1/threads?q=%E2%80%AEabc",
            "/p/a%00b/invitations",
            "/lang/en?next=/%09/evil.example/",
        ] {
            let uri: axum::http::Uri = bad.parse().unwrap();
            let err = check_uri(&uri).unwrap_err();
            assert_eq!(err.code(), "invalid_field", "{bad}");
        }
        for (bad, code) in [
            ("/api/v1/threads?q=a%FFb", "invalid_query"),
            ("/api/v1/threads?q%C3=a", "invalid_query"),
            ("/api/v1/threads?q=%E5%B0", "invalid_query"),
            ("/p/a%FFb/invitations", "invalid_field"),
        ] {
            let uri: axum::http::Uri = bad.parse().unwrap();
            assert_eq!(check_uri(&uri).unwrap_err().code(), code, "{bad}");
        }
        let long: axum::http::Uri = format!("/x?q={}", "a".repeat(MAX_QUERY_BYTES))
            .parse()
            .unwrap();
        assert_eq!(check_uri(&long).unwrap_err().code(), "invalid_query");
    }
}

//! The good-practice library (好事例, guidelines §3(1)③⑤ and §4(4)): the wire types,
//! shared by the server and the pages.
//!
//! The pages sit beside the types they render, so a change to the library is made in
//! one place: the library search (`list`), a practice's page (`practice`) and the editor
//! (`form`), which name things the same way through `labels`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{text_enum, TargetGroup, UserSummary};

mod form;
mod labels;
mod list;
mod practice;

pub(crate) use form::{PracticeEditView, PracticeNewView};
pub(crate) use list::PracticesListView;
pub(crate) use practice::PracticePageView;

crate::components::lazy_pages! {
    PracticesChunkPage, practices_pages, __preload_practices_pages;
    /// `/practices`: the good-practice library.
    PracticesListRoute => PracticesListView,
    /// `/practices/:id`: one good practice.
    PracticeRoute => PracticePageView,
}
// Writing and editing a report is a chunk of its own: most readers never do, and with
// the rest the feature passed its chunk budget.
crate::components::lazy_pages! {
    PracticeDraftingChunkPage, practice_drafting_pages, __preload_practice_drafting_pages;
    /// `/practices/new`: the new-practice form.
    PracticeNewRoute => PracticeNewView,
    /// `/practices/:id/edit`: the practice editor.
    PracticeEditRoute => PracticeEditView,
}

/// Who may read a practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PracticeVisibility {
    /// The author platform only.
    Platform,
    /// Every platform of the prefectural network.
    Network,
    /// Also the public portal, once it exists.
    Public,
}
text_enum!(PracticeVisibility {
    Platform => "platform",
    Network => "network",
    Public => "public",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PracticeStatus {
    /// Seen by the author platform only, whatever the visibility.
    Draft,
    Published,
}
text_enum!(PracticeStatus { Draft => "draft", Published => "published" });

/// Whether a practice is shared beyond its platform: published, and not kept to the
/// platform. The network then reads it and hears of its changes, and it may be featured.
pub fn shared_beyond_platform(status: PracticeStatus, visibility: PracticeVisibility) -> bool {
    status == PracticeStatus::Published && visibility != PracticeVisibility::Platform
}

/// A result as a figure with its unit: 正規雇用 3名.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeResult {
    pub label: String,
    /// A finite figure within ±1,000,000,000,000 (`bounded::MAX_RESULT_VALUE`).
    #[cfg_attr(feature = "ssr", schema(minimum = -1e12, maximum = 1e12))]
    pub value: f64,
    pub unit: String,
}

/// An organisation to contact about the practice (never a private person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactOrganisation {
    pub id: Uuid,
    pub name: String,
}

/// 参考にした: a platform is trying the practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Adoption {
    pub platform_id: Uuid,
    pub platform_name: String,
    pub by: UserSummary,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A good practice as one reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GoodPractice {
    pub id: Uuid,
    pub platform_id: Uuid,
    pub platform_name: String,
    pub title: String,
    pub summary: String,
    /// Markdown, as written.
    pub body: String,
    /// The body rendered and sanitised (no script, no raw HTML, no `javascript:`).
    pub body_html: String,
    pub target_groups: Vec<TargetGroup>,
    pub tags: Vec<String>,
    pub area: String,
    /// Such as 令和6年度.
    pub period: String,
    pub results: Vec<PracticeResult>,
    pub contact_organisation: Option<ContactOrganisation>,
    pub visibility: PracticeVisibility,
    pub status: PracticeStatus,
    /// Featured (周知) across the network by the secretariat, since.
    pub featured_at: Option<DateTime<Utc>>,
    pub version: u32,
    pub created_by: UserSummary,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub adoption_count: u64,
    /// Who adopted it: shown to the author platform only.
    pub adoptions: Vec<Adoption>,
    /// Whether one of the caller's platforms has marked it 参考にした.
    pub adopted_by_me: bool,
    /// Readers' comments, oldest first.
    pub comments: Vec<PracticeComment>,
    /// Files attached by the author platform, oldest first.
    pub attachments: Vec<PracticeAttachment>,
    pub can_edit: bool,
    pub can_feature: bool,
    /// One of the caller's platforms (not the author's) may mark it 参考にした.
    pub can_adopt: bool,
}

/// A file attached to a practice (PDF, Office documents, images), downloaded from
/// `/api/v1/practices/{practice}/attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeAttachment {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: UserSummary,
    pub created_at: DateTime<Utc>,
}

/// A reader's comment on a practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeComment {
    pub id: Uuid,
    pub author: UserSummary,
    /// The author's organisation (their platform's secretariat or member organisation).
    pub organisation_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The author may take back their own comment.
    pub can_delete: bool,
}

/// `POST /api/v1/practices/{id}/comments`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewPracticeComment {
    pub body: String,
}

/// What a practice says, as one version left it (the version history keeps one per change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeContent {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub target_groups: Vec<TargetGroup>,
    pub tags: Vec<String>,
    pub area: String,
    pub period: String,
    pub results: Vec<PracticeResult>,
    pub contact_organisation_id: Option<Uuid>,
    pub visibility: PracticeVisibility,
    pub status: PracticeStatus,
}

impl PracticeContent {
    /// The fields' names, as the version history lists them.
    pub const FIELDS: [&'static str; 11] = [
        "title",
        "summary",
        "body",
        "target_groups",
        "tags",
        "area",
        "period",
        "results",
        "contact_organisation_id",
        "visibility",
        "status",
    ];

    /// The names of the fields that differ, in the order of `FIELDS`.
    pub fn changed_fields(&self, after: &PracticeContent) -> Vec<String> {
        let same = [
            self.title == after.title,
            self.summary == after.summary,
            self.body == after.body,
            self.target_groups == after.target_groups,
            self.tags == after.tags,
            self.area == after.area,
            self.period == after.period,
            self.results == after.results,
            self.contact_organisation_id == after.contact_organisation_id,
            self.visibility == after.visibility,
            self.status == after.status,
        ];
        Self::FIELDS
            .iter()
            .zip(same)
            .filter(|(_, same)| !same)
            .map(|(name, _)| name.to_string())
            .collect()
    }
}

/// One entry of a practice's version history: who changed what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeVersion {
    pub version: u32,
    pub changed_by: UserSummary,
    pub changed_at: DateTime<Utc>,
    /// The fields this version changed (every field for the first version).
    pub fields: Vec<String>,
    pub content: PracticeContent,
}

/// The library's search: words and facet filters. Every field narrows the result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct PracticeFilter {
    /// Words to find in title, summary, body and tags; all must match. At most 10 words
    /// and 100 characters (422 `invalid_query` beyond).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(max_length = 100))]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<TargetGroup>,
    /// Only practices with this tag; at most 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(max_length = 50))]
    pub tag: Option<String>,
    /// Only practices of this area; at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(max_length = 200))]
    pub area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Uuid>,
    /// The fiscal year (年度, April to March) the practice was written in, e.g. 2026;
    /// 2000 to 2100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(value_type = Option<i32>, minimum = 2000, maximum = 2100))]
    pub year: Option<crate::bounded::YearParam>,
    /// Only practices featured (周知) across the network.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub featured: bool,
    /// How many results to skip (paging): 0 to 10,000 (422 `offset_too_large` beyond).
    #[serde(default, skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "ssr", param(minimum = 0, maximum = 10000))]
    pub offset: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A filter of the search, named as in the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FilterKey {
    Q,
    TargetGroup,
    Tag,
    Area,
    Platform,
    Year,
    Featured,
}

impl PracticeFilter {
    /// The deepest a search pages. Ranking keeps offset + a page of results in memory,
    /// so a deeper offset is refused rather than tried; a narrower search finds the rest.
    pub const MAX_OFFSET: u64 = 10_000;
    /// The longest search: each word is a query of its own over four fields, so the words
    /// are bounded (in characters and in number) like every other input.
    pub const MAX_QUERY_CHARS: usize = 100;
    pub const MAX_WORDS: usize = 10;

    /// The filters that are set, in a fixed order.
    pub fn active(&self) -> Vec<FilterKey> {
        let mut out = Vec::new();
        if self.words().is_some() {
            out.push(FilterKey::Q);
        }
        if self.target_group.is_some() {
            out.push(FilterKey::TargetGroup);
        }
        if self.tag.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            out.push(FilterKey::Tag);
        }
        if self.area.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            out.push(FilterKey::Area);
        }
        if self.platform.is_some() {
            out.push(FilterKey::Platform);
        }
        if self.year.is_some() {
            out.push(FilterKey::Year);
        }
        if self.featured {
            out.push(FilterKey::Featured);
        }
        out
    }

    /// The query words, if any.
    pub fn words(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    /// The same search without one filter (and from the first page).
    pub fn without(&self, key: FilterKey) -> PracticeFilter {
        let mut f = self.clone();
        f.offset = 0;
        match key {
            FilterKey::Q => f.q = None,
            FilterKey::TargetGroup => f.target_group = None,
            FilterKey::Tag => f.tag = None,
            FilterKey::Area => f.area = None,
            FilterKey::Platform => f.platform = None,
            FilterKey::Year => f.year = None,
            FilterKey::Featured => f.featured = false,
        }
        f
    }
}

/// A piece of a snippet; `hit` pieces are what the words matched (shown highlighted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// One search result: the practice and where the words were found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeHit {
    #[serde(flatten)]
    pub practice: GoodPractice,
    /// The title in pieces, the words marked.
    pub title_marked: Vec<SnippetPart>,
    /// A short passage of the summary or body around the words (the summary's start
    /// when there are no words).
    pub snippet: Vec<SnippetPart>,
}

/// How many results have one value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetCount {
    /// The value to filter by.
    pub value: String,
    /// What to show: the platform's name; otherwise the value itself.
    pub label: String,
    pub count: u64,
}

/// Counts of the whole result (not just the page) by each facet, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeFacets {
    pub target_group: Vec<FacetCount>,
    pub tag: Vec<FacetCount>,
    pub area: Vec<FacetCount>,
    pub platform: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

/// With no result: how many there would be without one of the filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Relaxation {
    pub drop: FilterKey,
    pub total: u64,
}

/// `GET /api/v1/practices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeSearch {
    pub items: Vec<PracticeHit>,
    pub total: u64,
    pub facets: PracticeFacets,
    /// Filled only when nothing matched: the filters whose removal would find something.
    pub relaxations: Vec<Relaxation>,
}

/// `POST /api/v1/practices`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewGoodPractice {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub results: Vec<PracticeResult>,
    pub contact_organisation_id: Option<Uuid>,
    pub visibility: PracticeVisibility,
    pub status: PracticeStatus,
    /// The author platform; may be left out by someone who works on one only.
    pub platform_id: Option<Uuid>,
}

/// `PATCH /api/v1/practices/{id}`: any subset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GoodPracticePatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub target_groups: Option<Vec<TargetGroup>>,
    pub tags: Option<Vec<String>>,
    pub area: Option<String>,
    pub period: Option<String>,
    pub results: Option<Vec<PracticeResult>>,
    pub contact_organisation_id: Option<Uuid>,
    pub visibility: Option<PracticeVisibility>,
    pub status: Option<PracticeStatus>,
}

/// `POST /api/v1/practices/{id}/adoptions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewAdoption {
    #[serde(default)]
    pub note: String,
    pub platform_id: Option<Uuid>,
}

/// What the library page needs: the search's answer and whether the caller may write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticesPage {
    pub search: PracticeSearch,
    pub can_write: bool,
}

/// What a practice's page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticePage {
    pub practice: GoodPractice,
    pub versions: Vec<PracticeVersion>,
}

/// The editor: the practice being changed (none for a new one), the platforms the caller
/// may write for, and the organisations that may be named as the contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeFormPage {
    pub practice: Option<GoodPractice>,
    pub platforms: Vec<crate::domain::Platform>,
    pub organisations: Vec<crate::domain::Organisation>,
}

impl PracticeFilter {
    /// From the library page's query string; what does not parse is left out.
    /// The search a page's query string asks for, read as `GET /api/v1/practices` reads
    /// it: a value that is not one of its parameter's (a year out of 2000–2100, a negative
    /// offset, an unknown target group) is 422 `invalid_query` naming it, never dropped.
    pub fn parse_params(params: &[(String, String)]) -> Result<Self, crate::api::AppError> {
        use crate::bounded::{query_number, query_param};
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        };
        Ok(PracticeFilter {
            q: get("q").map(str::to_string),
            target_group: query_param("target_group", get("target_group"), TargetGroup::parse)?,
            tag: get("tag").map(str::to_string),
            area: get("area").map(str::to_string),
            platform: query_param("platform", get("platform"), |p| Uuid::parse_str(p).ok())?,
            year: query_number("year", get("year"))?,
            featured: query_param("featured", get("featured"), |f| match f {
                "true" | "1" | "on" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            })?
            .unwrap_or(false),
            // Past `MAX_OFFSET` the search itself answers 422 `offset_too_large`.
            offset: query_param("offset", get("offset"), |o| o.parse::<u64>().ok())?.unwrap_or(0),
        })
    }

    /// [`Self::parse_params`] for showing the page's own links: a search the server
    /// refused shows as no search.
    pub fn from_params(params: &[(String, String)]) -> Self {
        Self::parse_params(params).unwrap_or_default()
    }

    /// The library page's address for this search.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(q) = self.words() {
            pairs.push(("q", q.to_string()));
        }
        if let Some(g) = self.target_group {
            pairs.push(("target_group", g.as_str().to_string()));
        }
        if let Some(t) = &self.tag {
            pairs.push(("tag", t.clone()));
        }
        if let Some(a) = &self.area {
            pairs.push(("area", a.clone()));
        }
        if let Some(p) = self.platform {
            pairs.push(("platform", p.to_string()));
        }
        if let Some(y) = self.year {
            pairs.push(("year", y.to_string()));
        }
        if self.featured {
            pairs.push(("featured", "true".into()));
        }
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        if pairs.is_empty() {
            return "/practices".into();
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", urlencode(&v)))
            .collect();
        format!("/practices?{}", query.join("&"))
    }
}

/// Percent-encodes a query value (UTF-8 bytes outside the unreserved set).
fn urlencode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl NewGoodPractice {
    /// The editor's fields (name, value pairs, as a form posts them): the same reading
    /// whether the server takes the plain form or the page sends it through the outbox.
    /// Tags are separated by commas (、 or ,) or spaces; results come as rows of
    /// `result_label`, `result_value`, `result_unit`, blank rows left out.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        let all = |name: &str| crate::form_pairs::fields(pairs, name);
        let tags = get("tags")
            .split(|c: char| c == ',' || c == '、' || c == '，' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let (labels, values, units) =
            (all("result_label"), all("result_value"), all("result_unit"));
        let results = labels
            .iter()
            .enumerate()
            .filter(|(_, label)| !label.is_empty())
            .map(|(i, label)| PracticeResult {
                label: label.clone(),
                value: values
                    .get(i)
                    .and_then(|v| v.replace(',', "").parse().ok())
                    .unwrap_or(f64::NAN),
                unit: units.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        NewGoodPractice {
            title: get("title"),
            summary: get("summary"),
            body: get("body"),
            target_groups: all("target_groups")
                .iter()
                .filter_map(|g| TargetGroup::parse(g))
                .collect(),
            tags,
            area: get("area"),
            period: get("period"),
            results,
            contact_organisation_id: Uuid::parse_str(&get("contact_organisation_id")).ok(),
            visibility: PracticeVisibility::parse(&get("visibility"))
                .unwrap_or(PracticeVisibility::Platform),
            status: PracticeStatus::parse(&get("status")).unwrap_or(PracticeStatus::Draft),
            platform_id: Uuid::parse_str(&get("platform_id")).ok(),
        }
    }

    /// Every field as a change (the editor saves the whole practice).
    pub fn into_patch(self) -> GoodPracticePatch {
        GoodPracticePatch {
            title: Some(self.title),
            summary: Some(self.summary),
            body: Some(self.body),
            target_groups: Some(self.target_groups),
            tags: Some(self.tags),
            area: Some(self.area),
            period: Some(self.period),
            results: Some(self.results),
            contact_organisation_id: self.contact_organisation_id,
            visibility: Some(self.visibility),
            status: Some(self.status),
        }
    }
}

impl crate::personal_data::FreeText for NewGoodPractice {
    const FREE_TEXT: &'static [&'static str] = &[
        "title",
        "summary",
        "body",
        "tags[]",
        "area",
        "period",
        "results[].label",
        "results[].unit",
    ];
}

impl crate::personal_data::FreeText for GoodPracticePatch {
    const FREE_TEXT: &'static [&'static str] =
        <NewGoodPractice as crate::personal_data::FreeText>::FREE_TEXT;
}

impl crate::personal_data::FreeText for NewAdoption {
    const FREE_TEXT: &'static [&'static str] = &["note"];
}

impl crate::personal_data::FreeText for NewPracticeComment {
    const FREE_TEXT: &'static [&'static str] = &["body"];
}

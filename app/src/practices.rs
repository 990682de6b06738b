//! The good-practice library (好事例, guidelines §3(1)③⑤ and §4(4)): the wire types,
//! shared by the server and the pages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{text_enum, UserSummary};
use crate::outreach::TargetGroup;

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

/// A result as a figure with its unit: 正規雇用 3名.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PracticeResult {
    pub label: String,
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
    pub can_edit: bool,
    pub can_feature: bool,
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

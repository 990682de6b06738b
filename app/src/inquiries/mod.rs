//! Inquiries (照会, guidelines §3(1)③ and §4(4)): the wire types, shared by the server and
//! the pages.
//!
//! A platform's secretariat (a coordinator or administrator of the platform) asks chosen
//! member organisations of its network a set of typed questions by a deadline in Japan
//! time. Each addressee organisation answers once, as an organisation: a colleague can
//! finish the draft another saved. The sender returns an answer with a comment or accepts
//! it. An addressee sees the inquiry and its own answer only, never another's.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::text_enum;

mod answer;
mod form;
pub mod labels;
mod list;
mod page;

pub(crate) use form::InquiryNewView;
pub(crate) use list::InquiriesListView;
pub(crate) use page::InquiryPageView;

crate::components::lazy_pages! {
    InquiriesChunkPage, inquiries_pages, __preload_inquiries_pages;
    /// `/inquiries`: what the caller's organisation is asked, and what they sent.
    InquiriesListRoute => InquiriesListView,
    /// `/inquiries/new`: a new inquiry (a platform's secretariat).
    InquiryNewRoute => InquiryNewView,
    /// `/inquiries/:id`: one inquiry, its answer form or its roll-up of answers.
    InquiryRoute => InquiryPageView,
}

/// The most questions one inquiry asks.
pub const MAX_QUESTIONS: usize = 30;
/// The most choices a choice question offers.
pub const MAX_CHOICES: usize = 20;
/// The most organisations one inquiry is sent to.
pub const MAX_ADDRESSEES: usize = 200;
/// The longest answer to a text question, in characters.
pub const MAX_ANSWER_CHARS: usize = 5_000;

/// A draft is the sender's alone; a sent inquiry reaches its addressees; a withdrawn one
/// stays readable to them, marked so, and takes no more answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InquiryStatus {
    Draft,
    Sent,
    Withdrawn,
}
text_enum!(InquiryStatus { Draft => "draft", Sent => "sent", Withdrawn => "withdrawn" });

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A figure in the question's unit (finite, within ±1,000,000,000,000).
    Number,
    /// Free text, up to 5,000 characters.
    Text,
    /// One of the question's choices.
    Choice,
}
text_enum!(QuestionKind { Number => "number", Text => "text", Choice => "choice" });

/// Where one addressee's answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    /// Sent, not yet opened by anyone of the organisation (未開封).
    NotOpened,
    /// Opened, nothing saved yet.
    Opened,
    /// Saved, not submitted (下書き): colleagues of the organisation can finish it.
    Draft,
    /// Submitted to the sender (提出済み).
    Submitted,
    /// Returned by the sender for correction, with a comment (差戻し).
    Returned,
    /// Accepted by the sender (受理): final.
    Accepted,
}
text_enum!(AnswerStatus {
    NotOpened => "not_opened",
    Opened => "opened",
    Draft => "draft",
    Submitted => "submitted",
    Returned => "returned",
    Accepted => "accepted",
});

impl AnswerStatus {
    /// Whether the organisation still owes an answer: reminders go to these.
    pub fn outstanding(self) -> bool {
        matches!(
            self,
            AnswerStatus::NotOpened
                | AnswerStatus::Opened
                | AnswerStatus::Draft
                | AnswerStatus::Returned
        )
    }

    /// Whether the organisation may save or submit its answer in this state.
    pub fn editable(self) -> bool {
        self.outstanding()
    }
}

/// One typed question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InquiryQuestion {
    /// The question, up to 500 characters.
    pub label: String,
    pub kind: QuestionKind,
    /// For a number: its unit (人, 件, 円), up to 20 characters.
    #[serde(default)]
    pub unit: String,
    /// For a choice: 2 to 20 choices of up to 100 characters each.
    #[serde(default)]
    pub choices: Vec<String>,
    /// Whether submitting needs an answer to it (a draft may leave it blank).
    #[serde(default)]
    pub required: bool,
}

/// `POST /api/v1/inquiries`: a new inquiry, a draft of a platform whose secretariat the
/// caller is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewInquiry {
    /// Needed when the caller runs more than one platform.
    #[serde(default)]
    pub platform_id: Option<Uuid>,
    /// Up to 200 characters.
    pub title: String,
    /// What to answer and how, up to 5,000 characters.
    #[serde(default)]
    pub instructions: String,
    /// The last day to answer, a Japan date (answers are due by its end, 24:00 JST);
    /// from today to 2100-12-31.
    pub deadline: NaiveDate,
    /// 1 to 30 questions.
    pub questions: Vec<InquiryQuestion>,
    /// The organisations asked: members of the platform (for a prefectural platform, of
    /// any platform of its network), 1 to 200.
    pub addressees: Vec<Uuid>,
    /// Accepted answers become this KPI's shares.
    #[serde(default)]
    pub kpi_share: Option<KpiShareLink>,
}

/// An inquiry that gathers a KPI's figures: once the sender accepts an answer, the figure
/// it gives to `question` becomes the organisation's share of the KPI for `fiscal_year`
/// (and `quarter`), unpublished until the secretariat publishes that year. Only the
/// answers of the KPI's contributors count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiShareLink {
    /// A published KPI of the sending platform (whose secretariat the sender is).
    pub kpi_id: Uuid,
    /// A 年度 of the KPI's period.
    pub fiscal_year: i32,
    /// 1–4 for a KPI reported per quarter; absent for one reported per 年度.
    #[serde(default)]
    pub quarter: Option<u8>,
    /// The number question (0-based, in the inquiry's order) whose answer is the figure.
    pub question: u32,
}

/// A KPI link as a reader of the inquiry sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KpiShareTarget {
    #[serde(flatten)]
    pub link: KpiShareLink,
    /// The KPI's name, while it is published (empty once it is not).
    pub kpi_name: String,
}

/// `PUT /api/v1/inquiries/{id}/answers/{organisation_id}`: save or submit the caller's
/// organisation's answer, if it is still at `version` (else 409 `edit_conflict`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnswerInput {
    /// One answer per question, in the inquiry's order; `""` is blank. A number as
    /// written (`1,200` reads as 1200); a choice as one of the question's choices.
    pub answers: Vec<String>,
    /// Submit to the sender (every required question answered), or only save a draft.
    #[serde(default)]
    pub submit: bool,
    /// The answer's version as the caller read it.
    pub version: u32,
}

/// `POST …/answers/{organisation_id}/return`: back to the addressee for correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReturnAnswer {
    /// What to correct, 1 to 1,000 characters.
    pub comment: String,
    pub version: u32,
}

/// `POST …/answers/{organisation_id}/accept`: the sender accepts a submitted answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AcceptAnswer {
    pub version: u32,
}

/// One addressee's answer as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InquiryAnswer {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub status: AnswerStatus,
    /// One per question, `""` blank; numbers written as the server normalised them.
    pub answers: Vec<String>,
    /// The sender's comment when it returned the answer.
    pub return_comment: String,
    pub reminded_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// Goes up with every change; an answer is changed only at the version it was read.
    pub version: u32,
    pub updated_at: DateTime<Utc>,
}

/// An inquiry as one reader sees it: the sender sees every addressee's answer, an
/// addressee its own only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inquiry {
    pub id: Uuid,
    /// The sending platform.
    pub platform_id: Uuid,
    pub platform_name: String,
    pub title: String,
    pub instructions: String,
    pub deadline: NaiveDate,
    pub questions: Vec<InquiryQuestion>,
    /// The KPI whose shares accepted answers become, if any.
    pub kpi_share: Option<KpiShareTarget>,
    pub status: InquiryStatus,
    pub version: u32,
    /// In the order of the organisations' names; for an addressee, its own alone.
    pub answers: Vec<InquiryAnswer>,
    /// How many organisations were asked (also for an addressee, who sees only its own).
    pub addressee_count: u32,
    /// The caller is the sender's secretariat: sends, reminds, returns, accepts.
    pub can_manage: bool,
    /// The organisation whose answer the caller may write (their own, while it is open).
    pub can_answer_for: Option<Uuid>,
    pub sent_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Inquiry {
    /// Past its deadline in Japan time at `now` (the deadline day itself is not late).
    pub fn past_deadline(&self, now: DateTime<Utc>) -> bool {
        crate::wareki::japan_today(now) > self.deadline
    }

    /// An answer is late when it is still owed after the deadline of a sent inquiry.
    pub fn overdue(&self, answer: &InquiryAnswer, now: DateTime<Utc>) -> bool {
        self.status == InquiryStatus::Sent && answer.status.outstanding() && self.past_deadline(now)
    }
}

/// `/inquiries`: what the caller's organisation is asked, what the caller's platforms
/// sent, and whether they may send one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InquiriesPage {
    pub inquiries: Vec<Inquiry>,
    pub can_create: bool,
}

/// The new-inquiry form: the platforms the caller may send from, and for each the
/// organisations it may ask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InquiryFormPage {
    pub senders: Vec<InquirySender>,
}

/// A platform the caller may send from, with the organisations it may ask and the
/// published KPIs its answers may feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InquirySender {
    pub platform: crate::domain::Platform,
    pub organisations: Vec<crate::domain::Organisation>,
    pub kpis: Vec<KpiChoice>,
}

/// A KPI an inquiry may feed: its name, its period and whether it is reported per quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiChoice {
    pub id: Uuid,
    pub name: String,
    pub period_start: i32,
    pub period_end: i32,
    pub quarterly: bool,
}

/// An inquiry from the local store (kept there as the feed's JSON), if it reads as one.
pub(crate) fn stored(json: &serde_json::Value) -> Option<Inquiry> {
    serde_json::from_value(json.clone()).ok()
}

/// Rows of the question table of the new-inquiry form.
pub const FORM_QUESTION_ROWS: usize = 8;

impl NewInquiry {
    /// The form's fields: `platform_id`, `title`, `instructions`, `deadline`, question
    /// rows of `q_label`, `q_kind`, `q_unit`, `q_choices` (one per line) and `q_required`
    /// (`q_required` carries the row's number, since an unchecked box sends nothing),
    /// blank rows left out; `addressees`. A date that does not read becomes 0000-01-01,
    /// which the server refuses naming the field.
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| crate::form_pairs::field(pairs, name);
        let all = |name: &str| crate::form_pairs::fields(pairs, name);
        let (labels, kinds, units, choices) = (
            all("q_label"),
            all("q_kind"),
            all("q_unit"),
            all("q_choices"),
        );
        let required = all("q_required");
        let questions = labels
            .iter()
            .enumerate()
            .filter(|(_, label)| !label.is_empty())
            .map(|(i, label)| InquiryQuestion {
                label: label.clone(),
                kind: kinds
                    .get(i)
                    .and_then(|k| QuestionKind::parse(k))
                    .unwrap_or(QuestionKind::Text),
                unit: units.get(i).cloned().unwrap_or_default(),
                choices: choices
                    .get(i)
                    .map(|c| {
                        c.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                required: required.iter().any(|r| r == &i.to_string()),
            })
            .collect();
        NewInquiry {
            platform_id: Uuid::parse_str(&get("platform_id")).ok(),
            title: get("title"),
            instructions: get("instructions"),
            deadline: get("deadline").parse().unwrap_or(NaiveDate::MIN),
            questions,
            addressees: all("addressees")
                .iter()
                .filter_map(|id| Uuid::parse_str(id).ok())
                .collect(),
            kpi_share: Uuid::parse_str(&get("kpi_id"))
                .ok()
                .map(|kpi_id| KpiShareLink {
                    kpi_id,
                    fiscal_year: get("kpi_fiscal_year").parse().unwrap_or(0),
                    quarter: get("kpi_quarter").parse().ok(),
                    // The form numbers questions from 1; 0 (none chosen) is refused.
                    question: get("kpi_question")
                        .parse::<u32>()
                        .ok()
                        .and_then(|n| n.checked_sub(1))
                        .unwrap_or(u32::MAX),
                }),
        }
    }
}

impl AnswerInput {
    /// The answer form's fields: one `answer` per question in order, `version`, and the
    /// button pressed (`action` = `submit` or `save`).
    pub fn from_form(pairs: &[(String, String)]) -> Self {
        AnswerInput {
            answers: crate::form_pairs::fields(pairs, "answer"),
            submit: crate::form_pairs::field(pairs, "action") == "submit",
            version: crate::form_pairs::field(pairs, "version")
                .parse()
                .unwrap_or(0),
        }
    }
}

impl crate::personal_data::FreeText for NewInquiry {
    const FREE_TEXT: &'static [&'static str] = &[
        "title",
        "instructions",
        "questions[].label",
        "questions[].unit",
        "questions[].choices[]",
    ];
}

impl crate::personal_data::FreeText for AnswerInput {
    const FREE_TEXT: &'static [&'static str] = &["answers[]"];
}

impl crate::personal_data::FreeText for ReturnAnswer {
    const FREE_TEXT: &'static [&'static str] = &["comment"];
}

impl crate::personal_data::FreeText for AcceptAnswer {
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
    fn the_form_reads_as_the_api_body() {
        let org = Uuid::new_v4();
        let input = NewInquiry::from_form(&pairs(&[
            ("title", " 令和8年度 支援実績の照会 "),
            ("deadline", "2027-01-15"),
            ("q_label", "就職者数"),
            ("q_kind", "number"),
            ("q_unit", "人"),
            ("q_choices", ""),
            ("q_label", ""),
            ("q_kind", "text"),
            ("q_unit", ""),
            ("q_choices", ""),
            ("q_label", "実施状況"),
            ("q_kind", "choice"),
            ("q_unit", ""),
            ("q_choices", "実施済み\r\n 予定 \n\n未定"),
            ("q_required", "0"),
            ("q_required", "2"),
            ("addressees", &org.to_string()),
            ("addressees", "nonsense"),
        ]));
        assert_eq!(input.title, "令和8年度 支援実績の照会");
        assert_eq!(
            input.deadline,
            NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()
        );
        assert_eq!(input.questions.len(), 2, "the blank row is left out");
        assert_eq!(input.questions[0].kind, QuestionKind::Number);
        assert!(input.questions[0].required);
        assert_eq!(input.questions[1].choices, vec!["実施済み", "予定", "未定"]);
        assert!(input.questions[1].required, "row 2 was ticked");
        assert_eq!(input.addressees, vec![org]);
        let broken = NewInquiry::from_form(&pairs(&[("deadline", "2027-02-30")]));
        assert_eq!(broken.deadline, NaiveDate::MIN);
    }

    #[test]
    fn the_deadline_day_is_not_late_in_japan() {
        let answer = InquiryAnswer {
            organisation_id: Uuid::nil(),
            organisation_name: String::new(),
            status: AnswerStatus::Draft,
            answers: vec![],
            return_comment: String::new(),
            reminded_at: None,
            submitted_at: None,
            accepted_at: None,
            version: 1,
            updated_at: Utc::now(),
        };
        let inquiry = Inquiry {
            id: Uuid::nil(),
            platform_id: Uuid::nil(),
            platform_name: String::new(),
            title: String::new(),
            instructions: String::new(),
            deadline: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            questions: vec![],
            kpi_share: None,
            status: InquiryStatus::Sent,
            version: 1,
            answers: vec![answer.clone()],
            addressee_count: 1,
            can_manage: false,
            can_answer_for: None,
            sent_at: None,
            withdrawn_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        // 2027-03-31 23:59 JST is 14:59 UTC; a minute later it is 1 April in Japan.
        let last_minute = "2027-03-31T14:59:00Z".parse().unwrap();
        let next_day = "2027-03-31T15:00:00Z".parse().unwrap();
        assert!(!inquiry.overdue(&answer, last_minute));
        assert!(inquiry.overdue(&answer, next_day));
        let submitted = InquiryAnswer {
            status: AnswerStatus::Submitted,
            ..answer
        };
        assert!(!inquiry.overdue(&submitted, next_day));
    }
}

//! How the inquiry pages and the server's export name things: the catalogue key for each
//! refusal, status and question type, and each answer state's badge class. One place, so
//! the list, an inquiry's page, the form and the workbook agree.

use super::{AnswerStatus, InquiryStatus, QuestionKind};
use crate::i18n::Key;

pub fn error_key(code: &str) -> Key {
    match code {
        "invalid_deadline" => Key::InquiryErrorDeadline,
        "answer_required" => Key::InquiryErrorAnswerRequired,
        "invalid_number" => Key::InquiryErrorNumber,
        "answer_closed" | "answer_not_submitted" => Key::InquiryErrorClosed,
        "inquiry_not_open" => Key::InquiryErrorNotOpen,
        "invalid_kpi" | "kpi_not_published" => Key::InquiryErrorKpi,
        other => crate::sync::refusal_key(other).unwrap_or(Key::InquiryErrorInvalid),
    }
}

pub fn status_key(s: InquiryStatus) -> Key {
    match s {
        InquiryStatus::Draft => Key::InquiryDraft,
        InquiryStatus::Sent => Key::InquirySentState,
        InquiryStatus::Withdrawn => Key::InquiryWithdrawn,
    }
}

pub fn answer_key(s: AnswerStatus) -> Key {
    match s {
        AnswerStatus::NotOpened => Key::AnswerNotOpened,
        AnswerStatus::Opened => Key::AnswerOpened,
        AnswerStatus::Draft => Key::AnswerDraft,
        AnswerStatus::Submitted => Key::AnswerSubmitted,
        AnswerStatus::Returned => Key::AnswerReturned,
        AnswerStatus::Accepted => Key::AnswerAccepted,
    }
}

/// The badge of an answer state: what needs the sender (submitted) or the addressee
/// (returned) stands out; the text says it too.
pub fn answer_class(s: AnswerStatus) -> &'static str {
    match s {
        AnswerStatus::Submitted => "badge answer submitted",
        AnswerStatus::Returned => "badge answer returned",
        AnswerStatus::Accepted => "badge answer accepted",
        _ => "badge",
    }
}

pub fn question_kind_key(k: QuestionKind) -> Key {
    match k {
        QuestionKind::Number => Key::QuestionNumber,
        QuestionKind::Text => Key::QuestionText,
        QuestionKind::Choice => Key::QuestionChoice,
    }
}

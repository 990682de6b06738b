//! How the outreach pages name things: the catalogue key for each step, field and
//! refusal, and how a deadline reads. One place, so the list, a request's page and the
//! form say the same thing the same way.

use leptos::prelude::*;

use super::OutreachAction;
use crate::i18n::{t, Key};
use crate::personal_data::PersonalDataKind;
use crate::use_lang;
use crate::wareki::display_date;

pub(super) fn action_key(action: OutreachAction) -> Key {
    match action {
        OutreachAction::Submit => Key::ActSubmit,
        OutreachAction::Route => Key::ActRoute,
        OutreachAction::Return => Key::ActReturn,
        OutreachAction::Acknowledge => Key::ActAcknowledge,
        OutreachAction::Decline => Key::ActDecline,
        OutreachAction::Close => Key::ActClose,
        OutreachAction::Withdraw => Key::ActWithdraw,
    }
}

pub(super) fn step_key(step: &str) -> Key {
    match step {
        "created" => Key::StepCreated,
        "edited" => Key::StepEdited,
        "answered" => Key::StepAnswered,
        "submit" => Key::StepSubmit,
        "route" => Key::StepRoute,
        "return" => Key::StepReturn,
        "acknowledge" => Key::StepAcknowledge,
        "decline" => Key::StepDecline,
        "close" => Key::StepClose,
        _ => Key::StepWithdraw,
    }
}

pub(super) fn personal_data_key(kind: PersonalDataKind) -> Key {
    match kind {
        PersonalDataKind::PhoneNumber => Key::PdPhone,
        PersonalDataKind::EmailAddress => Key::PdEmail,
        PersonalDataKind::IndividualNumber => Key::PdIndividualNumber,
        PersonalDataKind::StreetAddress => Key::PdAddress,
    }
}

/// The label of a form field, by its name.
pub(super) fn field_key(name: &str) -> Key {
    match name {
        "title" => Key::FieldTitle,
        "description" => Key::FieldDescription,
        "area" => Key::FieldArea,
        "age_band" => Key::FieldAgeBand,
        "desired_work" => Key::FieldDesiredWork,
        "hours" => Key::FieldHours,
        "accommodations_note" => Key::FieldAccommodationsNote,
        "start" => Key::FieldStart,
        "comment" => Key::Comment,
        "outcome_note" => Key::OutcomeNote,
        "body" => Key::AnswerBody,
        "conditions" => Key::Conditions,
        "next_steps" => Key::NextSteps,
        _ => Key::CompanyN,
    }
}

/// The page's message for a refusal sent back as `?error=`.
pub(super) fn error_key(code: &str) -> Key {
    match code {
        "personal_data" => Key::PersonalDataRefused,
        "invalid_deadline" => Key::InvalidDeadline,
        "comment_required" => Key::CommentRequired,
        "outcome_required" => Key::OutcomeRequired,
        "already_routed" => Key::AlreadyRouted,
        "invalid_platform" => Key::InvalidOutreachPlatform,
        "invalid_organisation" => Key::ThreadInvalidOrganisations,
        "invalid_transition" => Key::InvalidTransition,
        "forbidden" => Key::ErrorForbidden,
        _ => Key::InvalidOutreachField,
    }
}

pub(super) fn deadline_view(deadline: chrono::NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let iso = deadline.format("%Y-%m-%d").to_string();
    view! {
        <time datetime=iso.clone() title=move || format!("{}: {iso}", t(lang.get(), Key::Gregorian))>
            {move || display_date(deadline, lang.get())}
        </time>
    }
}

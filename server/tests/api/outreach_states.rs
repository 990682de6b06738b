//! The outreach state machine, every pair: each state × each step × each part a person
//! plays, against the table of docs/outreach.md and issue 6 (written out here, not taken
//! from the code under test). 404 for whoever may not see the request, 403 for a part
//! that may not take the step, 409 `invalid_transition` for a step that does not fit the
//! state, otherwise the step and the state it leads to. Placements need an answer: a
//! request nobody answered is closed with none, or withdrawn.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const COORDINATOR: &str = "coordinator@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const SHOKOKAI: &str = "shokokai@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";
const SHOKOKAI_ORG: &str = "青森県商工会連合会";

/// Where a request stands, with the routed organisation's own status where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Draft,
    Submitted,
    Returned,
    /// Routed to 経営者協会, which has not acted (pending).
    Routed,
    /// Routed, and 経営者協会 acknowledged.
    RoutedAcknowledged,
    /// 経営者協会 answered.
    Answered,
    /// 経営者協会, the only one addressed, declined.
    Declined,
    /// Answered, then closed with one placement.
    Closed,
    /// Routed, then withdrawn.
    Withdrawn,
}

const STATES: [State; 9] = [
    State::Draft,
    State::Submitted,
    State::Returned,
    State::Routed,
    State::RoutedAcknowledged,
    State::Answered,
    State::Declined,
    State::Closed,
    State::Withdrawn,
];

impl State {
    fn wire(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Routed | State::RoutedAcknowledged => "routed",
            State::Answered => "answered",
            State::Declined => "declined",
            State::Closed => "closed",
            State::Withdrawn => "withdrawn",
        }
    }

    fn routed(self) -> bool {
        !matches!(self, State::Draft | State::Submitted | State::Returned)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Submit,
    Route,
    Return,
    Acknowledge,
    Decline,
    CloseWithNone,
    CloseWithPlacements,
    Withdraw,
    Answer,
    Edit,
}

const STEPS: [Step; 10] = [
    Step::Submit,
    Step::Route,
    Step::Return,
    Step::Acknowledge,
    Step::Decline,
    Step::CloseWithNone,
    Step::CloseWithPlacements,
    Step::Withdraw,
    Step::Answer,
    Step::Edit,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Staff of the requesting platform (弘前市).
    Requester,
    /// A coordinator of the prefectural platform (事務局).
    Secretariat,
    /// A user of the organisation the request is routed to (経営者協会).
    Responder,
    /// An economic organisation it was not routed to (商工会連合会).
    OtherOrganisation,
    /// Another municipal platform (八戸市).
    OtherMunicipality,
}

const PARTS: [Part; 5] = [
    Part::Requester,
    Part::Secretariat,
    Part::Responder,
    Part::OtherOrganisation,
    Part::OtherMunicipality,
];

/// What the workflow answers: the status, and for a step taken, the state it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Done(StatusCode, &'static str),
    Refused(StatusCode, &'static str),
}

/// The table of docs/outreach.md ("Who may do what") and issue 6's state machine.
fn expected(state: State, step: Step, part: Part) -> Expected {
    use State::*;
    let sees = match part {
        Part::Requester | Part::Secretariat => true,
        Part::Responder => state.routed(),
        Part::OtherOrganisation | Part::OtherMunicipality => false,
    };
    if !sees {
        return Expected::Refused(StatusCode::NOT_FOUND, "not_found");
    }
    let whose = match step {
        Step::Submit
        | Step::CloseWithNone
        | Step::CloseWithPlacements
        | Step::Withdraw
        | Step::Edit => Part::Requester,
        Step::Route | Step::Return => Part::Secretariat,
        Step::Acknowledge | Step::Decline | Step::Answer => Part::Responder,
    };
    if part != whose {
        return Expected::Refused(StatusCode::FORBIDDEN, "forbidden");
    }
    // 経営者協会's own status on the request.
    let own_pending = matches!(state, Routed | Withdrawn);
    let own_acknowledged = state == RoutedAcknowledged;
    let own_declined = state == Declined;
    let working = matches!(state, Routed | RoutedAcknowledged | Answered);
    let next = match step {
        Step::Submit => matches!(state, Draft | Returned).then_some("submitted"),
        // Routing again adds organisations; an answered request stays answered.
        Step::Route => match state {
            Submitted | Routed | RoutedAcknowledged => Some("routed"),
            Answered => Some("answered"),
            _ => None,
        },
        Step::Return => (state == Submitted).then_some("returned"),
        Step::Acknowledge => (working && own_pending).then_some(state.wire()),
        // The only organisation addressed declines: the request is declined.
        Step::Decline => (working && (own_pending || own_acknowledged)).then_some("declined"),
        Step::Answer => (working && !own_declined).then_some("answered"),
        Step::CloseWithNone => {
            matches!(state, Routed | RoutedAcknowledged | Answered | Declined).then_some("closed")
        }
        // Placements need an answer.
        Step::CloseWithPlacements => (state == Answered).then_some("closed"),
        Step::Withdraw => (!matches!(state, Closed | Withdrawn)).then_some("withdrawn"),
        Step::Edit => matches!(state, Draft | Returned).then_some(state.wire()),
    };
    match next {
        Some(next) if step == Step::Answer => Expected::Done(StatusCode::CREATED, next),
        Some(next) => Expected::Done(StatusCode::OK, next),
        None => Expected::Refused(StatusCode::CONFLICT, "invalid_transition"),
    }
}

struct World {
    requester: User,
    secretariat: User,
    responder: User,
    other_organisation: User,
    other_municipality: User,
    keieisha_org: String,
    shokokai_org: String,
}

impl World {
    fn user(&self, part: Part) -> &User {
        match part {
            Part::Requester => &self.requester,
            Part::Secretariat => &self.secretariat,
            Part::Responder => &self.responder,
            Part::OtherOrganisation => &self.other_organisation,
            Part::OtherMunicipality => &self.other_municipality,
        }
    }

    async fn ok(&self, response: reqwest::Response, what: &str) -> Value {
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "setting up ({what}): {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    async fn transition(&self, user: &User, id: &str, body: Value) -> reqwest::Response {
        user.post(
            &format!("/api/v1/outreach-requests/{id}/transitions"),
            &body,
        )
        .await
    }

    /// A fresh request, brought to `state` through the API.
    async fn request_in(&self, state: State) -> String {
        use State::*;
        let created = self
            .ok(
                self.requester
                    .post(
                        "/api/v1/outreach-requests",
                        &json!({"kind": "placement_development", "title": "事務補助の受け入れ先",
                                "deadline": "2099-03-31"}),
                    )
                    .await,
                "create",
            )
            .await;
        let id = created["id"].as_str().unwrap().to_string();
        let go = |user: &'static str, body: Value| (user, body);
        let mut steps: Vec<(&str, Value)> = Vec::new();
        if state != Draft {
            steps.push(go("requester", json!({"action": "submit"})));
        }
        if state == Returned {
            steps.push(go(
                "secretariat",
                json!({"action": "return", "comment": "期限を見直してください"}),
            ));
        }
        if state.routed() {
            steps.push(go(
                "secretariat",
                json!({"action": "route", "organisation_ids": [self.keieisha_org]}),
            ));
        }
        match state {
            RoutedAcknowledged => steps.push(go("responder", json!({"action": "acknowledge"}))),
            Declined => steps.push(go(
                "responder",
                json!({"action": "decline", "comment": "会員企業に該当なし"}),
            )),
            Withdrawn => steps.push(go("requester", json!({"action": "withdraw"}))),
            _ => {}
        }
        for (who, body) in steps {
            let user = match who {
                "requester" => &self.requester,
                "secretariat" => &self.secretariat,
                _ => &self.responder,
            };
            let what = body.to_string();
            self.ok(self.transition(user, &id, body).await, &what).await;
        }
        if matches!(state, Answered | Closed) {
            self.ok(self.answer(&self.responder, &id).await, "answer")
                .await;
        }
        if state == Closed {
            self.ok(
                self.transition(
                    &self.requester,
                    &id,
                    json!({"action": "close", "outcome": {"placements": 1, "note": "1名就職"}}),
                )
                .await,
                "close",
            )
            .await;
        }
        let seen = self
            .requester
            .get_json(&format!("/api/v1/outreach-requests/{id}"))
            .await;
        assert_eq!(seen["state"], state.wire(), "set up {state:?}");
        id
    }

    async fn answer(&self, user: &User, id: &str) -> reqwest::Response {
        user.post(
            &format!("/api/v1/outreach-requests/{id}/responses"),
            &json!({"body": "2社を紹介できます", "placements_offered": 2}),
        )
        .await
    }

    async fn take(&self, step: Step, user: &User, id: &str) -> reqwest::Response {
        let close = |placements: u32| json!({"action": "close", "outcome": {"placements": placements, "note": "結果"}});
        match step {
            Step::Submit => self.transition(user, id, json!({"action": "submit"})).await,
            Step::Route => {
                self.transition(
                    user,
                    id,
                    json!({"action": "route", "organisation_ids": [self.shokokai_org]}),
                )
                .await
            }
            Step::Return => {
                self.transition(user, id, json!({"action": "return", "comment": "理由"}))
                    .await
            }
            Step::Acknowledge => {
                self.transition(user, id, json!({"action": "acknowledge"}))
                    .await
            }
            Step::Decline => {
                self.transition(
                    user,
                    id,
                    json!({"action": "decline", "comment": "対応不可"}),
                )
                .await
            }
            Step::CloseWithNone => self.transition(user, id, close(0)).await,
            Step::CloseWithPlacements => self.transition(user, id, close(1)).await,
            Step::Withdraw => {
                self.transition(user, id, json!({"action": "withdraw"}))
                    .await
            }
            Step::Answer => self.answer(user, id).await,
            Step::Edit => {
                user.patch(
                    &format!("/api/v1/outreach-requests/{id}"),
                    &json!({"title": "事務補助の受け入れ先（修正）"}),
                )
                .await
            }
        }
    }
}

#[tokio::test]
async fn every_state_step_and_part_answers_as_the_table_says() {
    let app = TestApp::spawn().await;
    let world = World {
        requester: app.sign_in(HIROSAKI).await,
        secretariat: app.sign_in(COORDINATOR).await,
        responder: app.sign_in(KEIEISHA).await,
        other_organisation: app.sign_in(SHOKOKAI).await,
        other_municipality: app.sign_in(HACHINOHE).await,
        keieisha_org: app.organisation_id(KEIEISHA_ORG).await.to_string(),
        shokokai_org: app.organisation_id(SHOKOKAI_ORG).await.to_string(),
    };
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for state in STATES {
        // One request per state, replaced whenever a step moved it on.
        let mut current: Option<String> = None;
        for step in STEPS {
            for part in PARTS {
                let id = match &current {
                    Some(id) => id.clone(),
                    None => {
                        let id = world.request_in(state).await;
                        current = Some(id.clone());
                        id
                    }
                };
                let want = expected(state, step, part);
                let response = world.take(step, world.user(part), &id).await;
                let status = response.status();
                let text = response.text().await.unwrap();
                let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                checked += 1;
                let got = if status.is_success() {
                    current = None;
                    // The step's answer is the request (or, for an answer, the answer;
                    // read the request's state then).
                    let state_now = if step == Step::Answer {
                        world
                            .requester
                            .get_json(&format!("/api/v1/outreach-requests/{id}"))
                            .await["state"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string()
                    } else {
                        body["state"].as_str().unwrap_or_default().to_string()
                    };
                    (status, state_now)
                } else {
                    (
                        status,
                        body["error"]["code"].as_str().unwrap_or("?").to_string(),
                    )
                };
                let want_pair = match want {
                    Expected::Done(s, next) => (s, next.to_string()),
                    Expected::Refused(s, code) => (s, code.to_string()),
                };
                if got != want_pair {
                    mismatches.push(format!(
                        "{state:?} × {step:?} × {part:?}: expected {want_pair:?}, got {got:?} {text}"
                    ));
                }
                // A refusal changes nothing.
                if !status.is_success() {
                    let seen = world
                        .requester
                        .get_json(&format!("/api/v1/outreach-requests/{id}"))
                        .await;
                    assert_eq!(
                        seen["state"],
                        state.wire(),
                        "{state:?} × {step:?} × {part:?} was refused but moved the request"
                    );
                }
            }
        }
    }
    assert_eq!(checked, STATES.len() * STEPS.len() * PARTS.len());
    assert!(
        mismatches.is_empty(),
        "{} of {checked} pairs differ from the table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn placements_need_an_answer_and_keep_no_trace_when_refused() {
    let app = TestApp::spawn().await;
    let requester = app.sign_in(HIROSAKI).await;
    let secretariat = app.sign_in(COORDINATOR).await;
    let responder = app.sign_in(KEIEISHA).await;
    let keieisha = app.organisation_id(KEIEISHA_ORG).await.to_string();
    let created = requester
        .post(
            "/api/v1/outreach-requests",
            &json!({"kind": "connection", "title": "つながり作り", "deadline": "2099-03-31"}),
        )
        .await;
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(step(&requester, &id, json!({"action": "submit"}))
        .await
        .status()
        .is_success());
    assert!(step(
        &secretariat,
        &id,
        json!({"action": "route", "organisation_ids": [keieisha]})
    )
    .await
    .status()
    .is_success());
    // Routed, nobody has answered: placements are refused (the example)…
    let (status, code) = error_code(
        step(
            &requester,
            &id,
            json!({"action": "close", "outcome": {"placements": 1}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    let seen = requester
        .get_json(&format!("/api/v1/outreach-requests/{id}"))
        .await;
    assert_eq!(seen["state"], "routed");
    assert_eq!(seen["outcome"], Value::Null);
    // …the organisation declines: still none to record, closing with none is fine.
    assert!(step(
        &responder,
        &id,
        json!({"action": "decline", "comment": "該当なし"})
    )
    .await
    .status()
    .is_success());
    let (status, _) = error_code(
        step(
            &requester,
            &id,
            json!({"action": "close", "outcome": {"placements": 2}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let closed = step(
        &requester,
        &id,
        json!({"action": "close", "outcome": {"placements": 0, "note": "見送り"}}),
    )
    .await;
    assert_eq!(closed.status(), StatusCode::OK);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["outcome"]["placements"], 0);
}

async fn step(user: &User, id: &str, body: Value) -> reqwest::Response {
    user.post(
        &format!("/api/v1/outreach-requests/{id}/transitions"),
        &body,
    )
    .await
}

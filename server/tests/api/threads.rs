//! Liaison threads (連絡調整): who sees a thread (the isolation matrix, on every
//! endpoint, the lists, search and the sync feed), creating and changing threads, state
//! transitions, messages (edit window, tombstones, mentions), read markers and unread
//! counts, search, attachments, the audit trail of reads and live events.

use std::collections::BTreeSet;
use std::time::Duration;

use app::domain::Role;
use reqwest::{Method, Response, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use server::admin;
use server::entities::{audit_log, message};
use uuid::Uuid;

use crate::helpers::*;
use crate::sync::{ids, pull_all, user_id, Events};

const COORDINATOR: &str = "coordinator@aomori.example";
const DEPUTY: &str = "shoko-rodo@aomori.example";
const LIAISON: &str = "kenko-fukushi@aomori.example";
const AOMORI_CITY: &str = "aomori-city@aomori.example";
const HACHINOHE: &str = "hachinohe@aomori.example";
const HIROSAKI: &str = "hirosaki@aomori.example";
const KEIEISHA: &str = "keieisha@aomori.example";
const SHOKOKAI: &str = "shokokai@aomori.example";
const KEIEISHA_ORG: &str = "一般社団法人 青森県経営者協会";
const AOMORI_NAME: &str = "あおもり就職氷河期世代活躍支援プラットフォーム";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

pub(crate) fn id_of(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id in {value}"))
        .to_string()
}

/// Reads a response that must have `status`, and returns its JSON body.
async fn json_with(response: Response, status: StatusCode, what: &str) -> Value {
    let got = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(got, status, "{what}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"))
}

async fn expect_error(response: Response, status: StatusCode, code: &str, what: &str) {
    let got = error_code(response).await;
    assert_eq!(got, (status, code.to_string()), "{what}");
}

pub(crate) async fn create(user: &User, body: Value) -> Value {
    let r = user.post("/api/v1/threads", &body).await;
    json_with(r, StatusCode::CREATED, &format!("create thread {body}")).await
}

pub(crate) async fn post_message(user: &User, thread: &str, body: &str) -> Value {
    let r = user
        .post(
            &format!("/api/v1/threads/{thread}/messages"),
            &json!({ "body": body }),
        )
        .await;
    json_with(r, StatusCode::CREATED, &format!("post {body:?}")).await
}

async fn mark_read(user: &User, thread: &str, message: &str) {
    let r = user
        .post(
            &format!("/api/v1/threads/{thread}/read"),
            &json!({ "message_id": message }),
        )
        .await;
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::NO_CONTENT, "mark read: {text}");
}

pub(crate) async fn get_thread(user: &User, thread: &str) -> Value {
    user.get_json(&format!("/api/v1/threads/{thread}")).await
}

pub(crate) async fn messages(user: &User, thread: &str) -> Vec<Value> {
    user.get_json(&format!("/api/v1/threads/{thread}/messages"))
        .await
        .as_array()
        .expect("an array of messages")
        .clone()
}

fn find<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {list:?}"))
}

/// `GET /api/v1/threads` with query parameters; the array.
async fn list_with(user: &User, query: &[(&str, &str)]) -> Vec<Value> {
    let r = user
        .request(Method::GET, "/api/v1/threads")
        .query(query)
        .send()
        .await
        .expect("GET threads");
    json_with(r, StatusCode::OK, &format!("GET /api/v1/threads {query:?}"))
        .await
        .as_array()
        .expect("an array of threads")
        .clone()
}

async fn listed(user: &User, query: &[(&str, &str)]) -> Vec<String> {
    list_with(user, query).await.iter().map(id_of).collect()
}

async fn search(user: &User, q: &str) -> BTreeSet<String> {
    listed(user, &[("q", q)]).await.into_iter().collect()
}

fn set<S: AsRef<str>>(items: &[S]) -> BTreeSet<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}

pub(crate) fn pdf_bytes() -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    pdf.extend_from_slice(
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
          2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n\
          3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n\
          trailer\n<< /Root 1 0 R >>\n%%EOF\n",
    );
    pdf
}

fn png_bytes() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    // IHDR: 1x1, 8-bit RGB.
    png.extend_from_slice(
        b"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde",
    );
    png.extend_from_slice(b"\x00\x00\x00\x00IEND\xae\x42\x60\x82");
    png
}

pub(crate) fn elf_bytes() -> Vec<u8> {
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend_from_slice(&[0u8; 8]);
    // e_type = ET_EXEC, e_machine = x86-64.
    elf.extend_from_slice(&[0x02, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x00]);
    elf.resize(512, 0);
    elf
}

fn text_bytes() -> Vec<u8> {
    "これはただのテキストです。PDF ではありません。\n"
        .repeat(20)
        .into_bytes()
}

async fn upload_pdf(user: &User, thread: &str) -> Response {
    user.upload(
        &format!("/api/v1/threads/{thread}/attachments"),
        "report.pdf",
        "application/pdf",
        &pdf_bytes(),
    )
    .await
}

/// Rows of `thread_read` for this thread and reader.
async fn thread_reads(app: &TestApp, thread: &str, reader: Uuid) -> u64 {
    let thread: Uuid = thread.parse().unwrap();
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("thread_read"))
        .filter(audit_log::Column::RecordId.eq(thread))
        .filter(audit_log::Column::ActorUserId.eq(reader))
        .count(&app.db)
        .await
        .expect("count audit rows")
}

/// Moves a message's `created_at` this far into the past.
pub(crate) async fn age_message(app: &TestApp, message_id: &str, by: chrono::Duration) {
    let id: Uuid = message_id.parse().unwrap();
    let updated = message::Entity::update_many()
        .col_expr(
            message::Column::CreatedAt,
            Expr::value(chrono::Utc::now() - by),
        )
        .filter(message::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("age the message");
    assert_eq!(updated.rows_affected, 1);
}

fn as_uuid_set(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("an array: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a uuid").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// The isolation matrix
// ---------------------------------------------------------------------------------------

/// The records of the shared thread the matrix is checked against.
struct Shared {
    thread: String,
    message: String,
    attachment: String,
}

/// Every endpoint of one thread.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    GetThread,
    PatchSubject,
    PatchState,
    PatchParticipants,
    GetMessages,
    PostMessage,
    PostRead,
    PostAttachment,
    GetAttachment,
    PatchMessage,
    DeleteMessage,
}

const ENDPOINTS: [Endpoint; 11] = [
    Endpoint::GetThread,
    Endpoint::PatchSubject,
    Endpoint::PatchState,
    Endpoint::PatchParticipants,
    Endpoint::GetMessages,
    Endpoint::PostMessage,
    Endpoint::PostRead,
    Endpoint::PostAttachment,
    Endpoint::GetAttachment,
    Endpoint::PatchMessage,
    Endpoint::DeleteMessage,
];

async fn call(user: &User, endpoint: Endpoint, records: &Shared, own_platform: Uuid) -> Response {
    let thread = &records.thread;
    let message = &records.message;
    match endpoint {
        Endpoint::GetThread => user.get(&format!("/api/v1/threads/{thread}")).await,
        Endpoint::PatchSubject => {
            user.patch(
                &format!("/api/v1/threads/{thread}"),
                &json!({"subject": "書き換えられた件名"}),
            )
            .await
        }
        Endpoint::PatchState => {
            user.patch(
                &format!("/api/v1/threads/{thread}"),
                &json!({"state": "resolved", "resolution_note": "部外者による解決"}),
            )
            .await
        }
        Endpoint::PatchParticipants => {
            user.patch(
                &format!("/api/v1/threads/{thread}"),
                &json!({"platform_ids": [own_platform]}),
            )
            .await
        }
        Endpoint::GetMessages => {
            user.get(&format!("/api/v1/threads/{thread}/messages"))
                .await
        }
        Endpoint::PostMessage => {
            user.post(
                &format!("/api/v1/threads/{thread}/messages"),
                &json!({"body": "部外者の書き込み"}),
            )
            .await
        }
        Endpoint::PostRead => {
            user.post(
                &format!("/api/v1/threads/{thread}/read"),
                &json!({ "message_id": message }),
            )
            .await
        }
        Endpoint::PostAttachment => upload_pdf(user, thread).await,
        Endpoint::GetAttachment => {
            user.get(&format!("/api/v1/attachments/{}", records.attachment))
                .await
        }
        Endpoint::PatchMessage => {
            user.patch(
                &format!("/api/v1/messages/{message}"),
                &json!({"body": "部外者による編集"}),
            )
            .await
        }
        Endpoint::DeleteMessage => user.delete(&format!("/api/v1/messages/{message}")).await,
    }
}

/// The subject of the shared thread and a word of its first message: unique in the data.
const MATRIX_SUBJECT: &str = "就労支援ネットワーク会議の日程調整";
const MATRIX_SUBJECT_WORD: &str = "日程調整";
const MATRIX_BODY_WORD: &str = "ひまわり会館";

/// Asserts that `user` cannot reach the thread at all: 404 on every endpoint, exactly as
/// for a thread that does not exist; not in any list, search or filter; nothing of it in
/// the sync feed (a removed participant may get tombstones, nothing else).
async fn assert_hidden_from(
    user: &User,
    who: &str,
    records: &Shared,
    own_platform: Uuid,
    was_participant: bool,
) {
    let nowhere = Shared {
        thread: Uuid::new_v4().to_string(),
        message: Uuid::new_v4().to_string(),
        attachment: Uuid::new_v4().to_string(),
    };
    for endpoint in ENDPOINTS {
        let real = call(user, endpoint, records, own_platform).await;
        let real = error_code(real).await;
        assert_eq!(
            real.0,
            StatusCode::NOT_FOUND,
            "{who} on {endpoint:?} of a thread they may not see: {real:?}"
        );
        let missing = error_code(call(user, endpoint, &nowhere, own_platform).await).await;
        assert_eq!(
            real, missing,
            "{who} on {endpoint:?}: a hidden thread answers exactly like a missing one"
        );
    }

    let everything = listed(user, &[]).await;
    assert!(
        !everything.contains(&records.thread),
        "{who}: the thread is not in GET /api/v1/threads"
    );
    for query in [
        vec![("state", "open")],
        vec![("mentions", "true")],
        vec![("q", MATRIX_SUBJECT_WORD)],
        vec![("q", MATRIX_BODY_WORD)],
    ] {
        let found = listed(user, &query).await;
        assert!(
            !found.contains(&records.thread),
            "{who}: the thread is not in the list with {query:?}"
        );
    }
    let own = own_platform.to_string();
    let r = user
        .request(Method::GET, "/api/v1/threads")
        .query(&[("platform", own.as_str())])
        .send()
        .await
        .unwrap();
    if r.status() == StatusCode::OK {
        let list: Value = r.json().await.unwrap();
        assert!(
            !list.to_string().contains(&records.thread),
            "{who}: not listed under their own platform"
        );
    }

    let (changes, _) = pull_all(user, 0).await;
    let mut leaks = Vec::new();
    for change in &changes {
        let id = change["id"].as_str().unwrap_or_default();
        let tombstone = change["op"] == "delete" && change["data"].is_null();
        let ours = id == records.thread || id == records.message;
        let text = change.to_string();
        if (ours && !(was_participant && tombstone))
            || (change["kind"] == "message" && change["data"]["thread_id"] == records.thread)
            || text.contains(MATRIX_SUBJECT_WORD)
            || text.contains(MATRIX_BODY_WORD)
        {
            leaks.push(text);
        }
    }
    assert!(
        leaks.is_empty(),
        "{who}: the feed carries nothing of a thread they may not see \
         (thread {}, message {}): {leaks:#?}",
        records.thread,
        records.message
    );
}

/// Asserts that a participant reaches everything; writes a message, a read marker and an
/// attachment on the way.
async fn assert_visible_to(user: &User, who: &str, records: &Shared, manager: bool, author: bool) {
    let thread = &records.thread;
    let got = get_thread(user, thread).await;
    assert_eq!(got["id"], thread.as_str(), "{who}");
    assert_eq!(got["subject"], MATRIX_SUBJECT, "{who}");
    assert_eq!(got["can_manage"], manager, "{who}: can_manage");

    let list = messages(user, thread).await;
    assert!(
        list.iter().any(|m| m["id"] == records.message.as_str()),
        "{who}: the messages"
    );
    assert!(
        listed(user, &[]).await.contains(thread),
        "{who}: in the list"
    );
    assert!(
        search(user, MATRIX_SUBJECT_WORD).await.contains(thread),
        "{who}: found by its subject"
    );
    assert!(
        search(user, MATRIX_BODY_WORD).await.contains(thread),
        "{who}: found by a message"
    );

    let (changes, _) = pull_all(user, 0).await;
    assert!(
        ids(&changes, "thread", "upsert").contains(thread),
        "{who}: the thread is in the feed"
    );
    assert!(
        ids(&changes, "message", "upsert").contains(&records.message),
        "{who}: its message is in the feed"
    );

    let r = user
        .get(&format!("/api/v1/attachments/{}", records.attachment))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{who}: the attachment");
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf_bytes().as_slice());

    mark_read(user, thread, &records.message).await;
    if !author {
        let r = user
            .patch(
                &format!("/api/v1/messages/{}", records.message),
                &json!({"body": "他人による編集"}),
            )
            .await;
        expect_error(
            r,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("{who} edits another's message"),
        )
        .await;
        let r = user
            .delete(&format!("/api/v1/messages/{}", records.message))
            .await;
        expect_error(
            r,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("{who} deletes another's message"),
        )
        .await;
    }
    if !manager {
        let r = user
            .patch(
                &format!("/api/v1/threads/{thread}"),
                &json!({"organisation_ids": []}),
            )
            .await;
        expect_error(
            r,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("{who} changes participants without managing"),
        )
        .await;
    }
    let posted = post_message(user, thread, &format!("{who} からの返信")).await;
    assert_eq!(posted["thread_id"], thread.as_str());
    let r = upload_pdf(user, thread).await;
    let info = json_with(r, StatusCode::CREATED, &format!("{who} attaches")).await;
    assert_eq!(info["thread_id"], thread.as_str());
}

/// coordinator@ opens a thread with aomori and aomori-city and 一般社団法人 青森県経営者協会,
/// with a first message, a second message and a PDF.
async fn matrix_thread(app: &TestApp, coordinator: &User) -> Shared {
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let thread = create(
        coordinator,
        json!({
            "subject": MATRIX_SUBJECT,
            "platform_ids": [aomori, aomori_city],
            "organisation_ids": [keieisha_org],
            "body": "来月の会議の日程について、ご都合をお知らせください。",
        }),
    )
    .await;
    let thread = id_of(&thread);
    let message = post_message(
        coordinator,
        &thread,
        &format!(
            "会場は{MATRIX_BODY_WORD}です。@aomori-city @hachinohe @shokokai ご確認ください。"
        ),
    )
    .await;
    let r = upload_pdf(coordinator, &thread).await;
    let attachment = json_with(r, StatusCode::CREATED, "the coordinator attaches").await;
    Shared {
        thread,
        message: id_of(&message),
        attachment: id_of(&attachment),
    }
}

/// Which outsiders a matrix row checks.
#[derive(Debug, Clone, Copy)]
enum Outsiders {
    /// shokokai@: a responder on aomori (a participant platform), whose organisation is
    /// not a participant.
    ResponderOfAParticipantPlatform,
    /// hachinohe@ and hirosaki@: staff of platforms of the network not taking part.
    PlatformsNotTakingPart,
    /// Iwate's coordinator and Morioka's staff.
    AnotherNetwork,
}

/// Checks the outsiders of one row against the shared thread, then that nothing they
/// tried changed anything.
async fn matrix_row(outsiders: Outsiders) {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;
    let before = get_thread(&coordinator, &records.thread).await;
    let messages_before = messages(&coordinator, &records.thread).await;

    let rows: Vec<(&str, Uuid)> = match outsiders {
        Outsiders::ResponderOfAParticipantPlatform => {
            vec![(SHOKOKAI, app.platform_id("aomori").await)]
        }
        Outsiders::PlatformsNotTakingPart => vec![
            (HACHINOHE, app.platform_id("hachinohe").await),
            (HIROSAKI, app.platform_id("hirosaki").await),
        ],
        Outsiders::AnotherNetwork => vec![
            (IWATE_COORDINATOR, iwate.platform_id),
            (MORIOKA_STAFF, iwate.municipal_id),
        ],
    };
    for (email, own_platform) in rows {
        let user = app.sign_in(email).await;
        assert_hidden_from(&user, email, &records, own_platform, false).await;
    }

    // Nothing the outsiders tried changed anything.
    let after = get_thread(&coordinator, &records.thread).await;
    for field in [
        "subject",
        "state",
        "resolution_note",
        "platform_ids",
        "organisation_ids",
        "message_count",
    ] {
        assert_eq!(
            after[field], before[field],
            "{field} unchanged by outsiders"
        );
    }
    assert_eq!(
        messages(&coordinator, &records.thread).await,
        messages_before,
        "the messages are unchanged by outsiders"
    );
}

#[tokio::test]
async fn matrix_participants_via_a_platform_or_an_organisation_reach_everything() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;

    // Mentions of non-participants are not mentions.
    let list = messages(&coordinator, &records.thread).await;
    let shared = find(&list, &records.message);
    assert_eq!(
        as_uuid_set(&shared["mentions"]),
        set(&[&user_id(&app, AOMORI_CITY).await.to_string()]),
        "only participants can be mentioned: {shared}"
    );

    // (user, can manage, wrote the shared message)
    let visible: [(&str, bool, bool); 5] = [
        (COORDINATOR, true, true),
        (DEPUTY, true, false),
        (LIAISON, false, false),
        (AOMORI_CITY, false, false),
        (KEIEISHA, false, false),
    ];
    for (email, manager, author) in visible {
        let user = app.sign_in(email).await;
        assert_visible_to(&user, email, &records, manager, author).await;
    }
}

#[tokio::test]
async fn matrix_a_responder_of_a_participant_platform_outside_its_organisations_sees_nothing() {
    matrix_row(Outsiders::ResponderOfAParticipantPlatform).await;
}

#[tokio::test]
async fn matrix_platforms_not_taking_part_see_nothing() {
    matrix_row(Outsiders::PlatformsNotTakingPart).await;
}

#[tokio::test]
async fn matrix_another_network_sees_nothing() {
    matrix_row(Outsiders::AnotherNetwork).await;
}

#[tokio::test]
async fn a_removed_participant_loses_the_thread_at_once() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;

    let city = app.sign_in(AOMORI_CITY).await;
    let liaison = app.sign_in(LIAISON).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    assert!(listed(&city, &[]).await.contains(&records.thread));
    let (city_changes, city_cursor) = pull_all(&city, 0).await;
    assert!(ids(&city_changes, "thread", "upsert").contains(&records.thread));
    let (_, keieisha_cursor) = pull_all(&keieisha, 0).await;

    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{}", records.thread),
            &json!({"platform_ids": [aomori]}),
        )
        .await;
    let patched = json_with(r, StatusCode::OK, "remove aomori-city").await;
    assert_eq!(patched["platform_ids"], json!([aomori]));
    assert!(!patched["participants"]
        .to_string()
        .contains(&aomori_city.to_string()));

    // The feed tells them first (at the next pull), then everything is 404.
    let (after, _) = pull_all(&city, city_cursor).await;
    assert!(
        ids(&after, "thread", "delete").contains(&records.thread),
        "the removed participant's feed deletes the thread: {after:?}"
    );
    assert!(
        !ids(&after, "thread", "upsert").contains(&records.thread),
        "and does not send it again"
    );
    assert_hidden_from(&city, AOMORI_CITY, &records, aomori_city, true).await;

    // A message after the removal does not reach them.
    let (_, city_cursor) = pull_all(&city, 0).await;
    let later = post_message(&coordinator, &records.thread, "削除後の連絡").await;
    let (after, _) = pull_all(&city, city_cursor).await;
    assert!(
        !after.iter().any(|c| c["id"] == later["id"]),
        "a removed participant gets no new message: {after:?}"
    );
    assert!(
        !ids(&after, "thread", "upsert").contains(&records.thread),
        "nor the thread's new activity: {after:?}"
    );

    // Others keep it: the liaison through aomori, 経営者協会 through its organisation.
    assert_eq!(
        get_thread(&liaison, &records.thread).await["id"],
        records.thread.as_str()
    );
    assert!(listed(&keieisha, &[]).await.contains(&records.thread));

    // Removing the organisation takes it from 経営者協会 the same way.
    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{}", records.thread),
            &json!({"organisation_ids": []}),
        )
        .await;
    let patched = json_with(r, StatusCode::OK, "remove the organisation").await;
    assert_eq!(patched["organisation_ids"], json!([]));
    let (after, _) = pull_all(&keieisha, keieisha_cursor).await;
    assert!(
        ids(&after, "thread", "delete").contains(&records.thread),
        "the removed organisation's feed deletes the thread: {after:?}"
    );
    assert_hidden_from(&keieisha, KEIEISHA, &records, aomori, true).await;
    assert_eq!(
        get_thread(&liaison, &records.thread).await["organisation_ids"],
        json!([])
    );
}

#[tokio::test]
async fn an_added_participant_gains_the_thread_at_once() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let hachinohe = app.platform_id("hachinohe").await;
    let shokokai_org = app.organisation_id("青森県商工会連合会").await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;

    let staff = app.sign_in(HACHINOHE).await;
    let shokokai = app.sign_in(SHOKOKAI).await;
    let (_, cursor) = pull_all(&staff, 0).await;
    let (_, shokokai_cursor) = pull_all(&shokokai, 0).await;
    let r = staff
        .get(&format!("/api/v1/threads/{}", records.thread))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{}", records.thread),
            &json!({
                "platform_ids": [aomori, aomori_city, hachinohe],
                "organisation_ids": [keieisha_org, shokokai_org],
            }),
        )
        .await;
    let patched = json_with(r, StatusCode::OK, "add hachinohe and 商工会連合会").await;
    assert_eq!(
        as_uuid_set(&patched["platform_ids"]),
        set(&[
            &aomori.to_string(),
            &aomori_city.to_string(),
            &hachinohe.to_string()
        ])
    );
    let kinds: BTreeSet<(String, String)> = patched["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_string(),
                p["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(kinds.contains(&("platform".into(), hachinohe.to_string())));
    assert!(kinds.contains(&("organisation".into(), shokokai_org.to_string())));

    for (user, who, since) in [
        (&staff, HACHINOHE, cursor),
        (&shokokai, SHOKOKAI, shokokai_cursor),
    ] {
        let (after, _) = pull_all(user, since).await;
        let change = after
            .iter()
            .find(|c| c["kind"] == "thread" && c["id"] == records.thread.as_str())
            .unwrap_or_else(|| panic!("{who}: the added participant's feed brings the thread"));
        assert_eq!(change["op"], "upsert", "{who}");
        assert_eq!(change["data"]["subject"], MATRIX_SUBJECT, "{who}");
        assert_eq!(
            get_thread(user, &records.thread).await["subject"],
            MATRIX_SUBJECT
        );
        assert!(listed(user, &[]).await.contains(&records.thread), "{who}");
        let list = messages(user, &records.thread).await;
        assert!(
            list.iter().any(|m| m["id"] == records.message.as_str()),
            "{who}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Creating and managing threads
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_new_thread_has_its_participants_and_first_message() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let thread = create(
        &coordinator,
        json!({
            "subject": "  合同説明会の開催について  ",
            "platform_ids": [aomori, aomori_city],
            "organisation_ids": [keieisha_org],
            "body": "合同説明会の開催案を共有します。",
        }),
    )
    .await;
    assert!(thread["id"].as_str().unwrap().parse::<Uuid>().is_ok());
    assert_eq!(
        thread["subject"].as_str().unwrap().trim(),
        "合同説明会の開催について"
    );
    assert_eq!(thread["state"], "open");
    assert_eq!(thread["resolution_note"], Value::Null);
    assert_eq!(
        as_uuid_set(&thread["platform_ids"]),
        set(&[&aomori.to_string(), &aomori_city.to_string()])
    );
    assert_eq!(thread["organisation_ids"], json!([keieisha_org]));
    let participants = thread["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 3, "{participants:?}");
    assert!(participants.contains(&json!({"kind": "platform", "id": aomori, "name": AOMORI_NAME})));
    assert!(participants
        .contains(&json!({"kind": "organisation", "id": keieisha_org, "name": KEIEISHA_ORG})));
    assert!(participants
        .iter()
        .any(|p| p["kind"] == "platform" && p["id"] == aomori_city.to_string()));
    assert_eq!(thread["created_by"]["email"], COORDINATOR);
    assert_eq!(
        thread["created_by"]["id"],
        user_id(&app, COORDINATOR).await.to_string()
    );
    assert!(thread["created_by"]["display_name"].as_str().is_some());
    assert!(thread["created_at"].as_str().is_some());
    assert!(thread["last_message_at"].as_str().is_some());
    assert_eq!(thread["message_count"], 1);
    assert_eq!(thread["unread"], 0, "one's own message is not unread");
    assert_eq!(thread["can_manage"], true);

    let id = id_of(&thread);
    let list = messages(&coordinator, &id).await;
    assert_eq!(list.len(), 1);
    let first = &list[0];
    assert_eq!(first["body"], "合同説明会の開催案を共有します。");
    assert_eq!(first["thread_id"], id.as_str());
    assert_eq!(first["author"]["email"], COORDINATOR);
    assert_eq!(first["author_organisation"], "青森労働局");
    assert_eq!(first["edited_at"], Value::Null);
    assert_eq!(first["deleted"], false);
    assert_eq!(first["mentions"], json!([]));

    // Without a body: no message.
    let quiet = create(
        &coordinator,
        json!({"subject": "件名のみ", "platform_ids": [aomori]}),
    )
    .await;
    assert_eq!(quiet["message_count"], 0);
    assert_eq!(quiet["organisation_ids"], json!([]));
    assert!(messages(&coordinator, &id_of(&quiet)).await.is_empty());

    // A 200-character subject is fine (characters, not bytes).
    let long = "あ".repeat(200);
    let t = create(
        &coordinator,
        json!({"subject": long, "platform_ids": [aomori]}),
    )
    .await;
    assert_eq!(t["subject"], long);

    // A responder takes part through their organisation.
    let keieisha = app.sign_in(KEIEISHA).await;
    let t = create(
        &keieisha,
        json!({"subject": "求人情報の提供", "platform_ids": [aomori], "organisation_ids": [keieisha_org]}),
    )
    .await;
    assert_eq!(t["created_by"]["email"], KEIEISHA);
    assert_eq!(t["can_manage"], true, "the creator manages the thread");

    // Without a session: 401.
    let r = bare_client()
        .get(app.url("/api/v1/threads"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn creating_a_thread_checks_subject_platforms_organisations_and_the_caller() {
    let app = TestApp::spawn().await;
    let iwate = app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe = app.platform_id("hachinohe").await;
    let keieisha_org = app.organisation_id(KEIEISHA_ORG).await;
    let shokokai_org = app.organisation_id("青森県商工会連合会").await;

    let cases = [
        (
            json!({"subject": "", "platform_ids": [aomori]}),
            "invalid_subject",
        ),
        (
            json!({"subject": "   \u{3000} ", "platform_ids": [aomori]}),
            "invalid_subject",
        ),
        (
            json!({"subject": "あ".repeat(201), "platform_ids": [aomori]}),
            "invalid_subject",
        ),
        (
            json!({"subject": "件名", "platform_ids": []}),
            "invalid_platform",
        ),
        (
            json!({"subject": "件名", "platform_ids": [iwate.platform_id]}),
            "invalid_platform",
        ),
        (
            json!({"subject": "件名", "platform_ids": [aomori, iwate.municipal_id]}),
            "invalid_platform",
        ),
        (
            json!({"subject": "件名", "platform_ids": [Uuid::new_v4()]}),
            "invalid_platform",
        ),
        (
            json!({"subject": "件名", "platform_ids": [aomori], "organisation_ids": [iwate.organisation_ids[0]]}),
            "invalid_organisation",
        ),
        (
            json!({"subject": "件名", "platform_ids": [aomori], "organisation_ids": [Uuid::new_v4()]}),
            "invalid_organisation",
        ),
        (
            // A coordinator of aomori, but not of hachinohe, and 青森労働局 is not listed.
            json!({"subject": "件名", "platform_ids": [hachinohe]}),
            "not_a_participant",
        ),
    ];
    for (body, code) in cases {
        let r = coordinator.post("/api/v1/threads", &body).await;
        expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, code, &body.to_string()).await;
    }

    // A responder is not a participant through their role, only their organisation.
    let keieisha = app.sign_in(KEIEISHA).await;
    for body in [
        json!({"subject": "件名", "platform_ids": [aomori]}),
        json!({"subject": "件名", "platform_ids": [aomori], "organisation_ids": [shokokai_org]}),
    ] {
        let r = keieisha.post("/api/v1/threads", &body).await;
        expect_error(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_a_participant",
            &format!("keieisha {body}"),
        )
        .await;
    }
    let staff = app.sign_in(HACHINOHE).await;
    let r = staff
        .post(
            "/api/v1/threads",
            &json!({"subject": "件名", "platform_ids": [aomori], "organisation_ids": [keieisha_org]}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_a_participant",
        "hachinohe on aomori",
    )
    .await;
    // Another network's coordinator cannot open a thread on Aomori's platforms.
    let other = app.sign_in(IWATE_COORDINATOR).await;
    let r = other
        .post(
            "/api/v1/threads",
            &json!({"subject": "件名", "platform_ids": [aomori]}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_platform",
        "iwate on aomori",
    )
    .await;

    // None of the refusals made a thread.
    assert!(listed(&coordinator, &[]).await.is_empty());
    assert!(listed(&keieisha, &[]).await.is_empty());
}

#[tokio::test]
async fn only_managers_change_participants() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let hirosaki = app.platform_id("hirosaki").await;
    let path = format!("/api/v1/threads/{}", records.thread);

    for email in [LIAISON, AOMORI_CITY, KEIEISHA] {
        let user = app.sign_in(email).await;
        assert_eq!(
            get_thread(&user, &records.thread).await["can_manage"],
            false
        );
        for body in [
            json!({"platform_ids": [aomori, aomori_city, hirosaki]}),
            json!({"organisation_ids": []}),
        ] {
            let r = user.patch(&path, &body).await;
            expect_error(
                r,
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("{email} {body}"),
            )
            .await;
        }
    }
    let unchanged = get_thread(&coordinator, &records.thread).await;
    assert_eq!(
        as_uuid_set(&unchanged["platform_ids"]),
        set(&[&aomori.to_string(), &aomori_city.to_string()])
    );
    assert_eq!(unchanged["organisation_ids"].as_array().unwrap().len(), 1);

    // Another coordinator of a participant platform manages it.
    let deputy = app.sign_in(DEPUTY).await;
    assert_eq!(
        get_thread(&deputy, &records.thread).await["can_manage"],
        true
    );
    let r = deputy
        .patch(
            &path,
            &json!({"platform_ids": [aomori, aomori_city, hirosaki]}),
        )
        .await;
    let patched = json_with(r, StatusCode::OK, "the deputy adds hirosaki").await;
    assert_eq!(patched["platform_ids"].as_array().unwrap().len(), 3);

    // So does an admin of a participant platform.
    let hirosaki_staff = user_id(&app, HIROSAKI).await;
    admin::grant_role(&app.db, hirosaki_staff, hirosaki, Role::Admin)
        .await
        .expect("grant admin");
    let admin_user = app.sign_in(HIROSAKI).await;
    assert_eq!(
        get_thread(&admin_user, &records.thread).await["can_manage"],
        true
    );

    // A platform from elsewhere is refused even for a manager.
    let iwate = app.add_iwate_network().await;
    let r = coordinator
        .patch(&path, &json!({"platform_ids": [aomori, iwate.platform_id]}))
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_platform",
        "an iwate platform",
    )
    .await;
    let r = coordinator
        .patch(
            &path,
            &json!({"organisation_ids": [iwate.organisation_ids[0]]}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_organisation",
        "an iwate organisation",
    )
    .await;

    // The creator manages their own thread even without a coordinator role.
    let city = app.sign_in(AOMORI_CITY).await;
    let own = create(
        &city,
        json!({"subject": "青森市からの相談", "platform_ids": [aomori_city]}),
    )
    .await;
    assert_eq!(own["can_manage"], true);
    let liaison = app.sign_in(LIAISON).await;
    assert_eq!(
        get_thread(&liaison, &id_of(&own)).await["can_manage"],
        false
    );
    let r = coordinator
        .get(&format!("/api/v1/threads/{}", id_of(&own)))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "aomori's coordinator takes no part in a thread of aomori-city alone"
    );

    // Subject edits are checked like new subjects.
    let r = coordinator.patch(&path, &json!({"subject": "  "})).await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_subject",
        "a blank subject",
    )
    .await;
    let r = coordinator
        .patch(&path, &json!({"subject": "日程調整（第2回）"}))
        .await;
    let patched = json_with(r, StatusCode::OK, "a new subject").await;
    assert_eq!(patched["subject"], "日程調整（第2回）");
}

#[tokio::test]
async fn state_transitions_follow_the_rules() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let thread = create(
        &coordinator,
        json!({"subject": "状態遷移の確認", "platform_ids": [aomori, aomori_city]}),
    )
    .await;
    let other = create(
        &coordinator,
        json!({"subject": "別件", "platform_ids": [aomori, aomori_city]}),
    )
    .await;
    let id = id_of(&thread);
    let path = format!("/api/v1/threads/{id}");

    // open → reopened: invalid.
    let r = coordinator
        .patch(&path, &json!({"state": "reopened"}))
        .await;
    expect_error(
        r,
        StatusCode::CONFLICT,
        "invalid_transition",
        "open → reopened",
    )
    .await;
    // open → open: invalid.
    let r = coordinator.patch(&path, &json!({"state": "open"})).await;
    expect_error(r, StatusCode::CONFLICT, "invalid_transition", "open → open").await;
    // open → resolved without a note, or with an empty one.
    let r = coordinator
        .patch(&path, &json!({"state": "resolved"}))
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "resolution_note_required",
        "resolved without a note",
    )
    .await;
    let r = coordinator
        .patch(&path, &json!({"state": "resolved", "resolution_note": ""}))
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "resolution_note_required",
        "resolved with an empty note",
    )
    .await;
    assert_eq!(get_thread(&coordinator, &id).await["state"], "open");

    // open → resolved.
    let r = coordinator
        .patch(
            &path,
            &json!({"state": "resolved", "resolution_note": "日程は12月3日に決定"}),
        )
        .await;
    let resolved = json_with(r, StatusCode::OK, "open → resolved").await;
    assert_eq!(resolved["state"], "resolved");
    assert_eq!(resolved["resolution_note"], "日程は12月3日に決定");
    assert_eq!(
        listed(&coordinator, &[("state", "resolved")]).await,
        vec![id.clone()]
    );
    assert_eq!(
        listed(&coordinator, &[("state", "open")]).await,
        vec![id_of(&other)]
    );

    // resolved → resolved, resolved → open: invalid.
    for state in ["resolved", "open"] {
        let r = coordinator
            .patch(&path, &json!({"state": state, "resolution_note": "再度"}))
            .await;
        expect_error(
            r,
            StatusCode::CONFLICT,
            "invalid_transition",
            &format!("resolved → {state}"),
        )
        .await;
    }

    // resolved → reopened, by a participant who is not a manager.
    let r = city.patch(&path, &json!({"state": "reopened"})).await;
    let reopened = json_with(r, StatusCode::OK, "resolved → reopened").await;
    assert_eq!(reopened["state"], "reopened");
    assert_eq!(
        listed(&coordinator, &[("state", "reopened")]).await,
        vec![id.clone()]
    );
    assert!(listed(&coordinator, &[("state", "resolved")])
        .await
        .is_empty());

    // reopened → reopened, reopened → open: invalid; reopened → resolved needs a note.
    for state in ["reopened", "open"] {
        let r = coordinator.patch(&path, &json!({"state": state})).await;
        expect_error(
            r,
            StatusCode::CONFLICT,
            "invalid_transition",
            &format!("reopened → {state}"),
        )
        .await;
    }
    let r = coordinator
        .patch(&path, &json!({"state": "resolved"}))
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "resolution_note_required",
        "reopened → resolved without a note",
    )
    .await;
    let r = coordinator
        .patch(
            &path,
            &json!({"state": "resolved", "resolution_note": "再調整の結果、12月10日に変更"}),
        )
        .await;
    let again = json_with(r, StatusCode::OK, "reopened → resolved").await;
    assert_eq!(again["state"], "resolved");
    assert_eq!(again["resolution_note"], "再調整の結果、12月10日に変更");

    // An unknown state is refused as input, not a 500.
    let r = coordinator.patch(&path, &json!({"state": "closed"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

// ---------------------------------------------------------------------------------------
// Lists and filters
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_list_is_newest_activity_first_and_filters() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let liaison = app.sign_in(LIAISON).await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe = app.platform_id("hachinohe").await;

    let first = id_of(
        &create(
            &coordinator,
            json!({"subject": "一件目", "platform_ids": [aomori]}),
        )
        .await,
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = id_of(
        &create(
            &liaison,
            json!({"subject": "二件目", "platform_ids": [aomori, hachinohe]}),
        )
        .await,
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    let third = id_of(
        &create(
            &coordinator,
            json!({"subject": "三件目", "platform_ids": [aomori], "body": "本文"}),
        )
        .await,
    );
    assert_eq!(
        listed(&coordinator, &[]).await,
        vec![third.clone(), second.clone(), first.clone()]
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    post_message(&liaison, &first, "一件目への返信").await;
    assert_eq!(
        listed(&coordinator, &[]).await,
        vec![first.clone(), third.clone(), second.clone()],
        "a new message moves its thread to the top"
    );

    // ?mine=true: created by the caller.
    assert_eq!(
        listed(&coordinator, &[("mine", "true")]).await,
        vec![first.clone(), third.clone()]
    );
    assert_eq!(
        listed(&liaison, &[("mine", "true")]).await,
        vec![second.clone()]
    );
    // ?platform=: threads with that participant platform.
    let on_hachinohe = hachinohe.to_string();
    assert_eq!(
        listed(&coordinator, &[("platform", on_hachinohe.as_str())]).await,
        vec![second.clone()]
    );
    let on_aomori = aomori.to_string();
    assert_eq!(
        listed(&coordinator, &[("platform", on_aomori.as_str())])
            .await
            .len(),
        3
    );
    // ?state=open.
    assert_eq!(listed(&coordinator, &[("state", "open")]).await.len(), 3);
    assert!(listed(&coordinator, &[("state", "resolved")])
        .await
        .is_empty());

    // hachinohe's staff sees only the thread hachinohe takes part in.
    let staff = app.sign_in(HACHINOHE).await;
    assert_eq!(listed(&staff, &[]).await, vec![second.clone()]);

    // Each list entry carries the caller's unread count.
    let list = list_with(&coordinator, &[]).await;
    let entry = list.iter().find(|t| t["id"] == first.as_str()).unwrap();
    assert_eq!(entry["unread"], 1, "the liaison's reply is unread");
    let entry = list.iter().find(|t| t["id"] == third.as_str()).unwrap();
    assert_eq!(entry["unread"], 0, "one's own message is not unread");
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn message_bodies_are_checked() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let thread = id_of(
        &create(
            &coordinator,
            json!({"subject": "本文の確認", "platform_ids": [aomori]}),
        )
        .await,
    );
    let path = format!("/api/v1/threads/{thread}/messages");
    for body in [String::new(), "あ".repeat(10_001)] {
        let r = coordinator.post(&path, &json!({ "body": body })).await;
        expect_error(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            &format!("a body of {} characters", body.chars().count()),
        )
        .await;
    }
    let longest = "あ".repeat(10_000);
    let posted = post_message(&coordinator, &thread, &longest).await;
    assert_eq!(posted["body"], longest);
    let r = coordinator
        .post(
            "/api/v1/threads/00000000-0000-0000-0000-000000000000/messages",
            &json!({"body": "x"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn messages_are_oldest_first_and_editable_by_their_author_for_15_minutes() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let outsider = app.sign_in(HACHINOHE).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let thread = id_of(
        &create(
            &coordinator,
            json!({"subject": "編集の確認", "platform_ids": [aomori, aomori_city], "body": "一通目"}),
        )
        .await,
    );
    let second = post_message(&city, &thread, "二通目").await;
    let third = post_message(&coordinator, &thread, "三通目（誤字あり）").await;
    assert_eq!(third["author"]["email"], COORDINATOR);
    assert_eq!(second["author_organisation"], "青森市");
    assert_eq!(third["edited_at"], Value::Null);

    let bodies: Vec<String> = messages(&city, &thread)
        .await
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(bodies, ["一通目", "二通目", "三通目（誤字あり）"]);

    let path = format!("/api/v1/messages/{}", id_of(&third));
    // The author edits.
    let r = coordinator.patch(&path, &json!({"body": "三通目"})).await;
    let edited = json_with(r, StatusCode::OK, "the author edits").await;
    assert_eq!(edited["body"], "三通目");
    assert!(edited["edited_at"].as_str().is_some(), "{edited}");
    assert_eq!(edited["id"], third["id"]);
    let listed_third = messages(&city, &thread).await[2].clone();
    assert_eq!(listed_third["body"], "三通目");
    assert!(listed_third["edited_at"].as_str().is_some());
    // An edit is checked like a new message.
    let r = coordinator.patch(&path, &json!({"body": ""})).await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        "an empty edit",
    )
    .await;

    // Another participant: 403; a non-participant: 404.
    let r = city.patch(&path, &json!({"body": "他人の編集"})).await;
    expect_error(r, StatusCode::FORBIDDEN, "forbidden", "another's edit").await;
    let r = outsider
        .patch(&path, &json!({"body": "部外者の編集"}))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // 14 minutes old: still editable; 16 minutes: closed.
    age_message(&app, &id_of(&third), chrono::Duration::minutes(14)).await;
    let r = coordinator
        .patch(&path, &json!({"body": "三通目（再編集）"}))
        .await;
    json_with(r, StatusCode::OK, "an edit within the window").await;
    age_message(&app, &id_of(&third), chrono::Duration::minutes(16)).await;
    let r = coordinator
        .patch(&path, &json!({"body": "遅すぎる編集"}))
        .await;
    expect_error(
        r,
        StatusCode::CONFLICT,
        "edit_window_closed",
        "an edit after 15 minutes",
    )
    .await;
    assert_eq!(
        find(&messages(&city, &thread).await, &id_of(&third))["body"],
        "三通目（再編集）"
    );
    let r = coordinator
        .patch(
            "/api/v1/messages/00000000-0000-0000-0000-000000000000",
            &json!({"body": "x"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_deleted_message_stays_as_a_tombstone() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let aomori = app.platform_id("aomori").await;
    let aomori_city = app.platform_id("aomori-city").await;
    let thread = id_of(
        &create(
            &coordinator,
            json!({"subject": "削除の確認", "platform_ids": [aomori, aomori_city]}),
        )
        .await,
    );
    let kept = post_message(&city, &thread, "残る連絡").await;
    let doomed = post_message(&city, &thread, "誤って送った連絡").await;
    let after = post_message(&coordinator, &thread, "その後の連絡").await;
    let path = format!("/api/v1/messages/{}", id_of(&doomed));
    let (_, cursor) = pull_all(&coordinator, 0).await;

    // Only the author deletes.
    let r = coordinator.delete(&path).await;
    expect_error(r, StatusCode::FORBIDDEN, "forbidden", "another's delete").await;
    let r = city.delete(&path).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let list = messages(&coordinator, &thread).await;
    let ids_in_order: Vec<String> = list.iter().map(id_of).collect();
    assert_eq!(
        ids_in_order,
        vec![id_of(&kept), id_of(&doomed), id_of(&after)],
        "the tombstone keeps its place"
    );
    let tombstone = &list[1];
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["body"], "");
    assert_eq!(list[0]["deleted"], false);
    assert_eq!(list[0]["body"], "残る連絡");

    // A tombstone cannot be edited.
    let r = city.patch(&path, &json!({"body": "復活"})).await;
    expect_error(
        r,
        StatusCode::CONFLICT,
        "message_deleted",
        "an edit of a deleted message",
    )
    .await;

    // The feed sends the message again, as a tombstone.
    let (changes, _) = pull_all(&coordinator, cursor).await;
    let change = changes
        .iter()
        .rev()
        .find(|c| c["kind"] == "message" && c["id"] == doomed["id"])
        .unwrap_or_else(|| panic!("the deletion is in the feed: {changes:?}"));
    assert_eq!(change["data"]["deleted"], true, "{change}");
    assert_eq!(change["data"]["body"], "", "{change}");
    assert!(!change.to_string().contains("誤って送った"));
}

#[tokio::test]
async fn mentions_name_participants_and_filter_the_list() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let hachinohe = app.platform_id("hachinohe").await;
    let hachinohe_id = user_id(&app, HACHINOHE).await.to_string();
    let liaison_id = user_id(&app, LIAISON).await.to_string();
    let thread = id_of(
        &create(
            &coordinator,
            json!({"subject": "メンションの確認", "platform_ids": [aomori, hachinohe]}),
        )
        .await,
    );
    let quiet = id_of(
        &create(
            &coordinator,
            json!({"subject": "メンションなし", "platform_ids": [aomori, hachinohe], "body": "hachinohe の皆様へ"}),
        )
        .await,
    );

    let m = post_message(&coordinator, &thread, "@hachinohe 資料の確認をお願いします").await;
    assert_eq!(as_uuid_set(&m["mentions"]), set(&[&hachinohe_id]));
    let m = post_message(
        &coordinator,
        &thread,
        "@kenko-fukushi@aomori.example さん、ご確認ください",
    )
    .await;
    assert_eq!(as_uuid_set(&m["mentions"]), set(&[&liaison_id]));
    let m = post_message(
        &coordinator,
        &thread,
        "@hachinohe@aomori.example と @kenko-fukushi の両名へ",
    )
    .await;
    assert_eq!(
        as_uuid_set(&m["mentions"]),
        set(&[&hachinohe_id, &liaison_id])
    );
    // Not participants (hirosaki), or nobody at all: no mention.
    let m = post_message(&coordinator, &thread, "@hirosaki @nobody @ 宛先なし").await;
    assert_eq!(m["mentions"], json!([]));
    // The stored message says the same.
    let list = messages(&coordinator, &thread).await;
    assert_eq!(as_uuid_set(&list[0]["mentions"]), set(&[&hachinohe_id]));

    let staff = app.sign_in(HACHINOHE).await;
    assert_eq!(
        listed(&staff, &[("mentions", "true")]).await,
        vec![thread.clone()]
    );
    assert_eq!(listed(&staff, &[]).await.len(), 2);
    let liaison = app.sign_in(LIAISON).await;
    assert_eq!(
        listed(&liaison, &[("mentions", "true")]).await,
        vec![thread.clone()]
    );
    let deputy = app.sign_in(DEPUTY).await;
    assert!(listed(&deputy, &[("mentions", "true")]).await.is_empty());
    let hirosaki = app.sign_in(HIROSAKI).await;
    assert!(listed(&hirosaki, &[("mentions", "true")]).await.is_empty());
    assert!(!listed(&staff, &[("mentions", "true")])
        .await
        .contains(&quiet));
}

// ---------------------------------------------------------------------------------------
// Read markers
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn read_markers_drive_unread_counts_and_read_receipts() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let liaison = app.sign_in(LIAISON).await;
    let records = matrix_thread(&app, &coordinator).await;
    let thread = records.thread.clone();
    // Participants' users: coordinator, shoko-rodo, kenko-fukushi (platforms), aomori-city
    // (aomori-city), keieisha (organisation). shokokai (a responder) is not one.
    let list = messages(&coordinator, &thread).await;
    assert_eq!(list.len(), 2);
    let m1 = id_of(&list[0]);
    let m2 = id_of(&list[1]);
    let m3 = id_of(&post_message(&coordinator, &thread, "三通目").await);

    assert_eq!(get_thread(&city, &thread).await["unread"], 3);
    assert_eq!(get_thread(&coordinator, &thread).await["unread"], 0);
    for m in messages(&city, &thread).await {
        assert_eq!(m["read_count"], 0, "{m}");
        assert_eq!(m["reader_count"], 4, "the other participants' users: {m}");
        assert_eq!(m["read_by_organisations"], json!([]), "{m}");
    }

    // aomori-city reads up to the second message.
    mark_read(&city, &thread, &m2).await;
    assert_eq!(get_thread(&city, &thread).await["unread"], 1);
    let entry = list_with(&city, &[])
        .await
        .into_iter()
        .find(|t| t["id"] == thread.as_str())
        .unwrap();
    assert_eq!(entry["unread"], 1, "the list carries the same count");
    let seen = messages(&coordinator, &thread).await;
    assert_eq!(find(&seen, &m1)["read_count"], 1);
    assert_eq!(find(&seen, &m2)["read_count"], 1);
    assert_eq!(find(&seen, &m3)["read_count"], 0);
    assert_eq!(find(&seen, &m1)["read_by_organisations"], json!(["青森市"]));
    assert_eq!(find(&seen, &m3)["read_by_organisations"], json!([]));

    // 経営者協会 reads everything.
    mark_read(&keieisha, &thread, &m3).await;
    assert_eq!(get_thread(&keieisha, &thread).await["unread"], 0);
    let seen = messages(&liaison, &thread).await;
    assert_eq!(find(&seen, &m1)["read_count"], 2);
    assert_eq!(find(&seen, &m3)["read_count"], 1);
    let orgs: BTreeSet<String> = find(&seen, &m1)["read_by_organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect();
    assert_eq!(orgs, set(&["青森市", KEIEISHA_ORG]));
    assert_eq!(
        find(&seen, &m3)["read_by_organisations"],
        json!([KEIEISHA_ORG])
    );

    // A reply by aomori-city is unread for the others, and read by nobody yet.
    let m4 = id_of(&post_message(&city, &thread, "青森市から返信します").await);
    assert_eq!(get_thread(&coordinator, &thread).await["unread"], 1);
    assert_eq!(get_thread(&keieisha, &thread).await["unread"], 1);
    assert_eq!(get_thread(&liaison, &thread).await["unread"], 4);
    let seen = messages(&liaison, &thread).await;
    assert_eq!(find(&seen, &m4)["read_count"], 0);
    assert_eq!(find(&seen, &m4)["reader_count"], 4);
    let entry = list_with(&liaison, &[])
        .await
        .into_iter()
        .find(|t| t["id"] == thread.as_str())
        .unwrap();
    assert_eq!(entry["unread"], 4);

    // A deleted message is no longer unread.
    let r = coordinator.delete(&format!("/api/v1/messages/{m3}")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(get_thread(&liaison, &thread).await["unread"], 3);
    assert_eq!(get_thread(&keieisha, &thread).await["unread"], 1);

    // The marker must name a message of this thread.
    let aomori = app.platform_id("aomori").await;
    let elsewhere = create(
        &coordinator,
        json!({"subject": "別スレッド", "platform_ids": [aomori], "body": "別の本文"}),
    )
    .await;
    let foreign = id_of(&messages(&coordinator, &id_of(&elsewhere)).await[0]);
    for message_id in [foreign, Uuid::new_v4().to_string()] {
        let r = liaison
            .post(
                &format!("/api/v1/threads/{thread}/read"),
                &json!({ "message_id": message_id }),
            )
            .await;
        expect_error(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_message",
            "a marker on another thread's message",
        )
        .await;
    }
    assert_eq!(get_thread(&liaison, &thread).await["unread"], 3);
    mark_read(&liaison, &thread, &m4).await;
    assert_eq!(get_thread(&liaison, &thread).await["unread"], 0);
}

// ---------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn search_finds_subjects_and_bodies_across_widths_and_cases() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let new = |subject: &str, body: Option<&str>| {
        let mut value = json!({"subject": subject, "platform_ids": [aomori]});
        if let Some(body) = body {
            value["body"] = json!(body);
        }
        value
    };
    let support = id_of(&create(&coordinator, new("就労支援の連携について", None)).await);
    let kpi_wide = id_of(&create(&coordinator, new("ＫＰＩの確認", None)).await);
    let kpi_narrow = id_of(
        &create(
            &coordinator,
            new("数値目標", Some("今年度のKPIを共有します")),
        )
        .await,
    );
    let kana_half = id_of(&create(&coordinator, new("ｶﾀｶﾅ表記の統一", None)).await);
    let kana_full = id_of(
        &create(
            &coordinator,
            new("研修の案内", Some("氏名はカタカナで入力してください")),
        )
        .await,
    );
    let secret = id_of(&create(&coordinator, new("連絡", None)).await);
    let _unrelated =
        id_of(&create(&coordinator, new("会議室の予約", Some("午後に予約済み"))).await);

    assert_eq!(search(&coordinator, "就労").await, set(&[&support]));
    assert_eq!(search(&coordinator, "支援").await, set(&[&support]));
    for q in ["KPI", "ＫＰＩ", "kpi", "ｋｐｉ"] {
        assert_eq!(
            search(&coordinator, q).await,
            set(&[&kpi_wide, &kpi_narrow]),
            "q={q}"
        );
    }
    for q in ["カタカナ", "ｶﾀｶﾅ"] {
        assert_eq!(
            search(&coordinator, q).await,
            set(&[&kana_half, &kana_full]),
            "q={q}"
        );
    }
    // In message bodies.
    assert_eq!(search(&coordinator, "今年度").await, set(&[&kpi_narrow]));
    assert!(search(&coordinator, "存在しない語句").await.is_empty());

    // A deleted message is not searched.
    let m = post_message(&coordinator, &secret, "合言葉はあじさい").await;
    assert_eq!(search(&coordinator, "あじさい").await, set(&[&secret]));
    let r = coordinator
        .delete(&format!("/api/v1/messages/{}", id_of(&m)))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(search(&coordinator, "あじさい").await.is_empty());
    // An edited message is found by its new text only.
    let m = post_message(&coordinator, &secret, "旧い文言").await;
    let r = coordinator
        .patch(
            &format!("/api/v1/messages/{}", id_of(&m)),
            &json!({"body": "新しい文言"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(search(&coordinator, "新しい").await, set(&[&secret]));
    assert!(search(&coordinator, "旧い").await.is_empty());

    // Combined with another filter.
    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{kpi_wide}"),
            &json!({"state": "resolved", "resolution_note": "確認済み"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let found: BTreeSet<String> = listed(&coordinator, &[("q", "KPI"), ("state", "open")])
        .await
        .into_iter()
        .collect();
    assert_eq!(found, set(&[&kpi_narrow]));
}

// ---------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn attachments_are_checked_by_content_and_served_to_participants() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;
    let path = format!("/api/v1/threads/{}/attachments", records.thread);

    // A PDF.
    let pdf = pdf_bytes();
    let r = coordinator
        .upload(&path, "議事録.pdf", "application/pdf", &pdf)
        .await;
    let info = json_with(r, StatusCode::CREATED, "a PDF").await;
    assert_eq!(info["thread_id"], records.thread.as_str());
    assert_eq!(info["message_id"], Value::Null);
    assert_eq!(info["filename"], "議事録.pdf");
    assert_eq!(info["content_type"], "application/pdf");
    assert_eq!(info["size"], pdf.len() as u64);
    assert!(info["created_at"].as_str().is_some());

    let city = app.sign_in(AOMORI_CITY).await;
    let r = city
        .get(&format!("/api/v1/attachments/{}", id_of(&info)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let header = |r: &Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(header(&r, "content-type").starts_with("application/pdf"));
    assert!(
        header(&r, "content-disposition").starts_with("attachment"),
        "{}",
        header(&r, "content-disposition")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // A PNG, announced with a generic type: detected from its bytes.
    let png = png_bytes();
    let r = city
        .upload(&path, "photo.png", "application/octet-stream", &png)
        .await;
    let info = json_with(r, StatusCode::CREATED, "a PNG").await;
    assert_eq!(info["content_type"], "image/png");
    assert_eq!(info["size"], png.len() as u64);
    let r = coordinator
        .get(&format!("/api/v1/attachments/{}", id_of(&info)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").starts_with("image/png"));
    assert!(header(&r, "content-disposition").starts_with("attachment"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), png.as_slice());

    // An executable dressed as a PDF.
    let r = coordinator
        .upload(&path, "report.pdf", "application/pdf", &elf_bytes())
        .await;
    let status = r.status();
    let body: Value = r.json().await.expect("a JSON error");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "file_refused", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.to_lowercase().contains("executable") || message.contains("実行"),
        "the message says why: {message}"
    );
    // Plain text named .pdf.
    let r = coordinator
        .upload(&path, "x.pdf", "application/pdf", &text_bytes())
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "file_refused",
        "text named x.pdf",
    )
    .await;

    // Too large.
    let mut big = pdf_bytes();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let (content_type, body) = multipart_file("file", "big.pdf", "application/pdf", &big);
    let r = coordinator
        .request(Method::POST, &path)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("the server answers an oversized upload (rather than dropping the connection)");
    let (status, code) = error_code(r).await;
    assert!(
        (status, code.as_str()) == (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            || (status, code.as_str()) == (StatusCode::UNPROCESSABLE_ENTITY, "file_too_large"),
        "an upload over 20 MiB: {status} {code}"
    );

    // Outsiders: 404, like a missing attachment.
    let staff = app.sign_in(HACHINOHE).await;
    let r = staff
        .get(&format!("/api/v1/attachments/{}", records.attachment))
        .await;
    let hidden = error_code(r).await;
    let r = staff
        .get(&format!("/api/v1/attachments/{}", Uuid::new_v4()))
        .await;
    assert_eq!(hidden, error_code(r).await);
    assert_eq!(hidden.0, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// Audit, sync and live events
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_read_of_a_thread_is_audited() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;
    let city = app.sign_in(AOMORI_CITY).await;
    let reader = user_id(&app, AOMORI_CITY).await;

    let before = thread_reads(&app, &records.thread, reader).await;
    get_thread(&city, &records.thread).await;
    assert_eq!(
        thread_reads(&app, &records.thread, reader).await,
        before + 1,
        "GET thread"
    );
    messages(&city, &records.thread).await;
    assert_eq!(
        thread_reads(&app, &records.thread, reader).await,
        before + 2,
        "GET messages"
    );
    get_thread(&city, &records.thread).await;
    assert_eq!(
        thread_reads(&app, &records.thread, reader).await,
        before + 3
    );

    let row = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("thread_read"))
        .filter(audit_log::Column::ActorUserId.eq(reader))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a row");
    assert_eq!(row.record_id, Some(records.thread.parse::<Uuid>().unwrap()));
}

#[tokio::test]
async fn the_feed_carries_threads_and_messages_to_participants() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let (_, cursor) = pull_all(&keieisha, 0).await;
    let records = matrix_thread(&app, &coordinator).await;

    let (changes, _) = pull_all(&keieisha, cursor).await;
    let thread_change = changes
        .iter()
        .rev()
        .find(|c| c["kind"] == "thread" && c["id"] == records.thread.as_str())
        .expect("the thread is in the participant's feed");
    assert_eq!(thread_change["op"], "upsert");
    let data = &thread_change["data"];
    assert_eq!(data["id"], records.thread.as_str());
    assert_eq!(data["subject"], MATRIX_SUBJECT);
    assert_eq!(data["state"], "open");
    assert!(data["participants"].is_array());
    assert_eq!(data["created_by"]["email"], COORDINATOR);

    let message_change = changes
        .iter()
        .rev()
        .find(|c| c["kind"] == "message" && c["id"] == records.message.as_str())
        .expect("the message is in the participant's feed");
    assert_eq!(message_change["op"], "upsert");
    let data = &message_change["data"];
    assert_eq!(data["thread_id"], records.thread.as_str());
    assert!(data["body"].as_str().unwrap().contains(MATRIX_BODY_WORD));
    assert_eq!(data["author"]["email"], COORDINATOR);
    assert_eq!(data["deleted"], false);
}

#[tokio::test]
async fn a_new_message_pokes_participants_and_nobody_else() {
    let app = TestApp::spawn().await;
    app.add_iwate_network().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let records = matrix_thread(&app, &coordinator).await;

    let city = app.sign_in(AOMORI_CITY).await;
    let keieisha = app.sign_in(KEIEISHA).await;
    let outsiders = [
        app.sign_in(HACHINOHE).await,
        app.sign_in(SHOKOKAI).await,
        app.sign_in(IWATE_COORDINATOR).await,
    ];
    let (_, city_cursor) = pull_all(&city, 0).await;
    let mut outsider_cursors = Vec::new();
    for user in &outsiders {
        outsider_cursors.push(pull_all(user, 0).await.1);
    }
    let mut city_events = Events::open(&city, None).await;
    let mut keieisha_events = Events::open(&keieisha, None).await;
    let mut outsider_events = Vec::new();
    for user in &outsiders {
        outsider_events.push(Events::open(user, None).await);
    }
    city_events.drain().await;
    keieisha_events.drain().await;
    for events in &mut outsider_events {
        events.drain().await;
    }

    let posted = post_message(
        &coordinator,
        &records.thread,
        "至急：会場が変更になりました",
    )
    .await;

    let id = city_events
        .next_change(Duration::from_secs(5))
        .await
        .expect("a participant via a platform is poked");
    assert!(id > city_cursor);
    keieisha_events
        .next_change(Duration::from_secs(5))
        .await
        .expect("a participant via an organisation is poked");
    let (changes, _) = pull_all(&city, city_cursor).await;
    let change = changes
        .iter()
        .find(|c| c["kind"] == "message" && c["id"] == posted["id"])
        .expect("the message is in the feed");
    assert_eq!(change["data"]["body"], "至急：会場が変更になりました");

    let names = [HACHINOHE, SHOKOKAI, IWATE_COORDINATOR];
    let mut problems = Vec::new();
    for ((events, user), (name, since)) in outsider_events
        .iter_mut()
        .zip(&outsiders)
        .zip(names.iter().zip(outsider_cursors))
    {
        if let Some(poke) = events.next_change(Duration::from_millis(1500)).await {
            problems.push(format!(
                "{name} was poked (cursor {poke}) by a thread they do not take part in"
            ));
        }
        let (changes, _) = pull_all(user, since).await;
        if !changes.is_empty() {
            problems.push(format!("{name}'s feed got {changes:?}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Guidelines §6: no personal data about the people being supported is kept, and a
/// liaison thread is where a case is most likely to be described. Every way text enters a
/// thread (subject and first message, a message, an edit, a new subject, a resolution
/// note, and the no-JavaScript forms) refuses it with 422 `personal_data` naming the
/// field, and keeps nothing.
#[tokio::test]
async fn liaison_threads_refuse_personal_data_about_supported_people() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in(COORDINATOR).await;
    let aomori = app.platform_id("aomori").await;
    let city = app.platform_id("aomori-city").await;
    let parts = json!([aomori, city]);

    let cases = [
        (
            json!({"subject": "Aさん 090-1234-5678", "platform_ids": parts}),
            "`subject`",
        ),
        (
            json!({"subject": "支援の相談", "platform_ids": parts, "body": "住所は青森市本町1丁目2番3号です"}),
            "`body`",
        ),
    ];
    for (body, field) in cases {
        let r = coordinator.post("/api/v1/threads", &body).await;
        let error = json_with(r, StatusCode::UNPROCESSABLE_ENTITY, &body.to_string()).await;
        assert_eq!(error["error"]["code"], "personal_data", "{error}");
        let message = error["error"]["message"].as_str().expect("a message");
        assert!(message.contains(field), "{message}");
    }
    let kept: Vec<Value> = list_with(&coordinator, &[]).await;
    assert!(
        !kept.iter().any(|t| t["subject"] == "支援の相談"),
        "a refused thread is not kept"
    );

    let thread = create(
        &coordinator,
        json!({"subject": "支援の相談", "platform_ids": parts}),
    )
    .await;
    let id = thread["id"].as_str().expect("an id").to_string();
    let posted = post_message(&coordinator, &id, "来週の会議で共有します。").await;
    let message_id = posted["id"].as_str().expect("an id").to_string();
    // A member's own address is not data about a supported person: a mention and a
    // colleague's address pass.
    post_message(
        &coordinator,
        &id,
        "@aomori-city@aomori.example さん、確認をお願いします（控えは shoko-rodo@aomori.example へ）",
    )
    .await;

    let r = coordinator
        .post(
            &format!("/api/v1/threads/{id}/messages"),
            &json!({"body": "連絡先: taro.yamada@example.jp"}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "personal_data",
        "a message",
    )
    .await;
    let r = coordinator
        .patch(
            &format!("/api/v1/messages/{message_id}"),
            &json!({"body": "個人番号 123456789012"}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "personal_data",
        "an edit",
    )
    .await;
    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{id}"),
            &json!({"subject": "Bさん 080-9876-5432"}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "personal_data",
        "a subject",
    )
    .await;
    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{id}"),
            &json!({"state": "resolved", "resolution_note": "本人(090-1111-2222)に連絡済み"}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "personal_data",
        "a note",
    )
    .await;
    let r = coordinator
        .patch(
            &format!("/api/v1/threads/{id}"),
            &json!({"state": "resolved", "resolution_note": "x".repeat(10_001)}),
        )
        .await;
    expect_error(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        "a long note",
    )
    .await;

    // The page form, as a browser without JavaScript sends it.
    let r = coordinator
        .client
        .post(app.url(&format!("/threads/{id}/messages")))
        .form(&[
            ("csrf_token", coordinator.csrf.as_str()),
            ("body", "電話 03-1234-5678"),
        ])
        .send()
        .await
        .expect("the form is sent");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"]
        .to_str()
        .expect("a location")
        .to_string();
    assert!(to.ends_with("?error=personal_data"), "{to}");

    // Nothing of it was kept: the two messages as posted; the thread as created.
    let seen = coordinator.get_json(&format!("/api/v1/threads/{id}")).await;
    assert_eq!(seen["subject"], "支援の相談");
    assert_eq!(seen["state"], "open");
    let messages = coordinator
        .get_json(&format!("/api/v1/threads/{id}/messages"))
        .await;
    let bodies: Vec<&str> = messages
        .as_array()
        .or_else(|| messages["messages"].as_array())
        .expect("messages")
        .iter()
        .map(|m| m["body"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(bodies[0], "来週の会議で共有します。");
}

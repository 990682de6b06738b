//! The browser side: IndexedDB (through `rexie`), fetch (`gloo-net`), timers
//! (`gloo-timers`), window events (`gloo-events`) and the event stream. One engine per page
//! load, shared by every page through [`SyncStore`].

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use gloo_events::EventListener;
use gloo_net::http::{Method, Request, RequestBuilder};
use gloo_timers::future::sleep;
use leptos::prelude::*;
use leptos::task::spawn_local;
use rexie::{ObjectStore, Rexie, TransactionMode};
use uuid::Uuid;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::{Link, NewWrite, OutboxEntry, Refusal, Step, SyncStore, Write};
use crate::domain::{Change, ChangeEvent, ChangeOp, ErrorBody, EventStep, SyncPage};

const DB_NAME: &str = "kakehashi";
const RECORDS: &str = "records";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
/// The server says `ready` as soon as the stream opens; silence this long means something
/// in between holds the stream back, so the client polls instead.
const READY_WITHIN: Duration = Duration::from_secs(5);
const POLL_EVERY: Duration = Duration::from_secs(10);
const PAGE: u32 = 500;

struct Engine {
    store: SyncStore,
    user: Uuid,
    csrf: String,
    /// Unset while opening; `None` inside when IndexedDB is unavailable (a private
    /// window may refuse it): the engine then keeps everything in memory only.
    db: OnceCell<Option<Rexie>>,
    cursor: Cell<i64>,
    pulling: Cell<bool>,
    pull_again: Cell<bool>,
    flushing: Cell<bool>,
    retry_scheduled: Cell<bool>,
}

thread_local! {
    static ENGINE: RefCell<Option<Rc<Engine>>> = const { RefCell::new(None) };
}

pub(super) fn start(store: SyncStore, user: Uuid, csrf: String) {
    let engine = Rc::new(Engine {
        store,
        user,
        csrf,
        db: OnceCell::new(),
        cursor: Cell::new(0),
        pulling: Cell::new(false),
        pull_again: Cell::new(false),
        flushing: Cell::new(false),
        retry_scheduled: Cell::new(false),
    });
    ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
    // Signals change only from tasks, after hydration has matched the server's HTML.
    spawn_local(async move {
        keep_pages_for_offline();
        watch_connectivity(&engine);
        open(&engine).await;
        wake(&engine).await;
        listen(engine);
    });
}

/// Registers the service worker (`public/sw.js`) that keeps the last copy of each page
/// and of the app's files, so a reload while offline still opens the page and this engine
/// can show the outbox. Where service workers are unavailable (an old browser, a policy),
/// everything else works as before.
fn keep_pages_for_offline() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let registering = wasm_bindgen_futures::JsFuture::from(container.register("/sw.js"));
    spawn_local(async move {
        if let Err(e) = registering.await {
            leptos::logging::warn!("offline pages unavailable: {e:?}");
        }
    });
}

fn watch_connectivity(engine: &Rc<Engine>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    engine.store.online.set(window.navigator().on_line());
    let back = engine.clone();
    EventListener::new(&window, "online", move |_| {
        back.store.online.set(true);
        let engine = back.clone();
        spawn_local(async move { wake(&engine).await });
    })
    .forget();
    let store = engine.store;
    EventListener::new(&window, "offline", move |_| store.online.set(false)).forget();
}

/// Opens the local database and restores what it holds; another person's data is
/// cleared first (sign-out clears it too, through `Clear-Site-Data`).
async fn open(engine: &Rc<Engine>) {
    let db = Rexie::builder(DB_NAME)
        .version(1)
        .add_object_store(ObjectStore::new(RECORDS))
        .add_object_store(ObjectStore::new(OUTBOX))
        .add_object_store(ObjectStore::new(META))
        .build()
        .await
        .ok();
    if let Some(db) = &db {
        if let Err(e) = restore(engine, db).await {
            leptos::logging::warn!("local store unreadable, starting afresh: {e}");
        }
    }
    let _ = engine.db.set(db);
}

async fn restore(engine: &Engine, db: &Rexie) -> rexie::Result<()> {
    let tx = db.transaction(&[RECORDS, OUTBOX, META], TransactionMode::ReadWrite)?;
    let meta = tx.store(META)?;
    let owner = meta
        .get(JsValue::from_str("user"))
        .await?
        .and_then(|v| v.as_string());
    if owner.as_deref() != Some(engine.user.to_string().as_str()) {
        tx.store(RECORDS)?.clear().await?;
        tx.store(OUTBOX)?.clear().await?;
        meta.clear().await?;
        meta.put(
            &JsValue::from_str(&engine.user.to_string()),
            Some(&JsValue::from_str("user")),
        )
        .await?;
        tx.done().await?;
        return Ok(());
    }
    let cursor = meta
        .get(JsValue::from_str("cursor"))
        .await?
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as i64;
    let mut records = super::Records::default();
    for (key, value) in tx.store(RECORDS)?.scan(None, None, None, None).await? {
        if let (Some(key), Some(json)) = (key.as_string(), value.as_string()) {
            records.restore(&key, &json);
        }
    }
    let mut stored: Vec<OutboxEntry> = tx
        .store(OUTBOX)?
        .get_all(None, None)
        .await?
        .into_iter()
        .filter_map(|v| v.as_string())
        .filter_map(|json| serde_json::from_str(&json).ok())
        .collect();
    tx.done().await?;
    engine.cursor.set(cursor);
    engine.store.records.set(records);
    // Anything queued while the database was opening stays, after what was stored.
    engine.store.outbox.update(|queued| {
        for entry in queued.drain(..) {
            if !stored.iter().any(|s| s.key == entry.key) {
                stored.push(entry);
            }
        }
        stored.sort_by_key(|e| e.seq);
        *queued = stored;
    });
    Ok(())
}

async fn opened(engine: &Engine) -> Option<&Rexie> {
    loop {
        if let Some(db) = engine.db.get() {
            return db.as_ref();
        }
        sleep(Duration::from_millis(20)).await;
    }
}

/// Catches up, then sends what waits: on start, on every poke, poll and reconnect.
async fn wake(engine: &Rc<Engine>) {
    catch_up(engine).await;
    flush(engine).await;
}

/// Pulls until the feed says there is no more. Pokes that arrive meanwhile are folded
/// into one more round rather than a second puller.
async fn catch_up(engine: &Rc<Engine>) {
    if engine.pulling.replace(true) {
        engine.pull_again.set(true);
        return;
    }
    loop {
        engine.pull_again.set(false);
        if !pull(engine).await || !engine.pull_again.get() {
            break;
        }
    }
    engine.pulling.set(false);
}

async fn pull(engine: &Rc<Engine>) -> bool {
    let store = engine.store;
    loop {
        let url = format!("/api/v1/sync?since={}&limit={PAGE}", engine.cursor.get());
        let response = match Request::get(&url).send().await {
            Ok(response) => response,
            Err(_) => {
                store.online.set(false);
                // Offline, what the device kept is the best there is: show it.
                if engine.cursor.get() > 0 {
                    store.ready.set(true);
                }
                return false;
            }
        };
        match response.status() {
            200 => {}
            401 => {
                store.signed_out.set(true);
                return false;
            }
            _ => return false,
        }
        let Ok(page) = response.json::<SyncPage>().await else {
            return false;
        };
        // The browser's own word, not `true`: a pull answered just as the connection went
        // must not hide the offline notice the `offline` event has just shown (nor make
        // the stream watcher fall back to polling as if a proxy held the stream).
        store
            .online
            .set(web_sys::window().is_none_or(|w| w.navigator().on_line()));
        let mut writes = Vec::new();
        store.records.update(|records| {
            for change in &page.changes {
                writes.extend(records.apply(change));
            }
        });
        engine.cursor.set(page.cursor);
        if let Err(e) = persist(engine, &writes, page.cursor).await {
            leptos::logging::warn!("could not keep synced records on the device: {e}");
        }
        if !page.has_more {
            store.ready.set(true);
            return true;
        }
    }
}

/// The records and the cursor in one local transaction, so a reload resumes exactly here.
async fn persist(engine: &Engine, writes: &[Write], cursor: i64) -> rexie::Result<()> {
    let Some(db) = opened(engine).await else {
        return Ok(());
    };
    let tx = db.transaction(&[RECORDS, META], TransactionMode::ReadWrite)?;
    let records = tx.store(RECORDS)?;
    for (key, json) in writes {
        match json {
            Some(json) => {
                records
                    .put(&JsValue::from_str(json), Some(&JsValue::from_str(key)))
                    .await?;
            }
            None => records.delete(JsValue::from_str(key)).await?,
        }
    }
    tx.store(META)?
        .put(
            &JsValue::from_f64(cursor as f64),
            Some(&JsValue::from_str("cursor")),
        )
        .await?;
    tx.done().await?;
    Ok(())
}

/// A `change` event: its changes are applied as a pull's would be when they continue
/// from this device's cursor and no pull is under way; otherwise it is a poke to pull.
async fn receive(engine: &Rc<Engine>, event: ChangeEvent) {
    if engine.pulling.get() {
        // The pull under way goes round once more and takes this in.
        catch_up(engine).await;
        return;
    }
    match event.step(engine.cursor.get()) {
        EventStep::Nothing => {}
        EventStep::Pull => wake(engine).await,
        EventStep::Apply(changes, cursor) => {
            let mut writes = Vec::new();
            engine.store.records.update(|records| {
                for change in changes {
                    writes.extend(records.apply(change));
                }
            });
            engine.cursor.set(cursor);
            if let Err(e) = persist(engine, &writes, cursor).await {
                leptos::logging::warn!("could not keep synced records on the device: {e}");
            }
        }
    }
}

/// One event stream per page load. `ready` opens it (and every reconnect, which the
/// browser makes by itself, starts with a catch-up); `change` brings the changes (or
/// pokes a pull, see [`receive`]).
fn listen(engine: Rc<Engine>) {
    let heard = Rc::new(Cell::new(false));
    let source = web_sys::EventSource::new("/api/v1/events").ok();
    if let Some(source) = &source {
        let (e, h) = (engine.clone(), heard.clone());
        let on_ready = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            h.set(true);
            e.store.link.set(Link::Live);
            let engine = e.clone();
            spawn_local(async move { wake(&engine).await });
        });
        let e = engine.clone();
        let on_change = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let data = event
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string())
                .and_then(|json| serde_json::from_str::<ChangeEvent>(&json).ok())
                .unwrap_or_default();
            let engine = e.clone();
            spawn_local(async move { receive(&engine, data).await });
        });
        let _ = source.add_event_listener_with_callback("ready", on_ready.as_ref().unchecked_ref());
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // The stream lives as long as the page.
        on_ready.forget();
        on_change.forget();
    }
    spawn_local(async move {
        loop {
            sleep(READY_WITHIN).await;
            if heard.get() {
                return;
            }
            // Offline says nothing about proxies: wait for the connection to return.
            if engine.store.online.get_untracked() {
                break;
            }
        }
        if let Some(source) = source {
            source.close();
        }
        engine.store.link.set(Link::Polling);
        loop {
            sleep(POLL_EVERY).await;
            wake(&engine).await;
        }
    });
}

pub(super) fn enqueue(store: SyncStore, write: NewWrite) -> bool {
    let Some(engine) = ENGINE.with(|e| e.borrow().clone()) else {
        return false;
    };
    let now = chrono::Utc::now();
    let last = store
        .outbox
        .with_untracked(|o| o.iter().map(|e| e.seq).max())
        .unwrap_or(0);
    let entry = OutboxEntry {
        // Milliseconds keep the order across reloads even before the stored ones are read.
        seq: (now.timestamp_millis().max(0) as u64).max(last + 1),
        key: Uuid::new_v4(),
        method: write.method.to_string(),
        path: write.path,
        body: write.body,
        answer_kind: write.answer_kind,
        thread_id: write.thread_id,
        summary: write.summary,
        created_at: now,
        retries: 0,
        in_progress_since: None,
    };
    store.outbox.update(|o| o.push(entry.clone()));
    spawn_local(async move {
        if let Err(e) = keep(&engine, &entry).await {
            leptos::logging::warn!("could not keep a pending write on the device: {e}");
        }
        flush(&engine).await;
    });
    true
}

async fn keep(engine: &Engine, entry: &OutboxEntry) -> rexie::Result<()> {
    let Some(db) = opened(engine).await else {
        return Ok(());
    };
    let json = serde_json::to_string(entry).unwrap_or_default();
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    tx.store(OUTBOX)?
        .put(
            &JsValue::from_str(&json),
            Some(&JsValue::from_f64(entry.seq as f64)),
        )
        .await?;
    tx.done().await?;
    Ok(())
}

async fn forget(engine: &Engine, entry: &OutboxEntry) {
    engine
        .store
        .outbox
        .update(|o| o.retain(|e| e.key != entry.key));
    let Some(db) = opened(engine).await else {
        return;
    };
    let result = async {
        let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
        tx.store(OUTBOX)?
            .delete(JsValue::from_f64(entry.seq as f64))
            .await?;
        tx.done().await?;
        rexie::Result::Ok(())
    }
    .await;
    if let Err(e) = result {
        leptos::logging::warn!("could not drop a sent write from the device: {e}");
    }
}

/// Sends the outbox in order, one at a time. Stops at the first write that cannot go now
/// and tries it again after a back-off ([`OutboxEntry::after_answer`]); one the server
/// keeps answering "in progress" for too long is shown as failed, and the rest go on.
async fn flush(engine: &Rc<Engine>) {
    if engine.flushing.replace(true) {
        return;
    }
    let store = engine.store;
    while let Some(mut entry) = store.outbox.with_untracked(|o| o.first().cloned()) {
        let answer = send(engine, &entry).await;
        store.online.set(answer.is_some());
        let (status, text) = answer.clone().unwrap_or_default();
        let error = serde_json::from_str::<ErrorBody>(&text)
            .ok()
            .map(|b| b.error);
        let step = entry.after_answer(
            answer
                .as_ref()
                .map(|_| (status, error.as_ref().map(|e| e.code.as_str()))),
            chrono::Utc::now(),
        );
        match step {
            Step::Sent => {
                // Shown from the answer at once; the feed brings the same record again.
                if let (Some(kind), Ok(data)) = (
                    entry.answer_kind,
                    serde_json::from_str::<serde_json::Value>(&text),
                ) {
                    if let Some(id) = data
                        .get("id")
                        .and_then(|v| v.as_str())
                        .and_then(|s| Uuid::parse_str(s).ok())
                    {
                        let change = Change {
                            cursor: 0,
                            kind,
                            id,
                            op: ChangeOp::Upsert,
                            data: Some(data),
                        };
                        store.records.update(|r| {
                            r.apply(&change);
                        });
                    }
                }
                forget(engine, &entry).await;
            }
            Step::Refused | Step::GiveUp => {
                let (code, message) = match error {
                    Some(error) => (error.code, error.message),
                    None => (format!("http_{status}"), text),
                };
                store.refusals.update(|r| {
                    r.push(Refusal {
                        key: entry.key,
                        summary: entry.summary.clone(),
                        code,
                        message,
                    })
                });
                forget(engine, &entry).await;
            }
            Step::SignIn => {
                store.signed_out.set(true);
                break;
            }
            Step::RetryAfter(wait) => {
                // Its history is kept (on the device too), so the back-off and the
                // give-up survive a reload.
                store.outbox.update(|o| {
                    if let Some(first) = o.iter_mut().find(|e| e.key == entry.key) {
                        *first = entry.clone();
                    }
                });
                if let Err(e) = keep(engine, &entry).await {
                    leptos::logging::warn!("could not keep a pending write on the device: {e}");
                }
                if !engine.retry_scheduled.replace(true) {
                    let engine = engine.clone();
                    spawn_local(async move {
                        sleep(wait).await;
                        engine.retry_scheduled.set(false);
                        flush(&engine).await;
                    });
                }
                break;
            }
        }
    }
    engine.flushing.set(false);
}

/// The status and body of the server's answer; `None` when it could not be reached.
async fn send(engine: &Engine, entry: &OutboxEntry) -> Option<(u16, String)> {
    let method = Method::from_bytes(entry.method.as_bytes()).unwrap_or(Method::POST);
    let request = RequestBuilder::new(&entry.path)
        .method(method)
        .header("Idempotency-Key", &entry.key.to_string())
        .header("X-CSRF-Token", &engine.csrf)
        .json(&entry.body)
        .ok()?;
    let response = request.send().await.ok()?;
    let status = response.status();
    Some((status, response.text().await.unwrap_or_default()))
}

/// Marks a thread read up to a message. Not queued: reading again later marks it anyway.
pub(super) fn mark_read(thread_id: Uuid, message_id: Uuid) {
    let Some(engine) = ENGINE.with(|e| e.borrow().clone()) else {
        return;
    };
    spawn_local(async move {
        let request = RequestBuilder::new(&format!("/api/v1/threads/{thread_id}/read"))
            .method(Method::POST)
            .header("X-CSRF-Token", &engine.csrf)
            .json(&serde_json::json!({ "message_id": message_id }));
        if let Ok(request) = request {
            let _ = request.send().await;
        }
    });
}

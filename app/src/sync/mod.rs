//! The client half of the sync engine (docs/sync.md). After hydration the app keeps what
//! it has synced in IndexedDB, catches up from its cursor on start, on every poke of the
//! event stream (or every poll where a proxy buffers the stream) and on reconnect, and
//! renders from that store. Writes go into a persistent outbox with their idempotency
//! keys and are sent in order; the pages show them at once as pending. Server-side
//! rendering never touches any of this: the store starts empty and not ready, so the
//! first paint and hydration use the page data the server sent.

#[cfg(feature = "hydrate")]
mod engine;
mod records;
mod status;

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::{ChangeKind, Me};
pub use records::{record_key, OutboxEntry, Outcome, Records, Refusal, Step, Write};
pub use status::{refusal_key, SyncStatus};

/// How the client hears about changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Not started, or waiting for the event stream's first word.
    Connecting,
    /// The event stream is open.
    Live,
    /// The event stream never got through (a buffering proxy): the feed is polled.
    Polling,
}

/// The store every page shares.
#[derive(Clone, Copy)]
pub struct SyncStore {
    pub records: RwSignal<Records>,
    /// True once the local store has caught up with the server; pages render from it.
    pub ready: RwSignal<bool>,
    pub link: RwSignal<Link>,
    /// False while the browser is offline or the server cannot be reached.
    pub online: RwSignal<bool>,
    /// The session ended: writes wait until the person signs in again.
    pub signed_out: RwSignal<bool>,
    pub outbox: RwSignal<Vec<OutboxEntry>>,
    pub refusals: RwSignal<Vec<Refusal>>,
    started: RwSignal<bool>,
}

impl SyncStore {
    fn new() -> Self {
        SyncStore {
            records: RwSignal::new(Records::default()),
            ready: RwSignal::new(false),
            link: RwSignal::new(Link::Connecting),
            online: RwSignal::new(true),
            signed_out: RwSignal::new(false),
            outbox: RwSignal::new(Vec::new()),
            refusals: RwSignal::new(Vec::new()),
            started: RwSignal::new(false),
        }
    }

    /// Starts syncing for the signed-in person, once per page load. On the server, nothing.
    pub fn start(&self, me: &Me) {
        if self.started.get_untracked() {
            return;
        }
        self.started.set(true);
        #[cfg(feature = "hydrate")]
        engine::start(*self, me.user.id, me.csrf_token.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = me;
    }

    /// Queues a write: kept on the device, shown as pending, sent in order with its
    /// idempotency key when the server can be reached. False when no engine runs (the
    /// caller then lets the form post as it would without JavaScript).
    pub fn send(&self, write: NewWrite) -> bool {
        #[cfg(feature = "hydrate")]
        return engine::enqueue(*self, write);
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = write;
            false
        }
    }

    /// A server answer kept live: `initial` at first, then `fetch`'s answer again each time
    /// the store hears of a change while `wanted` holds. For lists the server ranks,
    /// filters or pages, which the store cannot answer itself. `fetch` gives `None` when
    /// the server cannot be asked; what is shown then stays.
    pub fn refreshed<T, Fut>(
        &self,
        initial: T,
        wanted: impl Fn() -> bool + 'static,
        fetch: impl Fn() -> Fut + 'static,
    ) -> RwSignal<T>
    where
        T: Send + Sync + 'static,
        Fut: std::future::Future<Output = Option<T>> + 'static,
    {
        let answer = RwSignal::new(initial);
        let records = self.records;
        Effect::new(move |first: Option<()>| {
            records.track();
            if first.is_some() && wanted() {
                let asked = fetch();
                leptos::task::spawn_local(async move {
                    if let Some(fresh) = asked.await {
                        answer.set(fresh);
                    }
                });
            }
        });
        answer
    }

    /// Marks a thread read up to a message the person has on screen.
    pub fn mark_read(&self, thread_id: Uuid, message_id: Uuid) {
        #[cfg(feature = "hydrate")]
        engine::mark_read(thread_id, message_id);
        #[cfg(not(feature = "hydrate"))]
        let _ = (thread_id, message_id);
    }

    /// The messages still waiting to be sent to a thread, oldest first. One whose message
    /// the feed has already brought (the poke can beat the write's own answer) is not
    /// shown twice.
    pub fn pending_messages(&self, thread_id: Uuid) -> Vec<OutboxEntry> {
        let entries: Vec<OutboxEntry> = self.outbox.with(|o| {
            o.iter()
                .filter(|e| {
                    e.thread_id == Some(thread_id)
                        && e.answer_kind == Some(ChangeKind::Message)
                        && e.method == "POST"
                })
                .cloned()
                .collect()
        });
        if entries.is_empty() {
            return entries;
        }
        self.records
            .with(|r| records::not_yet_arrived(entries, &r.messages_of(thread_id)))
    }
}

/// A write a page asks for.
pub struct NewWrite {
    pub method: &'static str,
    pub path: String,
    pub body: serde_json::Value,
    pub answer_kind: Option<ChangeKind>,
    pub thread_id: Option<Uuid>,
    pub summary: String,
}

pub fn provide_sync_store() {
    provide_context(SyncStore::new());
}

pub fn use_sync_store() -> SyncStore {
    use_context::<SyncStore>().unwrap_or_else(SyncStore::new)
}

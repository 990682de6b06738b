//! Read receipts, coalesced (issue: sync at scale). Reading a thread moves the reader's
//! marker at once (and tells the reader's own devices, whose unread count changed), but
//! what it changes for everyone else — a message's read count and the organisations that
//! have read it (既読) — is gathered for a short window and sent as one change per
//! message: a meeting's worth of people opening a thread at once make a few changes for
//! every reader, not one each.
//!
//! A receipt not yet sent when the process stops is not lost for long: the read count is
//! computed from the markers whenever the message is built, so the message's next change
//! (or a later receipt) carries it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::{DatabaseConnection, TransactionTrait};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::sync::hub::ChangeHub;

/// Messages whose read state changed and is not yet sent to everyone, with their threads.
#[derive(Default)]
pub struct ReadReceipts {
    pending: Mutex<BTreeMap<Uuid, Uuid>>,
    wake: Notify,
}

impl ReadReceipts {
    /// How long receipts are gathered before they are sent: short enough that people
    /// watching a thread see 既読 move while they look, long enough that a room of
    /// readers is a handful of changes.
    pub const WINDOW: Duration = Duration::from_millis(750);

    /// These messages (of `thread`) were read by someone: send their new read state soon.
    pub fn read(&self, thread: Uuid, messages: impl IntoIterator<Item = Uuid>) {
        let mut pending = self.lock();
        for message in messages {
            pending.insert(message, thread);
        }
        drop(pending);
        self.wake.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Uuid, Uuid>> {
        // A panic while holding this lock leaves a plain map; carry on with it.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn put_back(&self, batch: BTreeMap<Uuid, Uuid>) {
        let mut pending = self.lock();
        for (message, thread) in batch {
            pending.entry(message).or_insert(thread);
        }
        self.wake.notify_one();
    }

    /// Sends what is pending every [`Self::WINDOW`] while there is something to send.
    pub fn start(self: &Arc<Self>, db: DatabaseConnection, changes: Arc<ChangeHub>) {
        let receipts = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                receipts.wake.notified().await;
                tokio::time::sleep(Self::WINDOW).await;
                let batch = std::mem::take(&mut *receipts.lock());
                if batch.is_empty() {
                    continue;
                }
                match send(&db, &batch).await {
                    Ok(()) => changes.committed(),
                    Err(e) => {
                        tracing::warn!(error = %e, "read receipts not sent; trying again");
                        receipts.put_back(batch);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
    }
}

/// One change per message, to everyone who may see it, in one transaction.
async fn send(db: &DatabaseConnection, batch: &BTreeMap<Uuid, Uuid>) -> Result<(), sea_orm::DbErr> {
    let txn = db.begin().await?;
    for (message, thread) in batch {
        super::log_message(&txn, *thread, *message).await?;
    }
    txn.commit().await
}

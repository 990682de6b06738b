//! Live delivery: every server instance tails the change log and pokes its own event
//! streams. Writers in this process wake the tailer after commit; on PostgreSQL, the
//! NOTIFY sent inside each appending transaction wakes every instance's tailer (a
//! data-less, once-per-transaction poke); a slow poll covers anything else (e.g. the
//! admin command writing to SQLite from another process).
//!
//! Streams also hear when an account's entitlement changes (sign-out, a revoked role, a
//! disabled account): an in-process [`AccountSignal`], and on PostgreSQL a NOTIFY on
//! [`ACCOUNTS_CHANNEL`] naming the user, so a stream held by any instance re-checks its
//! session and actor at once and ends when either is gone.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::{broadcast, Notify};
use uuid::Uuid;

use app::domain::ChangeKind;

use super::feed::{payload_keys, Outgoing};
use super::{Audience, ACCOUNTS_CHANNEL, NOTIFY_CHANNEL};
use crate::entities::{change_audience, change_log};
use crate::http::ApiResult;
use crate::policy::Actor;
use crate::threads::UnreadBook;

/// The changes one tailer round found: every change after `from` up to and including
/// `to`, in cursor order, each with who it is for and the key of its shared payload, and
/// the unread books of the threads among them. One event per round rather than per
/// change: a write that touches a thread and a message costs every stream one event, not
/// two. Rounds follow each other without gaps (one round's `to` is the next one's
/// `from`), which is what lets a stream tell its client which range an event covers.
#[derive(Debug, Clone)]
pub struct Poke {
    pub from: i64,
    pub to: i64,
    pub changes: Arc<Vec<Pushed>>,
    pub unread: Arc<HashMap<Uuid, UnreadBook>>,
}

/// One change of a round, as the tailer read it from the log.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub cursor: i64,
    pub kind: ChangeKind,
    pub id: Uuid,
    pub audience: Audience,
    /// See [`super::feed::payload_keys`].
    pub key: (i64, i64),
}

impl Poke {
    /// The changes of this round the viewer may see, each record once at its newest
    /// change (as a pull would send them), in cursor order.
    pub fn visible_to(&self, viewer: &Viewer) -> Vec<Outgoing> {
        let mut seen: HashMap<(ChangeKind, Uuid), usize> = HashMap::new();
        let mut out: Vec<Option<Outgoing>> = Vec::new();
        for change in self.changes.iter().filter(|c| viewer.sees(&c.audience)) {
            if let Some(earlier) = seen.insert((change.kind, change.id), out.len()) {
                out[earlier] = None;
            }
            out.push(Some((change.cursor, change.kind, change.id, change.key)));
        }
        out.into_iter().flatten().collect()
    }

    /// Whether a change of this round is addressed to `user` alone: their own read
    /// marker, or the tombstones of a role they lost — which another process (the admin
    /// command on SQLite) may have taken without any signal reaching this one.
    pub fn addresses_alone(&self, user: Uuid) -> bool {
        self.changes.iter().any(|c| {
            let a = &c.audience;
            a.users.contains(&user)
                && a.networks.is_empty()
                && a.platforms.is_empty()
                && a.organisations.is_empty()
        })
    }

    /// A reader's unread counts of the threads among these changes.
    pub fn unread_of(&self, reader: Uuid) -> HashMap<Uuid, u64> {
        self.unread
            .iter()
            .map(|(thread, book)| (*thread, book.unread(reader)))
            .collect()
    }
}

/// What an event stream needs of its actor to match audiences, worked out once when the
/// stream opens rather than for every poke on every stream.
#[derive(Debug, Clone)]
pub struct Viewer {
    user: Uuid,
    organisation: Uuid,
    networks: Vec<Uuid>,
    platforms: Vec<Uuid>,
}

impl Viewer {
    pub fn of(actor: &Actor) -> Viewer {
        Viewer {
            user: actor.user.id,
            organisation: actor.organisation.id,
            networks: actor.network_roots.iter().copied().collect(),
            platforms: actor.working_platforms(),
        }
    }

    fn sees(&self, a: &Audience) -> bool {
        a.users.contains(&self.user)
            || a.organisations.contains(&self.organisation)
            || a.networks.iter().any(|n| self.networks.contains(n))
            || a.platforms.iter().any(|p| self.platforms.contains(p))
    }
}

/// An account whose sessions or entitlements may have changed: every stream of that user
/// re-checks its session and re-resolves its actor (and ends if either is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountSignal {
    /// This user signed out, lost a role, or was disabled or enabled.
    User(Uuid),
    /// Signals may have been missed (the LISTEN connection was re-opened, or a stream fell
    /// behind): every stream re-checks.
    All,
}

impl AccountSignal {
    /// Whether a stream of `user` must re-check.
    pub fn concerns(self, user: Uuid) -> bool {
        match self {
            AccountSignal::User(u) => u == user,
            AccountSignal::All => true,
        }
    }
}

pub struct ChangeHub {
    sender: broadcast::Sender<Poke>,
    accounts: broadcast::Sender<AccountSignal>,
    wake: Notify,
}

impl Default for ChangeHub {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        let (accounts, _) = broadcast::channel(1024);
        ChangeHub {
            sender,
            accounts,
            wake: Notify::new(),
        }
    }
}

impl ChangeHub {
    /// Tell this process's streams of `user` that the account changed. Other instances
    /// hear it through the NOTIFY the writing transaction sent
    /// ([`super::notify_account`]).
    pub fn account_changed(&self, user: Uuid) {
        // No subscribers is not an error: nobody is watching right now.
        let _ = self.accounts.send(AccountSignal::User(user));
    }

    pub fn subscribe_accounts(&self) -> broadcast::Receiver<AccountSignal> {
        self.accounts.subscribe()
    }

    /// Tell the tailer that this process has committed changes.
    pub fn committed(&self) {
        self.wake.notify_one();
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Poke> {
        self.sender.subscribe()
    }

    /// Starts the tailer (and, on PostgreSQL, the LISTEN connection).
    pub fn start(self: &Arc<Self>, db: DatabaseConnection) {
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        if postgres {
            let hub = Arc::clone(self);
            let pool = db.get_postgres_connection_pool().clone();
            tokio::spawn(async move { hub.listen(pool).await });
        }
        let hub = Arc::clone(self);
        let poll = if postgres {
            Duration::from_secs(5)
        } else {
            Duration::from_millis(500)
        };
        tokio::spawn(async move { hub.tail(db, poll).await });
    }

    async fn listen(self: Arc<Self>, pool: sea_orm::sqlx::PgPool) {
        loop {
            match sea_orm::sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(mut listener) => {
                    if let Err(e) = listener
                        .listen_all([NOTIFY_CHANNEL, ACCOUNTS_CHANNEL])
                        .await
                    {
                        tracing::warn!(error = %e, "LISTEN failed");
                    } else {
                        // Changes and account signals may have been missed while
                        // (re)connecting.
                        self.wake.notify_one();
                        let _ = self.accounts.send(AccountSignal::All);
                        while let Ok(notification) = listener.recv().await {
                            if notification.channel() == ACCOUNTS_CHANNEL {
                                let signal = Uuid::parse_str(notification.payload())
                                    .map(AccountSignal::User)
                                    .unwrap_or(AccountSignal::All);
                                let _ = self.accounts.send(signal);
                            } else {
                                self.wake.notify_one();
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot open the LISTEN connection"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    async fn tail(self: Arc<Self>, db: DatabaseConnection, poll: Duration) {
        // Start at the end: history is for the sync feed, not for pokes.
        let mut last = loop {
            match change_log::Entity::find()
                .order_by_desc(change_log::Column::Cursor)
                .one(&db)
                .await
            {
                Ok(row) => break row.map(|r| r.cursor).unwrap_or(0),
                Err(e) => {
                    tracing::warn!(error = %e, "change tailer cannot start yet");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        loop {
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
            match self.deliver_after(&db, last).await {
                Ok(newest) => last = newest,
                Err(e) => tracing::warn!(error = %e, "change tailer query failed"),
            }
        }
    }

    /// Broadcasts every change after `last`, in order; returns the newest cursor seen.
    /// Keys and unread books are worked out here once per round, for every stream.
    async fn deliver_after(&self, db: &DatabaseConnection, mut last: i64) -> ApiResult<i64> {
        loop {
            let rows = change_log::Entity::find()
                .filter(change_log::Column::Cursor.gt(last))
                .order_by_asc(change_log::Column::Cursor)
                .limit(500)
                .all(db)
                .await?;
            let Some(newest) = rows.last().map(|r| r.cursor) else {
                return Ok(last);
            };
            let mut audiences: HashMap<i64, Audience> = HashMap::new();
            for party in change_audience::Entity::find()
                .filter(change_audience::Column::Cursor.gt(last))
                .filter(change_audience::Column::Cursor.lte(newest))
                .all(db)
                .await?
            {
                let a = audiences.entry(party.cursor).or_default();
                push(&mut a.networks, party.network_id);
                push(&mut a.platforms, party.platform_id);
                push(&mut a.organisations, party.organisation_id);
                push(&mut a.users, party.user_id);
            }
            // Kinds this build does not know are skipped, as the feed skips them.
            let known: Vec<(i64, ChangeKind, Uuid)> = rows
                .iter()
                .filter_map(|row| Some((row.cursor, ChangeKind::parse(&row.kind)?, row.record_id)))
                .collect();
            let keys = payload_keys(db, &known).await?;
            let threads: Vec<Uuid> = known
                .iter()
                .filter(|(_, kind, _)| *kind == ChangeKind::Thread)
                .map(|(_, _, id)| *id)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let unread = UnreadBook::load(db, &threads).await?;
            let changes = known
                .into_iter()
                .zip(keys)
                .map(|((cursor, kind, id), key)| Pushed {
                    cursor,
                    kind,
                    id,
                    audience: audiences.remove(&cursor).unwrap_or_default(),
                    key,
                })
                .collect();
            // No subscribers is not an error: nobody is watching right now.
            let _ = self.sender.send(Poke {
                from: last,
                to: newest,
                changes: Arc::new(changes),
                unread: Arc::new(unread),
            });
            last = newest;
        }
    }
}

fn push(list: &mut Vec<Uuid>, id: Option<Uuid>) {
    if let Some(id) = id {
        list.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_gives_a_viewer_what_they_see_each_record_once_at_its_newest() {
        let (mine, other, me, org) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        let viewer = Viewer {
            user: me,
            organisation: org,
            networks: vec![],
            platforms: vec![mine],
        };
        let (thread, message, hidden) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let on = |cursor: i64, kind, id, platforms: Vec<Uuid>, users: Vec<Uuid>| Pushed {
            cursor,
            kind,
            id,
            audience: Audience {
                platforms,
                users,
                ..Default::default()
            },
            key: (cursor, 0),
        };
        let poke = Poke {
            from: 9,
            to: 13,
            changes: Arc::new(vec![
                on(10, ChangeKind::Thread, thread, vec![mine], vec![]),
                on(11, ChangeKind::Message, message, vec![mine], vec![]),
                on(12, ChangeKind::Thread, thread, vec![], vec![me]),
                on(13, ChangeKind::Thread, hidden, vec![other], vec![]),
            ]),
            unread: Arc::default(),
        };
        assert_eq!(
            poke.visible_to(&viewer),
            vec![
                (11, ChangeKind::Message, message, (11, 0)),
                (12, ChangeKind::Thread, thread, (12, 0)),
            ]
        );
        let elsewhere = Viewer {
            user: Uuid::new_v4(),
            organisation: org,
            networks: vec![],
            platforms: vec![Uuid::new_v4()],
        };
        assert!(poke.visible_to(&elsewhere).is_empty());
    }
}

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

use super::{Audience, ACCOUNTS_CHANNEL, NOTIFY_CHANNEL};
use crate::entities::{change_audience, change_log};
use crate::policy::Actor;

/// The changes one tailer round found, in cursor order, each with who it is for. One
/// poke per round rather than per change: a write that touches a thread and a message
/// costs every stream one event, not two.
#[derive(Debug, Clone)]
pub struct Poke {
    pub changes: Arc<Vec<(i64, Audience)>>,
}

impl Poke {
    /// The newest change of this round the viewer may see, if any.
    pub fn newest_for(&self, viewer: &Viewer) -> Option<i64> {
        self.changes
            .iter()
            .rev()
            .find(|(_, audience)| viewer.sees(audience))
            .map(|(cursor, _)| *cursor)
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
    async fn deliver_after(
        &self,
        db: &DatabaseConnection,
        mut last: i64,
    ) -> Result<i64, sea_orm::DbErr> {
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
            let changes = rows
                .iter()
                .map(|row| {
                    (
                        row.cursor,
                        audiences.remove(&row.cursor).unwrap_or_default(),
                    )
                })
                .collect();
            // No subscribers is not an error: nobody is watching right now.
            let _ = self.sender.send(Poke {
                changes: Arc::new(changes),
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
    fn a_round_costs_a_viewer_one_event_at_the_newest_change_it_may_see() {
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
        let on = |platforms: Vec<Uuid>, users: Vec<Uuid>| Audience {
            platforms,
            users,
            ..Default::default()
        };
        let poke = Poke {
            changes: Arc::new(vec![
                (10, on(vec![mine], vec![])),
                (11, on(vec![], vec![me])),
                (12, on(vec![other], vec![])),
            ]),
        };
        assert_eq!(poke.newest_for(&viewer), Some(11));
        let elsewhere = Poke {
            changes: Arc::new(vec![(13, on(vec![other], vec![]))]),
        };
        assert_eq!(elsewhere.newest_for(&viewer), None);
    }
}

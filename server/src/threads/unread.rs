//! Unread counts for every reader of a thread at once, for the live event stream.
//!
//! A reader's unread count is the thread's live messages after their read marker that
//! someone else wrote (the same rule as [`super::unread_counts`], which answers one reader
//! with one query). When a message reaches a thousand open streams, each stream needs its
//! own reader's count; asking the database once per stream is what made live delivery
//! slow at scale (issue: sync at scale). A book answers every reader from two queries per
//! thread and round of changes, in memory.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::db::find_in;
use crate::entities::{message, read_marker};

/// One thread's live messages (by time, with their authors) and every reader's marker.
#[derive(Debug, Default)]
pub struct UnreadBook {
    /// Creation times of the live messages, in order.
    all: Vec<DateTime<Utc>>,
    /// The same, per author.
    by_author: HashMap<Uuid, Vec<DateTime<Utc>>>,
    /// Each reader's marker: the creation time of the newest message they have read.
    markers: HashMap<Uuid, DateTime<Utc>>,
}

impl UnreadBook {
    /// The books of these threads as they are now: two queries (messages, markers) per
    /// chunk of threads, whatever the number of readers.
    pub async fn load(
        db: &impl ConnectionTrait,
        threads: &[Uuid],
    ) -> Result<HashMap<Uuid, UnreadBook>, sea_orm::DbErr> {
        let mut books: HashMap<Uuid, UnreadBook> = threads
            .iter()
            .map(|t| (*t, UnreadBook::default()))
            .collect();
        if threads.is_empty() {
            return Ok(books);
        }
        for chunk in threads.chunks(500) {
            let rows: Vec<(Uuid, Uuid, DateTime<Utc>)> = message::Entity::find()
                .select_only()
                .column(message::Column::ThreadId)
                .column(message::Column::AuthorId)
                .column(message::Column::CreatedAt)
                .filter(message::Column::ThreadId.is_in(chunk.iter().copied()))
                .filter(message::Column::DeletedAt.is_null())
                .into_tuple()
                .all(db)
                .await?;
            for (thread, author, at) in rows {
                if let Some(book) = books.get_mut(&thread) {
                    book.all.push(at);
                    book.by_author.entry(author).or_default().push(at);
                }
            }
        }
        for marker in find_in::<read_marker::Entity, _, _>(
            db,
            read_marker::Column::ThreadId,
            threads.iter().copied(),
        )
        .await?
        {
            if let Some(book) = books.get_mut(&marker.thread_id) {
                book.markers
                    .insert(marker.user_id, marker.message_created_at);
            }
        }
        for book in books.values_mut() {
            book.all.sort();
            for times in book.by_author.values_mut() {
                times.sort();
            }
        }
        Ok(books)
    }

    /// `reader`'s unread count: live messages after their marker written by others.
    pub fn unread(&self, reader: Uuid) -> u64 {
        let after = |times: &[DateTime<Utc>]| match self.markers.get(&reader) {
            Some(at) => times.len() - times.partition_point(|t| t <= at),
            None => times.len(),
        };
        let own = self.by_author.get(&reader).map_or(0, |times| after(times));
        (after(&self.all) - own) as u64
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn a_readers_count_is_what_others_wrote_after_their_marker() {
        let (me, other, third) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let t0 = Utc::now();
        let at = |s: i64| t0 + Duration::seconds(s);
        let mut book = UnreadBook {
            all: vec![at(1), at(2), at(3), at(4)],
            by_author: HashMap::from([(me, vec![at(2), at(4)]), (other, vec![at(1), at(3)])]),
            markers: HashMap::from([(me, at(1)), (other, at(3))]),
        };
        // After my marker (1): 2 and 4 are mine, 3 is not.
        assert_eq!(book.unread(me), 1);
        // After theirs (3): 4 is mine.
        assert_eq!(book.unread(other), 1);
        // No marker: everything is unread.
        assert_eq!(book.unread(third), 4);
        book.markers.insert(me, at(4));
        assert_eq!(book.unread(me), 0);
    }
}

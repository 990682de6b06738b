//! The search index agrees with the policy layer: after any sequence of writes,
//! visibility changes, deletions and catch-ups (each spanning several rounds of the log),
//! what a search finds, counts and lists in its facets is exactly what the actor may read,
//! for actors on the author platform, another municipality, the secretariat, an economic
//! organisation and another network.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectOptions, Database, DatabaseConnection, EntityTrait,
    QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use app::domain::Role;
use app::practices::{PracticeFilter, PracticeStatus, PracticeVisibility};

use super::index::PracticeIndex;
use super::log_change;
use crate::entities::{good_practice, platform};
use crate::http::input::{json, parse_json};
use crate::policy::tests::{actor, practice};
use crate::policy::Actor;

/// A search filter stated again as a test over one row, to compare with the index.
type RowMatch = Box<dyn Fn(&good_practice::Model) -> bool>;

/// Title words: no two share a bigram, so a search for one finds only its own.
const WORDS: [&str; 3] = ["就労体験", "農業研修", "ｶﾌｪ運営"];
const TAGS: [&str; 3] = ["福祉", "居場所", "職場見学"];

#[derive(Debug, Clone)]
enum Op {
    Create {
        author: usize,
        published: bool,
        visibility: usize,
        tag: usize,
        word: usize,
    },
    Edit {
        which: usize,
        published: bool,
        visibility: usize,
        tag: usize,
        word: usize,
    },
    Delete {
        which: usize,
    },
    /// A search: the index catches up, then every actor's answers are compared.
    Search,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..4usize, any::<bool>(), 0..3usize, 0..3usize, 0..3usize).prop_map(
            |(author, published, visibility, tag, word)| Op::Create {
                author,
                published,
                visibility,
                tag,
                word
            }
        ),
        4 => (0..8usize, any::<bool>(), 0..3usize, 0..3usize, 0..3usize).prop_map(
            |(which, published, visibility, tag, word)| Op::Edit {
                which,
                published,
                visibility,
                tag,
                word
            }
        ),
        1 => (0..8usize).prop_map(|which| Op::Delete { which }),
        2 => Just(Op::Search),
    ]
}

const VISIBILITIES: [PracticeVisibility; 3] = [
    PracticeVisibility::Platform,
    PracticeVisibility::Network,
    PracticeVisibility::Public,
];

fn status(published: bool) -> PracticeStatus {
    if published {
        PracticeStatus::Published
    } else {
        PracticeStatus::Draft
    }
}

struct World {
    db: DatabaseConnection,
    /// Author platforms with their network roots.
    authors: [(Uuid, Uuid); 4],
    actors: Vec<(&'static str, Actor)>,
}

impl World {
    async fn new(db: DatabaseConnection) -> World {
        let (root_a, muni_a1, muni_a2) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (root_b, muni_b1) = (Uuid::new_v4(), Uuid::new_v4());
        let parents = [
            (root_a, None),
            (muni_a1, Some(root_a)),
            (muni_a2, Some(root_a)),
            (root_b, None),
            (muni_b1, Some(root_b)),
        ];
        for (id, parent) in parents {
            platform::ActiveModel {
                id: Set(id),
                slug: Set(id.to_string()),
                name: Set(format!("PF {id}")),
                kind: Set(if parent.is_some() {
                    "municipal"
                } else {
                    "prefectural"
                }
                .into()),
                parent_id: Set(parent),
                created_at: Set(Utc::now()),
                programme_name: Set(None),
                target_age_min: Set(None),
                target_age_max: Set(None),
            }
            .insert(&db)
            .await
            .expect("a platform is stored");
        }
        World {
            db,
            authors: [
                (muni_a1, root_a),
                (muni_a2, root_a),
                (root_a, root_a),
                (muni_b1, root_b),
            ],
            actors: vec![
                ("own platform", actor(&[(muni_a1, Role::Staff)], &parents)),
                (
                    "another municipality",
                    actor(&[(muni_a2, Role::Staff)], &parents),
                ),
                (
                    "secretariat",
                    actor(&[(root_a, Role::Coordinator)], &parents),
                ),
                (
                    "economic organisation",
                    actor(&[(root_a, Role::Responder)], &parents),
                ),
                (
                    "another network",
                    actor(&[(muni_b1, Role::Staff)], &parents),
                ),
            ],
        }
    }

    async fn apply(&self, op: &Op, ids: &mut Vec<Uuid>) -> Result<(), sea_orm::DbErr> {
        let txn = self.db.begin().await?;
        match *op {
            Op::Create {
                author,
                published,
                visibility,
                tag,
                word,
            } => {
                let (platform, network) = self.authors[author];
                let mut row = practice(
                    platform,
                    network,
                    status(published),
                    VISIBILITIES[visibility],
                    false,
                );
                row.title = format!("{} {}", WORDS[word], ids.len());
                row.tags = json(&[TAGS[tag]]);
                let active: good_practice::ActiveModel = row.into();
                let row = active.insert(&txn).await?;
                log_change(&txn, None, &row).await?;
                ids.push(row.id);
            }
            Op::Edit {
                which,
                published,
                visibility,
                tag,
                word,
            } => {
                let Some(id) = ids.get(which % ids.len().max(1)) else {
                    return Ok(());
                };
                let Some(before) = good_practice::Entity::find_by_id(*id).one(&txn).await? else {
                    return Ok(());
                };
                if before.deleted_at.is_some() {
                    return Ok(());
                }
                let mut update: good_practice::ActiveModel = before.clone().into();
                update.status = Set(status(published).as_str().into());
                update.visibility = Set(VISIBILITIES[visibility].as_str().into());
                update.tags = Set(json(&[TAGS[tag]]));
                update.title = Set(format!("{} {which}", WORDS[word]));
                update.version = Set(before.version + 1);
                update.updated_at = Set(Utc::now());
                let after = update.update(&txn).await?;
                log_change(&txn, Some(&before), &after).await?;
            }
            Op::Delete { which } => {
                let Some(id) = ids.get(which % ids.len().max(1)) else {
                    return Ok(());
                };
                let Some(before) = good_practice::Entity::find_by_id(*id).one(&txn).await? else {
                    return Ok(());
                };
                if before.deleted_at.is_some() {
                    return Ok(());
                }
                let mut update: good_practice::ActiveModel = before.clone().into();
                update.deleted_at = Set(Some(Utc::now()));
                let after = update.update(&txn).await?;
                log_change(&txn, Some(&before), &after).await?;
            }
            Op::Search => {}
        }
        txn.commit().await
    }

    /// Every actor's searches against what the policy layer lets them read.
    async fn check(&self, index: &PracticeIndex) -> Result<(), String> {
        index.catch_up(&self.db).await.map_err(|e| e.to_string())?;
        let all = good_practice::Entity::find()
            .all(&self.db)
            .await
            .map_err(|e| e.to_string())?;
        for (who, actor) in &self.actors {
            // The database's rule and the row rule agree first.
            let by_db: BTreeSet<Uuid> = good_practice::Entity::find()
                .filter(actor.scope(&self.db).practice_visible())
                .all(&self.db)
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|r| r.id)
                .collect();
            let readable: Vec<&good_practice::Model> =
                all.iter().filter(|r| actor.may_read_practice(r)).collect();
            let by_row: BTreeSet<Uuid> = readable.iter().map(|r| r.id).collect();
            if by_db != by_row {
                return Err(format!("{who}: database {by_db:?} ≠ row rule {by_row:?}"));
            }
            let keys = actor.practice_keys();
            let mut filters: Vec<(PracticeFilter, RowMatch)> =
                vec![(PracticeFilter::default(), Box::new(|_| true))];
            for word in WORDS {
                filters.push((
                    PracticeFilter {
                        q: Some(word.into()),
                        ..Default::default()
                    },
                    Box::new(move |r| r.title.starts_with(word)),
                ));
            }
            for tag in TAGS {
                filters.push((
                    PracticeFilter {
                        tag: Some(tag.into()),
                        ..Default::default()
                    },
                    Box::new(move |r| parse_json::<Vec<String>>(&r.tags).contains(&tag.into())),
                ));
            }
            for (filter, wanted) in &filters {
                let expected: Vec<&good_practice::Model> =
                    readable.iter().copied().filter(|r| wanted(r)).collect();
                let found = index
                    .search(&keys, filter, 1_000)
                    .map_err(|e| e.to_string())?;
                let ids: BTreeSet<Uuid> = found.ids.iter().copied().collect();
                let want: BTreeSet<Uuid> = expected.iter().map(|r| r.id).collect();
                if ids.len() != found.ids.len() {
                    return Err(format!("{who} {filter:?}: a practice listed twice"));
                }
                if ids != want {
                    return Err(format!(
                        "{who} {filter:?}: found {ids:?}, may read {want:?}"
                    ));
                }
                if found.total != want.len() as u64 {
                    return Err(format!(
                        "{who} {filter:?}: total {} for {} readable",
                        found.total,
                        want.len()
                    ));
                }
                let mut tags: BTreeMap<String, u64> = BTreeMap::new();
                let mut platforms: BTreeMap<String, u64> = BTreeMap::new();
                for row in &expected {
                    for tag in parse_json::<Vec<String>>(&row.tags) {
                        *tags.entry(tag).or_default() += 1;
                    }
                    *platforms.entry(row.platform_id.to_string()).or_default() += 1;
                }
                for (name, want) in [("tag", tags), ("platform", platforms)] {
                    let got: BTreeMap<String, u64> = found
                        .facets
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, values)| values.iter().cloned().collect())
                        .unwrap_or_default();
                    if got != want {
                        return Err(format!(
                            "{who} {filter:?}: facet {name} {got:?}, may read {want:?}"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

async fn database(path: &std::path::Path) -> DatabaseConnection {
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
    options.sqlx_logging(false).max_connections(1);
    let db = Database::connect(options)
        .await
        .expect("a temporary SQLite file opens");
    crate::db::migrate(&db)
        .await
        .expect("the migrations run on an empty database");
    db
}

#[test]
fn the_index_answers_what_the_policy_layer_allows() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime starts");
    let path = std::env::temp_dir().join(format!("kakehashi-index-{}.db", Uuid::new_v4()));
    let db = runtime.block_on(database(&path));
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(
        &(proptest::collection::vec(op(), 1..30), 1..4u64),
        |(ops, log_batch)| {
            runtime.block_on(async {
                let world = World::new(db.clone()).await;
                // Rounds of one to three changes: every catch-up spans several rounds.
                let index = PracticeIndex::with_batches(log_batch, 2)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let mut ids = Vec::new();
                // The first search builds the index (from whatever is already stored).
                world.check(&index).await.map_err(TestCaseError::fail)?;
                for op in ops.iter().chain([&Op::Search]) {
                    world
                        .apply(op, &mut ids)
                        .await
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    if matches!(op, Op::Search) {
                        world
                            .check(&index)
                            .await
                            .map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
                    }
                }
                Ok(())
            })
        },
    );
    runtime.block_on(db.close()).ok();
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

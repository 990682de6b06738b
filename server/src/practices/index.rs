//! The library's search index: tantivy, in memory, one per server instance.
//!
//! Japanese has no spaces between words, so text is folded (NFKC and lower case, as the
//! thread search does) and cut into overlapping character bigrams with their positions;
//! a query word is then a phrase of its bigrams, which finds it anywhere, also inside a
//! longer compound (就労 in 就労支援), and only where its characters stand together. A
//! one-character word matches the bigrams that start or end with it.
//!
//! The database stays the record. Every instance follows the change log: before it
//! answers a search it indexes the practices changed since the cursor it has reached, so
//! every instance gives the same answer, on SQLite and PostgreSQL alike, and a practice
//! written a moment ago is found at once. The change log's cursors become visible in
//! order (see `sync`), so following it never skips a change.
//!
//! Who may read a practice is carried into the index as reader keys
//! (`policy::practice_reader_keys`); a search is restricted to the caller's keys, so
//! results, totals and facet counts hold only what the caller may read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RegexQuery, TermQuery,
};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value,
    FAST, STORED, STRING,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};
use uuid::Uuid;

use app::domain::ChangeKind;
use app::practices::{PracticeFilter, PracticeStatus};
use app::wareki::japan_today;
use app::wareki::FiscalYear;

use crate::entities::{change_log, good_practice};
use crate::http::input::parse_json;
use crate::threads::search::fold;

use super::markdown;

const TOKENIZER: &str = "ja_bigram";
/// Changes read from the log per round while catching up.
const LOG_BATCH: u64 = 2_000;
/// Practices read per round while building the index.
const BUILD_BATCH: u64 = 2_000;
/// A title match ranks above a tag, summary or body match.
const BOOSTS: [(SearchField, f32); 4] = [
    (SearchField::Title, 8.0),
    (SearchField::Tags, 4.0),
    (SearchField::Summary, 2.0),
    (SearchField::Body, 1.0),
];
/// How many values of a facet are listed.
const FACET_VALUES: usize = 30;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("search index: a worker stopped: {0}")]
    Join(#[from] tokio::task::JoinError),
}

#[derive(Clone, Copy)]
enum SearchField {
    Title,
    Tags,
    Summary,
    Body,
}

/// The facets a practice is counted under, by name.
pub const FACETS: [&str; 5] = ["target_group", "tag", "area", "platform", "year"];

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    tags: Field,
    summary: Field,
    body: Field,
    readers: Field,
    facets: Field,
    /// Featured first, then the most recently changed: the order without words.
    recency: Field,
}

impl Fields {
    fn text(&self, which: SearchField) -> Field {
        match which {
            SearchField::Title => self.title,
            SearchField::Tags => self.tags,
            SearchField::Summary => self.summary,
            SearchField::Body => self.body,
        }
    }
}

/// The word runs of folded text: letters and digits (kanji and kana are letters), split
/// at spaces and punctuation.
pub fn runs(folded: &str) -> Vec<Vec<char>> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().collect())
        .collect()
}

/// The bigrams of a run; a one-character run is its own term.
fn grams(run: &[char]) -> Vec<String> {
    if run.len() == 1 {
        return vec![run[0].to_string()];
    }
    run.windows(2).map(|w| w.iter().collect()).collect()
}

/// Folds and cuts text into positioned bigrams; a gap between runs keeps a phrase from
/// matching across punctuation.
#[derive(Clone, Default)]
struct JaBigram;

struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for JaBigram {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut tokens = Vec::new();
        let mut position = 0;
        for run in runs(&fold(text)) {
            for (i, gram) in grams(&run).into_iter().enumerate() {
                tokens.push(Token {
                    offset_from: 0,
                    offset_to: 0,
                    position: position + i,
                    text: gram,
                    position_length: 1,
                });
            }
            position += run.len() + 1;
        }
        Tokens { tokens, next: 0 }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// What a search found: one page of ids, best first, the total and the facet counts.
#[derive(Debug, Default)]
pub struct Found {
    pub ids: Vec<Uuid>,
    pub total: u64,
    /// Per facet name (`FACETS`): (value, count), most frequent first.
    pub facets: Vec<(&'static str, Vec<(String, u64)>)>,
}

pub struct PracticeIndex {
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    fields: Fields,
    /// Changes read from the log per round while catching up (`LOG_BATCH`; smaller in
    /// tests, so a catch-up spans several rounds).
    log_batch: u64,
    /// Practices read per round while building (`BUILD_BATCH`).
    build_batch: u64,
    /// The change-log cursor indexed up to; `None` until the first full build. Held while
    /// catching up, so one task indexes and the others wait for it.
    cursor: tokio::sync::Mutex<Option<i64>>,
}

impl PracticeIndex {
    pub fn new() -> Result<Self, IndexError> {
        Self::with_batches(LOG_BATCH, BUILD_BATCH)
    }

    /// An index that reads `log_batch` changes and `build_batch` practices per round
    /// (both at least 1): `new` with the production sizes; tests use small ones so a
    /// catch-up spans several rounds.
    pub fn with_batches(log_batch: u64, build_batch: u64) -> Result<Self, IndexError> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            id: schema.add_text_field("id", STRING | STORED),
            title: schema.add_text_field("title", text.clone()),
            tags: schema.add_text_field("tags", text.clone()),
            summary: schema.add_text_field("summary", text.clone()),
            body: schema.add_text_field("body", text),
            readers: schema.add_text_field("readers", STRING),
            facets: schema.add_facet_field("facets", FacetOptions::default()),
            recency: schema.add_u64_field("recency", FAST),
        };
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register(TOKENIZER, TextAnalyzer::from(JaBigram));
        let writer = index.writer_with_num_threads(1, 50_000_000)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(PracticeIndex {
            reader,
            writer: Arc::new(Mutex::new(writer)),
            fields,
            log_batch: log_batch.max(1),
            build_batch: build_batch.max(1),
            cursor: tokio::sync::Mutex::new(None),
        })
    }

    /// Indexes what changed since the last call: everything on the first.
    ///
    /// A catch-up may read the log in several rounds, and one practice may appear in
    /// several of them (changed twice, or narrowed: a tombstone and an upsert). Only the
    /// latest state of each practice is kept, the one read last, and it replaces whatever
    /// the index held under that id (every copy is deleted by its id term first), so the
    /// index never holds two copies of a practice, nor a copy a later change withdrew.
    pub async fn catch_up(&self, db: &DatabaseConnection) -> Result<(), IndexError> {
        let mut cursor = self.cursor.lock().await;
        let Some(mut reached) = *cursor else {
            *cursor = Some(self.build(db).await?);
            return Ok(());
        };
        // Per practice changed, its latest row; `None` when deleted (or gone).
        let mut latest: HashMap<Uuid, Option<good_practice::Model>> = HashMap::new();
        loop {
            let batch = change_log::Entity::find()
                .filter(change_log::Column::Cursor.gt(reached))
                .order_by_asc(change_log::Column::Cursor)
                .limit(self.log_batch)
                .all(db)
                .await?;
            let Some(last) = batch.last() else { break };
            reached = last.cursor;
            let mut ids: Vec<Uuid> = batch
                .iter()
                .filter(|c| c.kind == ChangeKind::GoodPractice.as_str())
                .map(|c| c.record_id)
                .collect();
            ids.sort();
            ids.dedup();
            if !ids.is_empty() {
                let mut rows: HashMap<Uuid, good_practice::Model> = good_practice::Entity::find()
                    .filter(good_practice::Column::Id.is_in(ids.clone()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|r| (r.id, r))
                    .collect();
                // A later round read the row later: it replaces an earlier round's copy.
                for id in ids {
                    let row = rows.remove(&id).filter(|r| r.deleted_at.is_none());
                    latest.insert(id, row);
                }
            }
            if (batch.len() as u64) < self.log_batch {
                break;
            }
        }
        if !latest.is_empty() {
            let docs = latest
                .values()
                .flatten()
                .map(|r| self.document(r))
                .collect();
            self.write(latest.into_keys().collect(), docs, true).await?;
        }
        *cursor = Some(reached);
        Ok(())
    }

    /// Indexes every practice, a batch of rows at a time (so a large library is never held
    /// in memory whole); returns the change-log cursor the index is then up to.
    async fn build(&self, db: &DatabaseConnection) -> Result<i64, IndexError> {
        // Read the log's end first: a practice changed while the rows are read is then
        // indexed again on the next call, never missed.
        let top = change_log::Entity::find()
            .order_by_desc(change_log::Column::Cursor)
            .one(db)
            .await?
            .map_or(0, |c| c.cursor);
        let mut after: Option<Uuid> = None;
        loop {
            let mut query = good_practice::Entity::find()
                .filter(good_practice::Column::DeletedAt.is_null())
                .order_by_asc(good_practice::Column::Id)
                .limit(self.build_batch);
            if let Some(after) = after {
                query = query.filter(good_practice::Column::Id.gt(after));
            }
            let rows = query.all(db).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            let docs = rows.iter().map(|r| self.document(r)).collect();
            self.write(Vec::new(), docs, false).await?;
            if (rows.len() as u64) < self.build_batch {
                break;
            }
        }
        self.write(Vec::new(), Vec::new(), true).await?;
        Ok(top)
    }

    /// Removes and adds documents on a blocking thread (tantivy's work is CPU-bound);
    /// with `commit`, makes everything written so far searchable.
    async fn write(
        &self,
        gone: Vec<Uuid>,
        docs: Vec<TantivyDocument>,
        commit: bool,
    ) -> Result<(), IndexError> {
        let writer = Arc::clone(&self.writer);
        let id_field = self.fields.id;
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || -> Result<(), IndexError> {
            let mut writer = writer
                .lock()
                .expect("the index writer is not poisoned: indexing does not panic");
            for id in gone {
                writer.delete_term(Term::from_field_text(id_field, &id.to_string()));
            }
            for doc in docs {
                writer.add_document(doc)?;
            }
            if commit {
                writer.commit()?;
                reader.reload()?;
            }
            Ok(())
        })
        .await?
    }

    fn document(&self, row: &good_practice::Model) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, row.id.to_string());
        doc.add_text(f.title, &row.title);
        doc.add_text(f.summary, &row.summary);
        doc.add_text(f.body, markdown::plain_text(&row.body));
        let tags: Vec<String> = parse_json(&row.tags);
        for tag in &tags {
            doc.add_text(f.tags, tag);
            doc.add_facet(f.facets, Facet::from_path(["tag", tag.as_str()]));
        }
        for key in crate::policy::practice_reader_keys(row) {
            doc.add_text(f.readers, key);
        }
        let groups: Vec<String> = parse_json(&row.target_groups);
        for group in &groups {
            doc.add_facet(f.facets, Facet::from_path(["target_group", group.as_str()]));
        }
        if !row.area.trim().is_empty() {
            doc.add_facet(f.facets, Facet::from_path(["area", row.area.trim()]));
        }
        doc.add_facet(
            f.facets,
            Facet::from_path(["platform", row.platform_id.to_string().as_str()]),
        );
        let year = FiscalYear::of(japan_today(row.created_at)).0;
        doc.add_facet(
            f.facets,
            Facet::from_path(["year", year.to_string().as_str()]),
        );
        if row.featured_at.is_some() {
            doc.add_facet(f.facets, Facet::from_path(["featured", "yes"]));
        }
        if row.status == PracticeStatus::Draft.as_str() {
            doc.add_facet(f.facets, Facet::from_path(["draft", "yes"]));
        }
        // Featured practices sort above every other; then the most recent change.
        let millis = row.updated_at.timestamp_millis().max(0) as u64;
        let featured = if row.featured_at.is_some() {
            1 << 62
        } else {
            0
        };
        doc.add_u64(f.recency, featured + millis);
        doc
    }

    /// One word (a run of folded characters) in any of the searched fields.
    fn word_query(&self, run: &[char]) -> Box<dyn Query> {
        let grams = grams(run);
        let per_field = BOOSTS
            .iter()
            .map(|(which, boost)| {
                let field = self.fields.text(*which);
                let query: Box<dyn Query> = if run.len() == 1 {
                    let c = regex_escape(run[0]);
                    match RegexQuery::from_pattern(&format!("{c}.?|.{c}"), field) {
                        Ok(q) => Box::new(q),
                        Err(_) => Box::new(EmptyQuery),
                    }
                } else if grams.len() == 1 {
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &grams[0]),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    Box::new(PhraseQuery::new_with_offset(
                        grams
                            .iter()
                            .enumerate()
                            .map(|(i, g)| (i, Term::from_field_text(field, g)))
                            .collect(),
                    ))
                };
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(query, *boost)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(per_field))
    }

    fn facet_filter(&self, path: [&str; 2]) -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(
            Box::new(TermQuery::new(
                Term::from_facet(self.fields.facets, &Facet::from_path(path)),
                IndexRecordOption::Basic,
            )),
            0.0,
        ))
    }

    /// Searches what the reader keys open, as the filter asks; `limit` results from the
    /// filter's offset. Call `catch_up` first.
    pub fn search(
        &self,
        keys: &[String],
        filter: &PracticeFilter,
        limit: usize,
    ) -> Result<Found, IndexError> {
        if keys.is_empty() {
            return Ok(Found::default());
        }
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let readers: Vec<(Occur, Box<dyn Query>)> = keys
            .iter()
            .map(|k| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.readers, k),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>,
                )
            })
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(readers)),
                0.0,
            )),
        ));
        let words: Vec<Vec<char>> = filter.words().map(|q| runs(&fold(q))).unwrap_or_default();
        for run in &words {
            clauses.push((Occur::Must, self.word_query(run)));
        }
        if let Some(g) = filter.target_group {
            clauses.push((Occur::Must, self.facet_filter(["target_group", g.as_str()])));
        }
        if let Some(tag) = filter
            .tag
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            clauses.push((Occur::Must, self.facet_filter(["tag", tag])));
        }
        if let Some(area) = filter
            .area
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            clauses.push((Occur::Must, self.facet_filter(["area", area])));
        }
        if let Some(p) = filter.platform {
            clauses.push((
                Occur::Must,
                self.facet_filter(["platform", p.to_string().as_str()]),
            ));
        }
        if let Some(y) = filter.year {
            clauses.push((
                Occur::Must,
                self.facet_filter(["year", y.to_string().as_str()]),
            ));
        }
        if filter.featured {
            clauses.push((Occur::Must, self.facet_filter(["featured", "yes"])));
        }
        if words.is_empty() && clauses.len() == 1 {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0)),
            ));
        }
        let query = BooleanQuery::new(clauses);

        let mut facet_collector = FacetCollector::for_field("facets");
        for name in FACETS {
            facet_collector.add_facet(Facet::from_path([name]));
        }
        let top = TopDocs::with_limit(limit.max(1)).and_offset(filter.offset as usize);
        let searcher = self.reader.searcher();
        let (addresses, total, counts): (Vec<DocAddress>, usize, _) = if words.is_empty() {
            let (top, total, counts) = searcher.search(
                &query,
                &(
                    top.order_by_fast_field::<u64>("recency", Order::Desc),
                    Count,
                    facet_collector,
                ),
            )?;
            (top.into_iter().map(|(_, a)| a).collect(), total, counts)
        } else {
            let (top, total, counts) =
                searcher.search(&query, &(top.order_by_score(), Count, facet_collector))?;
            (top.into_iter().map(|(_, a)| a).collect(), total, counts)
        };
        let mut ids = Vec::with_capacity(addresses.len());
        for address in addresses.into_iter().take(limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc
                .get_first(f.id)
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
            {
                ids.push(id);
            }
        }
        let facets = FACETS
            .iter()
            .map(|name| {
                let mut values: Vec<(String, u64)> = counts
                    .get(Facet::from_path([*name]))
                    .filter_map(|(facet, count)| {
                        facet.to_path().last().map(|v| (v.to_string(), count))
                    })
                    .collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(FACET_VALUES);
                (*name, values)
            })
            .collect();
        Ok(Found {
            ids,
            total: total as u64,
            facets,
        })
    }
}

fn regex_escape(c: char) -> String {
    if c.is_alphanumeric() {
        c.to_string()
    } else {
        format!("\\{c}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(usize, String)> {
        let mut tokenizer = JaBigram;
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push((stream.token().position, stream.token().text.clone()));
        }
        out
    }

    #[test]
    fn bigrams_are_folded_and_positioned_per_run() {
        assert_eq!(
            texts("就労支援・ＫＰＩ"),
            vec![
                (0, "就労".to_string()),
                (1, "労支".to_string()),
                (2, "支援".to_string()),
                (5, "kp".to_string()),
                (6, "pi".to_string()),
            ]
        );
        assert_eq!(
            texts("ｶﾌｪ 農"),
            vec![(0, "カフ".into()), (1, "フェ".into()), (4, "農".into())]
        );
    }
}

//! `kakehashi-bench`: a load tool for the sync engine (issues: sync engine, sync at scale;
//! results in docs/benchmarks.md). Against a running server seeded with the Aomori demo
//! data it signs in the demo users, holds N event streams spread over them, and behaves
//! as the app's sync engine does: it applies each `change` event's own changes when they
//! continue from its cursor, and pulls `/api/v1/sync` otherwise. One writer posts messages to a thread every reader takes part in at a
//! steady rate. It reports, over every (write, reader) pair, the time from the write's
//! `POST` to the event and to the message being in the reader's hands (the event that
//! carried it, or the pull that brought it), the share delivered within 10 s, lost and duplicated deliveries, the
//! server's CPU seconds per delivery and memory per idle stream, and how fast a client
//! catches up a long feed.
//!
//! `scripts/bench-sync.sh` starts a fresh server on SQLite or PostgreSQL and runs this.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::{range_step, RangeStep, SyncPage};
use app::threads::{LiaisonThread, Message};
use clap::Parser;
use reqwest::{Client, StatusCode};
use serde_json::json;
use tokio::sync::{watch, Barrier};
use uuid::Uuid;

#[derive(Parser, Debug)]
#[command(about = "Load tool for Kakehashi's sync engine")]
struct Args {
    /// The server, e.g. http://127.0.0.1:3000 (seeded with `kakehashi seed --demo`).
    #[arg(long)]
    url: String,
    /// Another instance of the same server (on the same PostgreSQL) for the readers to
    /// hold their streams on: the writes go to `--url`, so every delivery crosses instances.
    #[arg(long)]
    readers_url: Option<String>,
    /// Event streams to hold open.
    #[arg(long, default_value_t = 100)]
    clients: usize,
    /// Messages to write while the streams listen.
    #[arg(long, default_value_t = 100)]
    writes: usize,
    /// Writes per second.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// The server's process id, to read its memory per idle stream from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Afterwards, write this many more changes and time a new client catching up.
    #[arg(long, default_value_t = 0)]
    catch_up: usize,
}

const PASSWORD: &str = "kakehashi-demo";
/// Demo users who all take part in a thread of the four Aomori platforms.
const READERS: [&str; 6] = [
    "coordinator@aomori.example",
    "shoko-rodo@aomori.example",
    "kenko-fukushi@aomori.example",
    "aomori-city@aomori.example",
    "hachinohe@aomori.example",
    "hirosaki@aomori.example",
];

#[derive(Clone)]
struct Session {
    client: Client,
    csrf: String,
    base: String,
}

impl Session {
    async fn sign_in(base: &str, email: &str) -> Session {
        let client = Client::builder()
            .cookie_store(true)
            .pool_idle_timeout(None)
            .build()
            .expect("an HTTP client");
        let response = client
            .post(format!("{base}/api/v1/session"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .expect("the server answers sign-in");
        assert_eq!(response.status(), StatusCode::OK, "signing in {email}");
        let me: serde_json::Value = response.json().await.expect("the sign-in answer");
        let session = Session {
            client,
            csrf: me["csrf_token"].as_str().expect("a CSRF token").to_string(),
            base: base.to_string(),
        };
        // Taken once per user; a repeat is harmless.
        session.post("/api/v1/me/pledge", &json!({})).await;
        session
    }

    async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("X-CSRF-Token", &self.csrf)
            .json(body)
            .send()
            .await
            .expect("the server answers a write")
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("the server answers a read")
            .json()
            .await
            .expect("JSON")
    }

    /// Pulls the whole feed after `since`; returns the changes' (kind, id, cursor) and
    /// the final cursor.
    async fn pull_all(&self, mut since: i64) -> (Vec<(String, Uuid, i64)>, i64) {
        let mut seen = Vec::new();
        loop {
            let page: SyncPage = self
                .get(&format!("/api/v1/sync?since={since}&limit=500"))
                .await;
            for c in &page.changes {
                seen.push((c.kind.as_str().to_string(), c.id, c.cursor));
            }
            since = page.cursor;
            if !page.has_more {
                return (seen, since);
            }
        }
    }
}

/// What one reader saw: each `change` event's cursor with its arrival time, each message
/// with the time it was in the reader's hands (the event that carried it, or the pull
/// that brought it back), the cursors received more than once, and how many events
/// needed a pull.
#[derive(Default)]
struct Received {
    pokes: Vec<(i64, Instant)>,
    messages: HashMap<Uuid, Instant>,
    cursors: std::collections::HashSet<i64>,
    duplicated: usize,
    pulls: usize,
}

impl Received {
    /// Changes in the reader's hands at `at`: (cursor, kind, record).
    fn take<'a>(&mut self, changes: impl Iterator<Item = (i64, &'a str, Uuid)>, at: Instant) {
        for (cursor, kind, id) in changes {
            if !self.cursors.insert(cursor) {
                self.duplicated += 1;
            }
            if kind == "message" {
                self.messages.entry(id).or_insert(at);
            }
        }
    }
}

/// A `change` event as the tool reads it: its range and which records it carries. The
/// records themselves are skipped unparsed: five thousand simulated devices share the
/// server's two cores here, where each real device parses its own.
#[derive(Default, serde::Deserialize)]
struct EventRange {
    cursor: Option<i64>,
    from: Option<i64>,
    changes: Option<Vec<Carried>>,
}

#[derive(serde::Deserialize)]
struct Carried {
    cursor: i64,
    kind: String,
    id: Uuid,
}

/// Holds one event stream and behaves as the app's sync engine does: an event whose
/// changes continue from the reader's cursor is applied as it is; any other event makes
/// the reader pull the feed (events that arrive meanwhile wait, then are applied or
/// skipped against the new cursor).
async fn listen(
    session: Session,
    mut since: i64,
    opened: Arc<Barrier>,
    mut stop: watch::Receiver<bool>,
) -> Received {
    let mut response = session
        .client
        .get(format!("{}/api/v1/events", session.base))
        .send()
        .await
        .expect("the server answers the event stream");
    assert_eq!(response.status(), StatusCode::OK);
    let mut text = String::new();
    let mut got = Received::default();
    let mut ready = false;
    loop {
        tokio::select! {
            chunk = response.chunk() => {
                let Ok(Some(chunk)) = chunk else { break };
                let at = Instant::now();
                text.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = text.find("\n\n") {
                    let event: String = text.drain(..end + 2).collect();
                    if event.starts_with("event: ready") && !ready {
                        ready = true;
                        opened.wait().await;
                    } else if event.starts_with("event: change") {
                        let data: EventRange = event
                            .lines()
                            .find_map(|l| l.strip_prefix("data: "))
                            .and_then(|json| serde_json::from_str(json).ok())
                            .unwrap_or_default();
                        if let Some(cursor) = data.cursor {
                            got.pokes.push((cursor, at));
                        }
                        match range_step(data.from, data.cursor, data.changes.is_some(), since) {
                            RangeStep::Nothing => {}
                            RangeStep::Apply { to } => {
                                let newer = data.changes.iter().flatten().filter(|c| c.cursor > since);
                                got.take(newer.map(|c| (c.cursor, c.kind.as_str(), c.id)), at);
                                since = to;
                            }
                            RangeStep::Pull => {
                                got.pulls += 1;
                                since = pull(&session, since, &mut got).await;
                            }
                        }
                    }
                }
            }
            _ = stop.changed() => break,
        }
    }
    got
}

/// Pulls until the feed says there is no more; returns the new cursor.
async fn pull(session: &Session, mut since: i64, got: &mut Received) -> i64 {
    loop {
        let page: SyncPage = session
            .get(&format!("/api/v1/sync?since={since}&limit=500"))
            .await;
        let at = Instant::now();
        got.take(
            page.changes
                .iter()
                .map(|c| (c.cursor, c.kind.as_str(), c.id)),
            at,
        );
        since = page.cursor;
        if !page.has_more {
            return since;
        }
    }
}

/// The server's CPU time so far (user + system), from /proc.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let base = args.url.trim_end_matches('/').to_string();

    let mut sessions = Vec::new();
    for email in READERS {
        sessions.push(Session::sign_in(&base, email).await);
    }
    let writer = sessions[0].clone();
    if let Some(other) = &args.readers_url {
        let other = other.trim_end_matches('/').to_string();
        sessions.clear();
        for email in READERS {
            sessions.push(Session::sign_in(&other, email).await);
        }
        println!("readers on {other}, the writer on {base}");
    }
    let platforms: Vec<serde_json::Value> = writer.get("/api/v1/platforms").await;
    let platform_ids: Vec<&str> = platforms.iter().filter_map(|p| p["id"].as_str()).collect();
    let response = writer
        .post(
            "/api/v1/threads",
            &json!({ "subject": "負荷試験 同期エンジン", "platform_ids": platform_ids }),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "creating the thread"
    );
    let thread: LiaisonThread = response.json().await.expect("the thread");
    let (_, start_cursor) = writer.pull_all(0).await;

    // Streams open in two halves, and memory is read after each: what the second half
    // adds is what one more idle stream costs, apart from what the first connections
    // left in the allocator's free lists.
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut listeners = Vec::with_capacity(args.clients);
    let connecting = Instant::now();
    let first_half = args.clients / 2;
    let mut memory = vec![args.server_pid.and_then(rss_kib)];
    for (from, to) in [(0, first_half), (first_half, args.clients)] {
        let opened = Arc::new(Barrier::new(to - from + 1));
        for i in from..to {
            let session = sessions[i % sessions.len()].clone();
            listeners.push(tokio::spawn(listen(
                session,
                start_cursor,
                opened.clone(),
                stop_rx.clone(),
            )));
        }
        opened.wait().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        memory.push(args.server_pid.and_then(rss_kib));
    }
    println!(
        "{} streams open in {:.1} s",
        args.clients,
        connecting.elapsed().as_secs_f64()
    );
    if let [Some(before), Some(half), Some(all)] = memory[..] {
        println!(
            "server memory: {} KiB before, {} KiB with {} idle streams, {} KiB with {}: {:.1} KiB per stream overall, {:.1} KiB per stream of the second half",
            before,
            half,
            first_half,
            all,
            args.clients,
            all.saturating_sub(before) as f64 / args.clients.max(1) as f64,
            all.saturating_sub(half) as f64 / (args.clients - first_half).max(1) as f64
        );
    }

    let cpu_before = args.server_pid.and_then(cpu_seconds);
    // Steady writes; each remembers when it was sent.
    let mut sent: Vec<(Uuid, Instant)> = Vec::with_capacity(args.writes);
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let path = format!("/api/v1/threads/{}/messages", thread.id);
    for i in 0..args.writes {
        ticker.tick().await;
        let at = Instant::now();
        let response = writer
            .post(
                &path,
                &json!({ "body": format!("負荷試験のメッセージ {i}") }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "write {i}");
        let message: Message = response.json().await.expect("the message");
        sent.push((message.id, at));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = stop_tx.send(true);
    let mut received = Vec::with_capacity(args.clients);
    for listener in listeners {
        received.push(listener.await.expect("a listener"));
    }

    // Each write's cursor, from the feed.
    let (changes, _) = writer.pull_all(start_cursor).await;
    let cursor_of: HashMap<Uuid, i64> = changes
        .iter()
        .filter(|(kind, _, _)| kind == "message")
        .map(|(_, id, cursor)| (*id, *cursor))
        .collect();
    let mut pokes = Vec::with_capacity(args.writes * args.clients);
    let mut in_hands = Vec::with_capacity(args.writes * args.clients);
    let (mut poke_lost, mut lost, mut duplicated, mut pulls) = (0usize, 0usize, 0usize, 0usize);
    for got in &received {
        duplicated += got.duplicated;
        pulls += got.pulls;
        for (id, at) in &sent {
            let Some(cursor) = cursor_of.get(id) else {
                lost += 1;
                continue;
            };
            match got.pokes.iter().find(|(c, _)| c >= cursor) {
                Some((_, when)) => pokes.push(when.duration_since(*at).as_secs_f64() * 1000.0),
                None => poke_lost += 1,
            }
            match got.messages.get(id) {
                Some(when) => in_hands.push(when.duration_since(*at).as_secs_f64() * 1000.0),
                None => lost += 1,
            }
        }
    }
    pokes.sort_by(|a, b| a.total_cmp(b));
    in_hands.sort_by(|a, b| a.total_cmp(b));
    let within = |limit: f64| in_hands.iter().filter(|ms| **ms <= limit).count();
    let expected = args.writes * args.clients;
    println!(
        "{} readers, {} writes at {}/s: poke p50 {:.1} ms, p99 {:.1} ms ({} pokes missing)",
        args.clients,
        args.writes,
        args.rate,
        percentile(&pokes, 50.0),
        percentile(&pokes, 99.0),
        poke_lost
    );
    println!(
        "  in the reader's hands (the event's own changes, or a pull): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {:.1} % within 10 s; {} of {} delivered, {} lost, {} duplicated",
        percentile(&in_hands, 50.0),
        percentile(&in_hands, 99.0),
        in_hands.last().copied().unwrap_or(f64::NAN),
        100.0 * within(10_000.0) as f64 / expected.max(1) as f64,
        in_hands.len(),
        expected,
        lost,
        duplicated
    );
    println!(
        "  pulls: {} in all, {:.2} per reader ({} events were applied as they came)",
        pulls,
        pulls as f64 / args.clients.max(1) as f64,
        received
            .iter()
            .map(|g| g.pokes.len())
            .sum::<usize>()
            .saturating_sub(pulls)
    );
    if let (Some(pid), Some(before)) = (args.server_pid, cpu_before) {
        if let Some(after) = cpu_seconds(pid) {
            println!(
                "  server CPU: {:.1} s, {:.2} ms per delivery",
                after - before,
                (after - before) * 1000.0 / in_hands.len().max(1) as f64
            );
        }
    }

    if args.catch_up > 0 {
        let writing = Instant::now();
        for i in 0..args.catch_up {
            let response = writer
                .post(
                    &path,
                    &json!({ "body": format!("追いつき用のメッセージ {i}") }),
                )
                .await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        println!(
            "wrote {} changes in {:.1} s ({:.0} writes/s, one at a time)",
            args.catch_up,
            writing.elapsed().as_secs_f64(),
            args.catch_up as f64 / writing.elapsed().as_secs_f64()
        );
        let reader = Session::sign_in(&base, READERS[3]).await;
        let pulling = Instant::now();
        let (all, _) = reader.pull_all(0).await;
        let took = pulling.elapsed().as_secs_f64();
        println!(
            "catch-up from 0: {} changes in {:.2} s ({:.0} changes/s, pages of 500)",
            all.len(),
            took,
            all.len() as f64 / took
        );
    }
}

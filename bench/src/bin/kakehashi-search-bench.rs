//! `kakehashi-search-bench`: the good-practice library's search latency (results in
//! docs/benchmarks.md). Against a running server seeded with the Aomori demo data and
//! generated practices (`kakehashi seed --demo --practices N`) it signs in as the
//! prefectural coordinator, who reads every practice shared across the network, warms
//! up, then runs a fixed mix of searches round after round, one request at a time, and
//! reports p50, p95 and max latency per query and overall with the number of hits.
//!
//! `scripts/bench-search.sh` starts a fresh server per database and size and runs this.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::{Client, StatusCode};
use serde::Deserialize;
use serde_json::json;

#[derive(Parser, Debug)]
#[command(about = "Search latency of Kakehashi's good-practice library")]
struct Args {
    /// The server, e.g. http://127.0.0.1:3000 (seeded with `kakehashi seed --demo
    /// --practices N`).
    #[arg(long)]
    url: String,
    /// Timed rounds over the query mix.
    #[arg(long, default_value_t = 50)]
    iterations: usize,
    /// Untimed rounds first, so caches and connections are warm.
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// Who searches; the prefectural coordinator reads every network practice.
    #[arg(long, default_value = "coordinator@aomori.example")]
    email: String,
    /// Cells put before the overall figures in the final Markdown row, e.g.
    /// "sqlite | 10,000 | 3.2 s | 8,100/s".
    #[arg(long, default_value = "")]
    row: String,
}

const PASSWORD: &str = "kakehashi-demo";

/// (what the report calls it, the query string's pairs).
const QUERIES: &[(&str, &[(&str, &str)])] = &[
    ("就労", &[("q", "就労")]),
    ("支援", &[("q", "支援")]),
    ("農業", &[("q", "農業")]),
    ("就労体験", &[("q", "就労体験")]),
    ("職場見学", &[("q", "職場見学")]),
    ("五所川原市", &[("q", "五所川原市")]),
    ("水産加工", &[("q", "水産加工")]),
    ("カフェ", &[("q", "カフェ")]),
    ("ＤＸ", &[("q", "ＤＸ")]),
    ("dx", &[("q", "dx")]),
    ("農業 体験", &[("q", "農業 体験")]),
    ("就労 tag=介護", &[("q", "就労"), ("tag", "介護")]),
    ("(browse)", &[]),
];

/// What the bench reads of a search answer.
#[derive(Deserialize)]
struct Answer {
    total: u64,
    items: Vec<serde::de::IgnoredAny>,
}

struct Session {
    client: Client,
    base: String,
}

impl Session {
    async fn sign_in(base: &str, email: &str) -> Result<Session, String> {
        let client = Client::builder()
            .cookie_store(true)
            .pool_idle_timeout(None)
            .build()
            .map_err(|e| format!("an HTTP client: {e}"))?;
        let response = client
            .post(format!("{base}/api/v1/session"))
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .map_err(|e| format!("signing in {email}: {e}"))?;
        if response.status() != StatusCode::OK {
            return Err(format!("signing in {email}: {}", response.status()));
        }
        let me: serde_json::Value = response
            .json()
            .await
            .map_err(|e| format!("the sign-in answer: {e}"))?;
        let csrf = me["csrf_token"]
            .as_str()
            .ok_or("the sign-in answer has no csrf_token")?
            .to_string();
        // The pledge is taken once per user before the API serves anything else; a
        // repeat is harmless, so its answer is not checked (a search fails clearly if
        // it was not taken).
        client
            .post(format!("{base}/api/v1/me/pledge"))
            .header("X-CSRF-Token", &csrf)
            .json(&json!({}))
            .send()
            .await
            .map_err(|e| format!("taking the pledge: {e}"))?;
        Ok(Session {
            client,
            base: base.to_string(),
        })
    }

    /// One search: the time until the whole answer has arrived, and its total.
    async fn search(&self, query: &[(&str, &str)]) -> Result<(Duration, Answer), String> {
        let started = Instant::now();
        let response = self
            .client
            .get(format!("{}/api/v1/practices", self.base))
            .query(query)
            .send()
            .await
            .map_err(|e| format!("searching {query:?}: {e}"))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("searching {query:?}: {e}"))?;
        let took = started.elapsed();
        if status != StatusCode::OK {
            return Err(format!(
                "searching {query:?}: {status}: {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let answer: Answer = serde_json::from_slice(&body)
            .map_err(|e| format!("searching {query:?}: the answer: {e}"))?;
        Ok((took, answer))
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn median(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// Pads to a column width, counting a CJK character as two columns as terminals do.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

struct Stats {
    p50: f64,
    p95: f64,
    max: f64,
}

fn stats(millis: &mut [f64]) -> Stats {
    millis.sort_by(f64::total_cmp);
    Stats {
        p50: percentile(millis, 50.0),
        p95: percentile(millis, 95.0),
        max: millis.last().copied().unwrap_or(f64::NAN),
    }
}

async fn run(args: Args) -> Result<(), String> {
    let base = args.url.trim_end_matches('/').to_string();
    let session = Session::sign_in(&base, &args.email).await?;

    for _ in 0..args.warmup {
        for (_, query) in QUERIES {
            session.search(query).await?;
        }
    }

    let mut millis: Vec<Vec<f64>> = vec![Vec::with_capacity(args.iterations); QUERIES.len()];
    let mut totals: Vec<Vec<u64>> = vec![Vec::with_capacity(args.iterations); QUERIES.len()];
    let mut items = vec![0usize; QUERIES.len()];
    // Round after round over the whole mix, so a slow spell of the machine falls on every
    // query alike.
    let started = Instant::now();
    for _ in 0..args.iterations {
        for (i, (_, query)) in QUERIES.iter().enumerate() {
            let (took, answer) = session.search(query).await?;
            millis[i].push(took.as_secs_f64() * 1000.0);
            totals[i].push(answer.total);
            items[i] = answer.items.len();
        }
    }
    let elapsed = started.elapsed();

    println!(
        "{} rounds of {} searches as {} in {:.1} s",
        args.iterations,
        QUERIES.len(),
        args.email,
        elapsed.as_secs_f64()
    );
    println!();
    println!(
        "{}  {:>8}  {:>8}  {:>8}  {:>8}  {:>5}",
        pad("query", 16),
        "p50 ms",
        "p95 ms",
        "max ms",
        "hits",
        "page"
    );
    let mut all = Vec::new();
    for (i, (name, _)) in QUERIES.iter().enumerate() {
        all.extend_from_slice(&millis[i]);
        let s = stats(&mut millis[i]);
        println!(
            "{}  {:>8.2}  {:>8.2}  {:>8.2}  {:>8}  {:>5}",
            pad(name, 16),
            s.p50,
            s.p95,
            s.max,
            median(&mut totals[i]),
            items[i]
        );
    }
    let overall = stats(&mut all);
    println!(
        "{}  {:>8.2}  {:>8.2}  {:>8.2}",
        pad("overall", 16),
        overall.p50,
        overall.p95,
        overall.max
    );
    println!();
    println!("| query | p50 ms | p95 ms | max ms | hits |");
    println!("|---|---:|---:|---:|---:|");
    for (i, (name, _)) in QUERIES.iter().enumerate() {
        let s = stats(&mut millis[i]);
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {} |",
            name.replace('|', "\\|"),
            s.p50,
            s.p95,
            s.max,
            median(&mut totals[i])
        );
    }
    println!();
    // The last line: one row of the results table, the caller's cells first.
    let lead = if args.row.trim().is_empty() {
        String::new()
    } else {
        format!(" {} |", args.row.trim().trim_matches('|').trim())
    };
    println!(
        "|{lead} {:.2} | {:.2} | {:.2} |",
        overall.p50, overall.p95, overall.max
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kakehashi-search-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

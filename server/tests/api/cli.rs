//! The `kakehashi` command-line binary, run as a child process over a fresh data
//! directory. `DATABASE_URL` (and every other `KAKEHASHI_*` variable of the test's own
//! environment) is removed, so the binary uses its SQLite default
//! `DATA_DIR/kakehashi.db`: these tests run on SQLite whatever database the rest of the
//! suite uses.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::{membership, organisation, platform, user, user_role};
use server::seed::{DEMO_PASSWORD, DEMO_USERS};
use uuid::Uuid;

/// How long a one-shot command may take (debug build, busy CI machine).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// How long `serve` may take to print the line with its address.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(20);

const NEW_PASSWORD: &str = "long-enough-password";

/// A fresh, empty data directory, removed at the end of the test.
struct DataDir {
    path: PathBuf,
}

impl DataDir {
    fn new() -> DataDir {
        let path = std::env::temp_dir().join(format!("kakehashi-cli-test-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("temp dir");
        DataDir { path }
    }

    fn db_file(&self) -> PathBuf {
        self.path.join("kakehashi.db")
    }

    /// `kakehashi ARGS…` over this data directory, with a clean environment.
    fn command(&self, args: &[&str]) -> Command {
        kakehashi(&self.path, args)
    }

    /// Runs `kakehashi ARGS…` to completion.
    fn run(&self, args: &[&str]) -> Outcome {
        run(self.command(args))
    }

    /// Runs `kakehashi ARGS…` to completion with extra environment variables.
    fn run_with(&self, args: &[&str], envs: &[(&str, &str)]) -> Outcome {
        let mut command = self.command(args);
        command.envs(envs.iter().copied());
        run(command)
    }

    /// A connection to the binary's database, the way the binary makes it.
    async fn db(&self) -> DatabaseConnection {
        let config = server::config::Config::for_database(
            server::config::sqlite_url(&self.path),
            self.path.clone(),
        );
        server::db::connect(&config)
            .await
            .expect("the CLI's database connects")
    }

    /// Row counts of the main tables, to tell whether a command changed anything.
    async fn counts(&self) -> Counts {
        let db = self.db().await;
        let counts = Counts {
            platforms: platform::Entity::find().count(&db).await.unwrap(),
            organisations: organisation::Entity::find().count(&db).await.unwrap(),
            memberships: membership::Entity::find().count(&db).await.unwrap(),
            users: user::Entity::find().count(&db).await.unwrap(),
            user_roles: user_role::Entity::find().count(&db).await.unwrap(),
        };
        db.close().await.ok();
        counts
    }

    /// `kakehashi serve` on a free port, once it has said where it listens.
    fn serve(&self) -> Server {
        let mut command = self.command(&["serve"]);
        command
            .env("KAKEHASHI_ADDR", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("`kakehashi serve` starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().expect("piped stderr");
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                    stderr.lock().unwrap().push_str(&text);
                }
            });
        }
        let (lines, received) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            // Keeps reading to the end so that the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Once nobody listens any more, drain quietly.
                let _ = lines.send(line);
            }
        });
        // From here on the guard kills the child, whatever happens.
        let mut server = Server {
            child,
            base: String::new(),
            stderr,
        };
        let deadline = Instant::now() + LISTEN_TIMEOUT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => {
                    if let Some(base) = line.strip_prefix("Kakehashi is listening on ") {
                        server.base = base.trim().to_string();
                        break;
                    }
                    seen.push(line);
                }
                Err(e) => {
                    let status = server.child.try_wait();
                    panic!(
                        "`kakehashi serve` did not say where it listens ({e:?}); \
                         stdout: {seen:?}; stderr: {}; status: {status:?}",
                        server.stderr()
                    )
                }
            }
        }
        let port = server
            .base
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("listening on 127.0.0.1: {:?}", server.base))
            .parse::<u16>()
            .expect("a port number");
        assert_ne!(port, 0, "port 0 is replaced by the port actually bound");
        server
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    platforms: u64,
    organisations: u64,
    memberships: u64,
    users: u64,
    user_roles: u64,
}

/// `kakehashi ARGS…` with the data directory set, `RUST_LOG=warn`, and none of the test
/// process's own database or Kakehashi settings.
fn kakehashi(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kakehashi"));
    command.args(args).env_remove("DATABASE_URL");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KAKEHASHI_") {
            command.env_remove(name);
        }
    }
    command
        .env("KAKEHASHI_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command
}

/// What a finished command did.
#[derive(Debug)]
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Outcome {
    #[track_caller]
    fn assert_success(&self) -> &Outcome {
        assert!(self.status.success(), "expected success: {self:#?}");
        self
    }

    /// A failure reported by the command itself (exit status 1, `kakehashi: …` on
    /// stderr), not a usage error from the argument parser (status 2).
    #[track_caller]
    fn assert_failure(&self) -> &Outcome {
        assert_eq!(self.status.code(), Some(1), "expected failure: {self:#?}");
        assert!(
            self.stderr.contains("kakehashi: "),
            "the error is on stderr: {self:#?}"
        );
        self
    }

    #[track_caller]
    fn stdout_has(&self, text: &str) -> &Outcome {
        assert!(self.stdout.contains(text), "stdout has {text:?}: {self:#?}");
        self
    }

    #[track_caller]
    fn stderr_has(&self, text: &str) -> &Outcome {
        assert!(self.stderr.contains(text), "stderr has {text:?}: {self:#?}");
        self
    }
}

/// Runs a command to completion (killing it after [`COMMAND_TIMEOUT`]).
fn run(mut command: Command) -> Outcome {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kakehashi binary starts");
    let stdout = read_all(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for kakehashi") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {COMMAND_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A running `kakehashi serve`, killed when dropped (also when an assertion fails).
struct Server {
    child: Child,
    base: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a reqwest client")
    }

    /// Signs in and returns the CSRF token of the new session.
    async fn sign_in(&self, client: &Client, email: &str, password: &str) -> String {
        let r = client
            .post(self.url("/api/v1/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "sign in as {email}; server stderr: {}",
            self.stderr()
        );
        let body: Value = r.json().await.expect("sign-in body");
        assert_eq!(body["user"]["email"], email, "{body}");
        body["csrf_token"].as_str().expect("csrf_token").to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn migrate_creates_the_sqlite_database_and_can_run_again() {
    let dir = DataDir::new();
    assert!(!dir.db_file().exists());

    dir.run(&["migrate"])
        .assert_success()
        .stdout_has("The database is up to date.");
    assert!(dir.db_file().is_file(), "kakehashi.db is created");
    let empty = Counts {
        platforms: 0,
        organisations: 0,
        memberships: 0,
        users: 0,
        user_roles: 0,
    };
    assert_eq!(dir.counts().await, empty, "the schema exists and is empty");

    dir.run(&["migrate"])
        .assert_success()
        .stdout_has("The database is up to date.");
    assert_eq!(dir.counts().await, empty);
}

#[tokio::test]
async fn seed_demo_loads_once_and_only_into_an_empty_database() {
    let dir = DataDir::new();

    let seeded = dir.run(&["seed", "--demo"]);
    seeded.assert_success().stdout_has(DEMO_PASSWORD);
    for (email, name, _, _) in DEMO_USERS {
        seeded.stdout_has(email).stdout_has(name);
    }
    let after_seed = dir.counts().await;
    assert_eq!(
        after_seed.platforms, 4,
        "aomori and three municipal platforms"
    );
    assert_eq!(after_seed.users, DEMO_USERS.len() as u64);

    dir.run(&["seed", "--demo"])
        .assert_failure()
        .stderr_has("the database already has data");
    assert_eq!(
        dir.counts().await,
        after_seed,
        "a second seed changes nothing"
    );

    dir.run(&["seed", "--demo", "--if-empty"])
        .assert_success()
        .stdout_has("already has data");
    assert_eq!(dir.counts().await, after_seed, "--if-empty changes nothing");

    dir.run(&["seed"])
        .assert_failure()
        .stderr_has("kakehashi seed --demo");
    assert_eq!(dir.counts().await, after_seed);
}

#[tokio::test]
async fn seed_demo_if_empty_loads_an_empty_database() {
    let dir = DataDir::new();
    dir.run(&["seed", "--demo", "--if-empty"])
        .assert_success()
        .stdout_has(DEMO_USERS[0].0);
    assert_eq!(dir.counts().await.platforms, 4);
}

#[tokio::test]
async fn serve_listens_on_the_port_it_prints_and_signs_in_demo_users() {
    let dir = DataDir::new();
    dir.run(&["seed", "--demo"]).assert_success();

    let server = dir.serve();
    let client = server.client();
    let health = client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("GET /healthz");
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");

    server
        .sign_in(&client, "coordinator@aomori.example", DEMO_PASSWORD)
        .await;
}

#[tokio::test]
async fn admin_commands_build_a_platform_whose_user_can_sign_in() {
    let dir = DataDir::new();

    // Platforms.
    dir.run(&[
        "add-platform",
        "--slug",
        "iwate",
        "--name",
        "岩手",
        "--kind",
        "prefectural",
    ])
    .assert_success()
    .stdout_has("Added platform iwate");
    dir.run(&[
        "add-platform",
        "--slug",
        "morioka",
        "--name",
        "盛岡",
        "--kind",
        "municipal",
        "--parent",
        "iwate",
    ])
    .assert_success()
    .stdout_has("Added platform morioka");
    dir.run(&[
        "add-platform",
        "--slug",
        "hanamaki",
        "--name",
        "花巻",
        "--kind",
        "municipal",
    ])
    .assert_failure()
    .stderr_has("--parent");
    dir.run(&[
        "add-platform",
        "--slug",
        "Bad Slug",
        "--name",
        "悪い",
        "--kind",
        "prefectural",
    ])
    .assert_failure()
    .stderr_has("slug");
    {
        let db = dir.db().await;
        let platforms = platform::Entity::find().all(&db).await.unwrap();
        assert_eq!(
            platforms.len(),
            2,
            "the failures added nothing: {platforms:?}"
        );
        let iwate = platforms.iter().find(|p| p.slug == "iwate").expect("iwate");
        let morioka = platforms
            .iter()
            .find(|p| p.slug == "morioka")
            .expect("morioka");
        assert_eq!(
            (iwate.name.as_str(), iwate.kind.as_str(), iwate.parent_id),
            ("岩手", "prefectural", None)
        );
        assert_eq!(
            (
                morioka.name.as_str(),
                morioka.kind.as_str(),
                morioka.parent_id
            ),
            ("盛岡", "municipal", Some(iwate.id))
        );
        db.close().await.ok();
    }

    // An organisation, a member of the platform and its lead secretariat.
    dir.run(&[
        "add-organisation",
        "--name",
        "岩手労働局",
        "--category",
        "government",
    ])
    .assert_success()
    .stdout_has("Added organisation 岩手労働局");
    dir.run(&[
        "add-membership",
        "--platform",
        "iwate",
        "--organisation",
        "岩手労働局",
        "--secretariat",
        "lead",
    ])
    .assert_success()
    .stdout_has("岩手労働局 is now a member of iwate");
    {
        let db = dir.db().await;
        let iwate = server::admin::platform_by_slug(&db, "iwate").await.unwrap();
        let org = server::admin::organisation_by_name(&db, "岩手労働局")
            .await
            .unwrap();
        assert_eq!(org.category, "government");
        let memberships = membership::Entity::find()
            .filter(membership::Column::PlatformId.eq(iwate.id))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(memberships.len(), 1, "{memberships:?}");
        assert_eq!(memberships[0].organisation_id, org.id);
        assert_eq!(memberships[0].standing, "member");
        assert_eq!(memberships[0].secretariat_role.as_deref(), Some("lead"));
        db.close().await.ok();
    }

    // A user: the password comes from KAKEHASHI_NEW_PASSWORD, and must be long enough.
    let add_user = [
        "add-user",
        "--email",
        "boss@iwate.example",
        "--name",
        "岩手",
        "--organisation",
        "岩手労働局",
        "--role",
        "iwate:coordinator",
    ];
    dir.run(&add_user)
        .assert_failure()
        .stderr_has("KAKEHASHI_NEW_PASSWORD");
    dir.run_with(&add_user, &[("KAKEHASHI_NEW_PASSWORD", "short")])
        .assert_failure()
        .stderr_has("at least 12 characters");
    // An address with an invisible character in it, and a name that draws nothing, are
    // refused as the API refuses them.
    let mut look_alike = add_user;
    look_alike[2] = "boss\u{200B}@iwate.example";
    dir.run_with(&look_alike, &[("KAKEHASHI_NEW_PASSWORD", NEW_PASSWORD)])
        .assert_failure()
        .stderr_has("U+200B");
    let mut blank = add_user;
    blank[4] = "\u{3164}";
    dir.run_with(&blank, &[("KAKEHASHI_NEW_PASSWORD", NEW_PASSWORD)])
        .assert_failure()
        .stderr_has("no visible character");
    assert_eq!(dir.counts().await.users, 0, "the failures added no user");
    dir.run_with(&add_user, &[("KAKEHASHI_NEW_PASSWORD", NEW_PASSWORD)])
        .assert_success()
        .stdout_has("Added user boss@iwate.example");
    let counts = dir.counts().await;
    assert_eq!((counts.users, counts.user_roles), (1, 1));

    // The new coordinator signs in to the served app and sees their platform.
    let server = dir.serve();
    let client = server.client();
    let csrf = server
        .sign_in(&client, "boss@iwate.example", NEW_PASSWORD)
        .await;
    let pledge = client
        .post(server.url("/api/v1/me/pledge"))
        .header("X-CSRF-Token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .expect("POST /api/v1/me/pledge");
    assert_eq!(pledge.status(), StatusCode::OK);
    let me = client
        .get(server.url("/api/v1/me"))
        .send()
        .await
        .expect("GET /api/v1/me");
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.expect("JSON body");
    assert_eq!(me["user"]["email"], "boss@iwate.example");
    assert_eq!(me["user"]["display_name"], "岩手");
    assert_eq!(me["organisation"]["name"], "岩手労働局");
    let platforms = me["platforms"].as_array().expect("platforms");
    assert_eq!(platforms.len(), 1, "{me}");
    assert_eq!(platforms[0]["slug"], "iwate");
    assert_eq!(platforms[0]["kind"], "prefectural");
    assert_eq!(platforms[0]["roles"], json!(["coordinator"]));
}

/// Signs in as `email` (the pledge accepted) and reads `path` as JSON.
async fn read_as(server: &Server, email: &str, path: &str) -> Value {
    let client = server.client();
    let csrf = server.sign_in(&client, email, DEMO_PASSWORD).await;
    let r = client
        .post(server.url("/api/v1/me/pledge"))
        .header("X-CSRF-Token", &csrf)
        .json(&json!({}))
        .send()
        .await
        .expect("pledge");
    assert!(r.status().is_success(), "pledge: {}", r.status());
    let r = client.get(server.url(path)).send().await.expect("a read");
    assert_eq!(r.status(), StatusCode::OK, "{email} {path}");
    r.json().await.expect("JSON")
}

#[tokio::test]
async fn seed_mid_year_loads_the_demo_in_use_and_only_with_the_demo() {
    let dir = DataDir::new();
    dir.run(&["seed", "--demo", "--mid-year"])
        .assert_success()
        .stdout_has("half a year of work");
    let alone = DataDir::new().run(&["seed", "--mid-year"]);
    assert_eq!(alone.status.code(), Some(2), "a usage error: {alone:#?}");
    assert!(alone.stderr.contains("--demo"), "{alone:#?}");
    // What it loads is checked in `demo`; here, that the served app shows it.
    let server = dir.serve();
    let notifications = read_as(
        &server,
        "coordinator@aomori.example",
        "/api/v1/notifications",
    )
    .await;
    assert!(
        notifications.as_array().is_some_and(|n| !n.is_empty()),
        "{notifications}"
    );
}

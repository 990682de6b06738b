//! `TestApp`: the real server on a free port, over a fresh database per test (a SQLite
//! file in a temporary directory, or a new PostgreSQL database when
//! `KAKEHASHI_TEST_DATABASE=postgres` and `KAKEHASHI_TEST_POSTGRES_URL` are set), seeded
//! with the Aomori demo data, driven over HTTP with reqwest.

use std::path::PathBuf;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use server::config::Config;
use server::seed::DEMO_PASSWORD;
use server::startup::Application;
use uuid::Uuid;

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The first instance's shared sync payloads, to prove readers share them.
    pub views: std::sync::Arc<server::sync::views::ViewCache>,
    /// The first instance's state, for calling the domain as the server does.
    pub state: server::state::AppState,
}

/// Which database the suite runs on (the same tests run on both).
pub fn on_postgres() -> bool {
    std::env::var("KAKEHASHI_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

async fn fresh_database(data_dir: &std::path::Path) -> String {
    if !on_postgres() {
        return server::config::sqlite_url(data_dir);
    }
    let admin_url = std::env::var("KAKEHASHI_TEST_POSTGRES_URL")
        .expect("KAKEHASHI_TEST_DATABASE=postgres needs KAKEHASHI_TEST_POSTGRES_URL");
    let (server_url, base_db) = admin_url
        .rsplit_once('/')
        .expect("KAKEHASHI_TEST_POSTGRES_URL looks like postgres://user@host:port/database");
    let base_db = base_db.split('?').next().unwrap_or(base_db);
    let name = format!("{base_db}_{}", &Uuid::new_v4().simple().to_string()[..12]);
    let admin = Database::connect(admin_url.as_str())
        .await
        .expect("the test PostgreSQL server answers");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("a test database can be created");
    admin.close().await.ok();
    format!("{server_url}/{name}")
}

impl TestApp {
    /// A server over a fresh database with the Aomori demo data.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        // `RUST_LOG=debug cargo test ...` shows the server's logs with each test's output.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let data_dir = std::env::temp_dir().join(format!("kakehashi-test-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&data_dir).expect("temp dir");
        let url = fresh_database(&data_dir).await;
        let mut config = Config::for_database(url.clone(), data_dir.clone());
        adjust(&mut config);
        let db = server::db::connect(&config)
            .await
            .expect("test database connects");
        server::db::migrate(&db).await.expect("migrations run");
        server::seed::demo(&db).await.expect("demo data loads");
        let app = Application::build_with(config, db.clone())
            .await
            .expect("the server starts");
        let base = format!("http://{}", app.addr());
        let views = app.state.views.clone();
        let state = app.state.clone();
        tokio::spawn(app.run());
        TestApp {
            base,
            db,
            data_dir,
            database_url: url,
            views,
            state,
        }
    }

    /// Another server process's worth (its own pool, tailer and listener) on the same
    /// database, as a second instance behind a load balancer; returns its base URL.
    pub async fn spawn_instance(&self) -> String {
        let config = Config::for_database(self.database_url.clone(), self.data_dir.clone());
        let app = Application::build(config)
            .await
            .expect("a second instance starts");
        let base = format!("http://{}", app.addr());
        tokio::spawn(app.run());
        base
    }

    /// A signed-in client of another instance (see [`TestApp::spawn_instance`]).
    pub async fn sign_in_at(&self, base: &str, email: &str) -> User {
        let other = TestApp {
            base: base.to_string(),
            db: self.db.clone(),
            data_dir: std::env::temp_dir().join("kakehashi-unused"),
            database_url: self.database_url.clone(),
            views: self.views.clone(),
            state: self.state.clone(),
        };
        other.sign_in(email).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client")
    }

    /// Signs in with the demo password (and accepts the pledge unless told not to).
    pub async fn sign_in(&self, email: &str) -> User {
        let user = self.sign_in_without_pledge(email).await;
        let r = user.post("/api/v1/me/pledge", &json!({})).await;
        assert_eq!(r.status(), StatusCode::OK, "pledge for {email}");
        user
    }

    pub async fn sign_in_without_pledge(&self, email: &str) -> User {
        let client = self.client();
        let r = client
            .post(self.url("/api/v1/session"))
            .json(&json!({"email": email, "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(r.status(), StatusCode::OK, "sign in as {email}");
        let body: Value = r.json().await.expect("sign-in body");
        User {
            base: self.base.clone(),
            client,
            csrf: body["csrf_token"].as_str().expect("csrf_token").to_string(),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A signed-in client that sends its CSRF token on unsafe calls.
pub struct User {
    pub base: String,
    pub client: Client,
    pub csrf: String,
}

impl User {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self
            .client
            .request(method.clone(), format!("{}{}", self.base, path));
        if method == Method::GET || method == Method::HEAD {
            builder
        } else {
            builder.header("X-CSRF-Token", &self.csrf)
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.expect("GET")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("JSON body")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("POST")
    }
}

/// Reads an error response and checks its shape: `{"error":{"code","message"}}`.
pub async fn error_code(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("error bodies are JSON");
    let code = body["error"]["code"]
        .as_str()
        .expect("error.code")
        .to_string();
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "error.message present: {body}"
    );
    (status, code)
}

impl User {
    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path)
            .send()
            .await
            .expect("DELETE")
    }
}

impl TestApp {
    /// `POST /api/v1/session` with any credentials, through the given client.
    pub async fn post_session(&self, client: &Client, email: &str, password: &str) -> Response {
        client
            .post(self.url("/api/v1/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("sign-in request")
    }

    /// The id of a platform, read from the database.
    pub async fn platform_id(&self, slug: &str) -> Uuid {
        server::admin::platform_by_slug(&self.db, slug)
            .await
            .expect("platform exists")
            .id
    }

    /// The id of an organisation, read from the database.
    pub async fn organisation_id(&self, name: &str) -> Uuid {
        server::admin::organisation_by_name(&self.db, name)
            .await
            .expect("organisation exists")
            .id
    }

    /// Invites through the API as `coordinator` and returns (the created body, the token).
    pub async fn invite(
        &self,
        coordinator: &User,
        platform_slug: &str,
        email: &str,
        role: &str,
        organisation_name: &str,
    ) -> (Value, String) {
        let platform_id = self.platform_id(platform_slug).await;
        let organisation_id = self.organisation_id(organisation_name).await;
        let r = coordinator
            .post(
                &format!("/api/v1/platforms/{platform_id}/invitations"),
                &json!({"email": email, "role": role, "organisation_id": organisation_id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "invite {email}");
        let body: Value = r.json().await.expect("invitation body");
        let token = body["accept_path"]
            .as_str()
            .and_then(|p| p.strip_prefix("/invitations/"))
            .expect("accept_path is /invitations/TOKEN")
            .to_string();
        (body, token)
    }

    /// Adds a second prefectural network beside Aomori's: the prefectural platform
    /// `iwate` with the municipal platform `morioka`, their organisations, a coordinator
    /// of `iwate` and a staff member of `morioka` (both with the demo password).
    pub async fn add_iwate_network(&self) -> OtherNetwork {
        use app::domain::{MemberCategory, PlatformKind, Role, SecretariatRole, Standing};
        use server::admin;

        let db = &self.db;
        let hash = server::accounts::password::hash(DEMO_PASSWORD).expect("hash");
        let iwate = admin::add_platform(
            db,
            "iwate",
            IWATE_PLATFORM_NAME,
            PlatformKind::Prefectural,
            None,
        )
        .await
        .expect("iwate platform");
        let morioka = admin::add_platform(
            db,
            "morioka",
            MORIOKA_PLATFORM_NAME,
            PlatformKind::Municipal,
            Some("iwate"),
        )
        .await
        .expect("morioka platform");
        let mut organisation_ids = Vec::new();
        for (position, (name, category, standing, secretariat)) in [
            (
                IWATE_ORGANISATIONS[0],
                MemberCategory::Economic,
                Standing::Member,
                None,
            ),
            (
                IWATE_ORGANISATIONS[1],
                MemberCategory::Government,
                Standing::Member,
                Some(SecretariatRole::Lead),
            ),
            (
                IWATE_ORGANISATIONS[2],
                MemberCategory::Government,
                Standing::Observer,
                None,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let org = admin::add_organisation(db, name, category, None)
                .await
                .expect("iwate organisation");
            admin::add_membership(db, iwate.id, org.id, standing, secretariat, position as i32)
                .await
                .expect("iwate membership");
            organisation_ids.push(org.id);
        }
        admin::add_membership(
            db,
            morioka.id,
            organisation_ids[2],
            Standing::Member,
            Some(SecretariatRole::Lead),
            0,
        )
        .await
        .expect("morioka membership");
        let coordinator = admin::add_user(
            db,
            IWATE_COORDINATOR,
            "岩手労働局 事務局",
            organisation_ids[1],
            &hash,
        )
        .await
        .expect("iwate coordinator");
        admin::grant_role(db, coordinator.id, iwate.id, Role::Coordinator)
            .await
            .expect("iwate coordinator role");
        let staff = admin::add_user(db, MORIOKA_STAFF, "盛岡市 担当", organisation_ids[2], &hash)
            .await
            .expect("morioka staff");
        admin::grant_role(db, staff.id, morioka.id, Role::Staff)
            .await
            .expect("morioka staff role");
        OtherNetwork {
            platform_id: iwate.id,
            municipal_id: morioka.id,
            organisation_ids,
        }
    }
}

pub const IWATE_PLATFORM_NAME: &str = "いわて就職氷河期世代活躍支援プラットフォーム";
pub const MORIOKA_PLATFORM_NAME: &str = "盛岡市 就職氷河期世代活躍支援プラットフォーム";
/// Economic member, secretariat lead, observer (and lead of `morioka`).
pub const IWATE_ORGANISATIONS: [&str; 3] = ["岩手県経営者協会", "岩手労働局", "盛岡市"];
pub const IWATE_COORDINATOR: &str = "coordinator@iwate.example";
pub const MORIOKA_STAFF: &str = "morioka@iwate.example";

/// The second network added by [`TestApp::add_iwate_network`].
pub struct OtherNetwork {
    pub platform_id: Uuid,
    pub municipal_id: Uuid,
    /// In the order of [`IWATE_ORGANISATIONS`].
    pub organisation_ids: Vec<Uuid>,
}

/// A client without a cookie store that does not follow redirects (for replaying a
/// cookie by hand, or for requests with no session at all).
pub fn bare_client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client")
}

/// The value of the `kakehashi_session` cookie a response sets, if any.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()
                .and_then(|pair| pair.trim().strip_prefix("kakehashi_session="))
                .map(str::to_string)
        })
}

/// The `Location` of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("a Location header on {}", response.status()))
        .to_string()
}

/// Asserts a 303 See Other to exactly `to`.
pub fn assert_see_other(response: &Response, to: &str) {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "expected 303 to {to}"
    );
    assert_eq!(location(response), to);
}

impl User {
    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PUT, path)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path)
            .json(body)
            .send()
            .await
            .expect("PATCH")
    }

    /// `POST` of a `multipart/form-data` body with one file in the field `file`.
    pub async fn upload(
        &self,
        path: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Response {
        let (header, body) = multipart_file("file", filename, content_type, bytes);
        self.request(Method::POST, path)
            .header(reqwest::header::CONTENT_TYPE, header)
            .body(body)
            .send()
            .await
            .expect("multipart POST")
    }
}

/// A `multipart/form-data` body with one file part, built by hand (reqwest's `multipart`
/// feature is not enabled); returns (the Content-Type header, the body).
pub fn multipart_file(
    field: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    multipart_form(&[], field, filename, content_type, bytes)
}

/// A `multipart/form-data` body of text fields followed by one file part, in that order
/// (as a page's form sends its CSRF field before the file).
pub fn multipart_form(
    fields: &[(&str, &str)],
    field: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = format!("kakehashi-test-{}", Uuid::new_v4().simple());
    let mut body = Vec::with_capacity(bytes.len() + 256);
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The files of an `.xlsx` (a zip), by name.
pub fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut part = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the xlsx"));
    let mut text = String::new();
    part.read_to_string(&mut text).expect("xml text");
    text
}

/// The body of a 200 answer (failing with the body when it is anything else).
pub async fn ok(r: Response) -> Value {
    let status = r.status();
    let v: Value = r.json().await.expect("a JSON body");
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

/// The body of a 201 answer (failing with the body when it is anything else).
pub async fn ok_created(r: Response) -> Value {
    let status = r.status();
    let v: Value = r.json().await.expect("a JSON body");
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

impl TestApp {
    /// Gives the user `email` a role on the platform `slug` directly, as the admin command
    /// does (for a role no demo user holds).
    pub async fn grant(&self, email: &str, slug: &str, role: app::domain::Role) {
        let user = server::admin::user_by_email(&self.db, email)
            .await
            .expect("the user exists");
        let platform = self.platform_id(slug).await;
        server::admin::grant_role(&self.db, user.id, platform, role)
            .await
            .expect("the role is granted");
    }

    /// Takes the role `role` on `slug` from the user `email` through the API, as
    /// `coordinator`, and checks it went.
    pub async fn revoke(&self, coordinator: &User, email: &str, slug: &str, role: &str) {
        let user = server::admin::user_by_email(&self.db, email)
            .await
            .expect("the user exists");
        let platform = self.platform_id(slug).await;
        let r = coordinator
            .delete(&format!(
                "/api/v1/platforms/{platform}/users/{}/roles/{role}",
                user.id
            ))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NO_CONTENT,
            "revoking {role} of {email}"
        );
    }
}

//! Configuration from the environment, with documented defaults (see README).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// `KAKEHASHI_ADDR`, default `127.0.0.1:3000`. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// `KAKEHASHI_DATA_DIR`, default `./data`: the SQLite file and uploaded files.
    pub data_dir: PathBuf,
    /// `KAKEHASHI_ATTACHMENTS_DIR`, default `DATA_DIR/attachments`.
    pub attachments_dir: PathBuf,
    /// `DATABASE_URL`, default `sqlite://DATA_DIR/kakehashi.db?mode=rwc`.
    pub database_url: String,
    /// `KAKEHASHI_PUBLIC_URL`, default `http://ADDR`: where people reach the app. An
    /// `https://` URL marks session cookies `Secure`.
    pub public_url: String,
    /// `KAKEHASHI_SESSION_IDLE_MINUTES` (default 120) and
    /// `KAKEHASHI_SESSION_ABSOLUTE_HOURS` (default 12): a working day, not longer.
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// `KAKEHASHI_TRUST_PROXY` (default false): take the client address from the last
    /// `X-Forwarded-For` entry, as set by the reverse proxy in front of the app.
    pub trust_proxy: bool,
    pub sign_in_limits: SignInLimits,
    /// The instant "today" is worked out from (deadlines, overdue): `None`, the system
    /// clock, always in service; tests fix it to stand on either side of a deadline.
    pub fixed_now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Failed sign-ins allowed before 429. Only failures count, so a whole municipal office
/// signing in from one shared address at 9 a.m. never meets the address limit.
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// `KAKEHASHI_SIGNIN_ACCOUNT_BURST` (default 5) failures per account, then one more
    /// every `KAKEHASHI_SIGNIN_ACCOUNT_PERIOD_SECS` (default 60).
    pub account_burst: u32,
    pub account_period: Duration,
    /// `KAKEHASHI_SIGNIN_ADDRESS_BURST` (default 100) failures per client address, then
    /// one more every `KAKEHASHI_SIGNIN_ADDRESS_PERIOD_SECS` (default 6).
    pub address_burst: u32,
    pub address_period: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            account_burst: 5,
            account_period: Duration::from_secs(60),
            address_burst: 100,
            address_period: Duration::from_secs(6),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    name: &'static str,
    message: String,
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(text) => text.trim().parse().map_err(|e: T::Err| ConfigError {
            name,
            message: format!("cannot read {text:?}: {e}"),
        }),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let addr: SocketAddr = parsed("KAKEHASHI_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?;
        let data_dir = PathBuf::from(var("KAKEHASHI_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| sqlite_url(&data_dir));
        let attachments_dir = var("KAKEHASHI_ATTACHMENTS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("attachments"));
        let public_url = var("KAKEHASHI_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        let defaults = SignInLimits::default();
        Ok(Config {
            addr,
            attachments_dir,
            data_dir,
            database_url,
            public_url,
            session_idle: Duration::from_secs(
                60 * parsed("KAKEHASHI_SESSION_IDLE_MINUTES", 120u64)?,
            ),
            session_absolute: Duration::from_secs(
                3600 * parsed("KAKEHASHI_SESSION_ABSOLUTE_HOURS", 12u64)?,
            ),
            trust_proxy: parsed("KAKEHASHI_TRUST_PROXY", false)?,
            sign_in_limits: SignInLimits {
                account_burst: parsed("KAKEHASHI_SIGNIN_ACCOUNT_BURST", defaults.account_burst)?,
                account_period: Duration::from_secs(parsed(
                    "KAKEHASHI_SIGNIN_ACCOUNT_PERIOD_SECS",
                    defaults.account_period.as_secs(),
                )?),
                address_burst: parsed("KAKEHASHI_SIGNIN_ADDRESS_BURST", defaults.address_burst)?,
                address_period: Duration::from_secs(parsed(
                    "KAKEHASHI_SIGNIN_ADDRESS_PERIOD_SECS",
                    defaults.address_period.as_secs(),
                )?),
            },
            fixed_now: None,
        })
    }

    /// A configuration for tests and tools: everything default but the database.
    pub fn for_database(database_url: String, data_dir: PathBuf) -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            attachments_dir: data_dir.join("attachments"),
            data_dir,
            database_url,
            public_url: "http://127.0.0.1".into(),
            session_idle: Duration::from_secs(2 * 3600),
            session_absolute: Duration::from_secs(12 * 3600),
            trust_proxy: false,
            sign_in_limits: SignInLimits::default(),
            fixed_now: None,
        }
    }

    /// Now, by the configured clock (see `fixed_now`).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.fixed_now.unwrap_or_else(chrono::Utc::now)
    }

    /// Today in Japan, by the configured clock.
    pub fn today_in_japan(&self) -> chrono::NaiveDate {
        app::wareki::japan_today(self.now())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// `sqlite://` URL of `kakehashi.db` in the data directory, created on first start.
pub fn sqlite_url(data_dir: &std::path::Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("kakehashi.db").display()
    )
}

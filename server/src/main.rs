//! `kakehashi`: serve the app, migrate, seed the demo data, and administer platforms,
//! organisations and users. Every subcommand reads the same environment (README).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sea_orm::TransactionTrait;

use app::domain::{MemberCategory, PlatformKind, Role, SecretariatRole, Standing};
use server::accounts::password;
use server::config::Config;
use server::startup::Application;
use server::{admin, audit, db, practice_generator, seed};

#[derive(Parser)]
#[command(
    name = "kakehashi",
    version,
    about = "Kakehashi (架け橋): the shared workspace of the employment ice-age generation support platforms"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the app on KAKEHASHI_ADDR.
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Load data: `--demo` loads the Aomori platform and the demo users; `--practices N`
    /// adds N generated good practices (after `--demo`, or to a database that has it).
    Seed {
        #[arg(long)]
        demo: bool,
        /// With `--demo`: the demo as it looks in the middle of a council year (threads,
        /// outreach requests in every state, practices, notifications), written as the
        /// demo users through the same checks as the API.
        #[arg(long, requires = "demo")]
        mid_year: bool,
        /// Do nothing (and succeed) when the database already has data.
        #[arg(long)]
        if_empty: bool,
        /// Add N generated good practices, for measuring the library's search.
        #[arg(long, value_name = "N")]
        practices: Option<usize>,
        /// The generator's seed: the same seed writes the same practices.
        #[arg(long, value_name = "SEED", default_value_t = 1)]
        practice_seed: u64,
    },
    /// Add a platform (tenant).
    AddPlatform {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// prefectural | municipal
        #[arg(long, value_parser = parse_kind)]
        kind: PlatformKind,
        /// The prefectural platform a municipal one belongs to.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Add an organisation.
    AddOrganisation {
        #[arg(long)]
        name: String,
        /// economic | labour | support | municipal | government
        #[arg(long, value_parser = parse_category)]
        category: MemberCategory,
    },
    /// Make an organisation a member (or observer) of a platform.
    AddMembership {
        #[arg(long)]
        platform: String,
        #[arg(long)]
        organisation: String,
        /// member | observer
        #[arg(long, value_parser = parse_standing, default_value = "member")]
        standing: Standing,
        /// lead | deputy
        #[arg(long, value_parser = parse_secretariat)]
        secretariat: Option<SecretariatRole>,
    },
    /// Add a user; the password is read from KAKEHASHI_NEW_PASSWORD.
    AddUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        organisation: String,
        /// PLATFORM_SLUG:ROLE, e.g. aomori:coordinator (repeatable).
        #[arg(long = "role", value_parser = parse_grant)]
        roles: Vec<(String, Role)>,
    },
    /// Take a role away: the person's sessions end at once and their devices are sent
    /// tombstones for what they may no longer see. A platform keeps its last coordinator.
    RevokeRole {
        #[arg(long)]
        email: String,
        /// PLATFORM_SLUG:ROLE, e.g. hachinohe:staff (repeatable).
        #[arg(long = "role", value_parser = parse_grant, required = true)]
        roles: Vec<(String, Role)>,
    },
    /// Disable an account: its sessions end at once and it cannot sign in; roles are kept.
    DisableUser {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again.
    EnableUser {
        #[arg(long)]
        email: String,
    },
}

fn parse_kind(s: &str) -> Result<PlatformKind, String> {
    PlatformKind::parse(s).ok_or_else(|| "prefectural or municipal".into())
}
fn parse_category(s: &str) -> Result<MemberCategory, String> {
    MemberCategory::parse(s)
        .ok_or_else(|| "economic, labour, support, municipal or government".into())
}
fn parse_standing(s: &str) -> Result<Standing, String> {
    Standing::parse(s).ok_or_else(|| "member or observer".into())
}
fn parse_secretariat(s: &str) -> Result<SecretariatRole, String> {
    SecretariatRole::parse(s).ok_or_else(|| "lead or deputy".into())
}
fn parse_grant(s: &str) -> Result<(String, Role), String> {
    let (slug, role) = s.split_once(':').ok_or("PLATFORM_SLUG:ROLE")?;
    let role = Role::parse(role).ok_or("role: coordinator, staff, responder, observer or admin")?;
    Ok((slug.to_string(), role))
}

/// mimalloc rather than the system allocator: a server holding thousands of idle event
/// streams kept less of what their set-up freed (per idle stream 45–47 KiB with glibc's
/// malloc, 25–42 KiB with mimalloc, at the same latency; docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kakehashi: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    if let Command::Serve = command {
        let app = Application::build(config)
            .await
            .map_err(|e| e.to_string())?;
        let addr = app.addr();
        // Tests and `make run` read this line to find the port.
        println!("Kakehashi is listening on http://{addr}");
        tracing::info!(%addr, "serving");
        return app.run().await.map_err(|e| e.to_string());
    }
    let db = db::connect(&config).await.map_err(|e| e.to_string())?;
    db::migrate(&db).await.map_err(|e| e.to_string())?;
    match command {
        Command::Serve => unreachable!("handled above"),
        Command::Migrate => {
            println!("The database is up to date.");
            Ok(())
        }
        Command::Seed {
            demo,
            mid_year,
            if_empty,
            practices,
            practice_seed,
        } => {
            if !demo && practices.is_none() {
                return Err(
                    "say what to load: `kakehashi seed --demo` and/or `--practices N`".into(),
                );
            }
            if demo {
                match seed::demo(&db).await {
                    Ok(()) => {
                        println!(
                            "Loaded the Aomori demo data. Demo sign-ins (password {:?}):",
                            seed::DEMO_PASSWORD
                        );
                        for (email, name, _, _) in seed::DEMO_USERS {
                            println!("  {email:<32} {name}");
                        }
                        if mid_year {
                            // The domain functions need the server's state; its listener
                            // is never served.
                            let mut config = config.clone();
                            config.addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
                            let app = Application::build_with(config, db.clone())
                                .await
                                .map_err(|e| e.to_string())?;
                            seed::activity::mid_year(&app.state)
                                .await
                                .map_err(|e| format!("the mid-year demo: {e}"))?;
                            println!(
                                "Added half a year of work: liaison threads, outreach requests in every state, {} good practices.",
                                seed::activity::PRACTICES
                            );
                        }
                    }
                    // `--if-empty` keeps a database with data as it is, practices too.
                    Err(seed::SeedError::NotEmpty) if if_empty => {
                        println!("The database already has data; keeping it.");
                        return Ok(());
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
            if let Some(n) = practices {
                let started = std::time::Instant::now();
                let added = practice_generator::insert_practices(&db, n, practice_seed)
                    .await
                    .map_err(|e| e.to_string())?;
                let seconds = started.elapsed().as_secs_f64();
                // scripts/bench-search.sh reads this line.
                println!(
                    "Added {added} generated good practices in {seconds:.2} s ({:.0} per second).",
                    added as f64 / seconds.max(1e-9)
                );
            }
            Ok(())
        }
        Command::AddPlatform {
            slug,
            name,
            kind,
            parent,
        } => {
            let p = admin::add_platform(&db, &slug, &name, kind, parent.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            println!("Added platform {} ({})", p.slug, p.id);
            Ok(())
        }
        Command::AddOrganisation { name, category } => {
            let o = admin::add_organisation(&db, &name, category, None)
                .await
                .map_err(|e| e.to_string())?;
            println!("Added organisation {} ({})", o.name, o.id);
            Ok(())
        }
        Command::AddMembership {
            platform,
            organisation,
            standing,
            secretariat,
        } => {
            let p = admin::platform_by_slug(&db, &platform)
                .await
                .map_err(|e| e.to_string())?;
            let o = admin::organisation_by_name(&db, &organisation)
                .await
                .map_err(|e| e.to_string())?;
            admin::add_membership(&db, p.id, o.id, standing, secretariat, 1000)
                .await
                .map_err(|e| e.to_string())?;
            println!("{} is now a {} of {}", o.name, standing, p.slug);
            Ok(())
        }
        Command::AddUser {
            email,
            name,
            organisation,
            roles,
        } => {
            let secret = std::env::var("KAKEHASHI_NEW_PASSWORD")
                .map_err(|_| "set KAKEHASHI_NEW_PASSWORD to the new user's password".to_string())?;
            if secret.chars().count() < app::domain::MIN_PASSWORD_CHARS {
                return Err(format!(
                    "the password needs at least {} characters",
                    app::domain::MIN_PASSWORD_CHARS
                ));
            }
            let hash = password::hash(&secret)?;
            let txn = db.begin().await.map_err(|e| e.to_string())?;
            let o = admin::organisation_by_name(&txn, &organisation)
                .await
                .map_err(|e| e.to_string())?;
            let u = admin::add_user(&txn, &email, &name, o.id, &hash)
                .await
                .map_err(|e| e.to_string())?;
            for (slug, role) in roles {
                let p = admin::platform_by_slug(&txn, &slug)
                    .await
                    .map_err(|e| e.to_string())?;
                admin::grant_role(&txn, u.id, p.id, role)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            txn.commit().await.map_err(|e| e.to_string())?;
            println!("Added user {} ({})", u.email, u.id);
            Ok(())
        }
        Command::RevokeRole { email, roles } => {
            // All the roles or none.
            let txn = db.begin().await.map_err(|e| e.to_string())?;
            let u = admin::user_by_email(&txn, &email)
                .await
                .map_err(|e| e.to_string())?;
            let mut lines = Vec::new();
            for (slug, role) in roles {
                let p = admin::platform_by_slug(&txn, &slug)
                    .await
                    .map_err(|e| e.to_string())?;
                let revoked = admin::revoke_role(&txn, u.id, p.id, role)
                    .await
                    .map_err(|e| e.to_string())?;
                if revoked {
                    audit::record(
                        &txn,
                        audit::Entry {
                            action: "role_revoked",
                            record_kind: Some("user"),
                            record_id: Some(u.id),
                            platform_id: Some(p.id),
                            detail: Some(serde_json::json!({
                                "role": role.as_str(),
                                "by": "kakehashi revoke-role",
                            })),
                            ..Default::default()
                        },
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                    lines.push(format!("Revoked {role} of {} on {}", u.email, p.slug));
                } else {
                    lines.push(format!("{} did not hold {role} on {}", u.email, p.slug));
                }
            }
            txn.commit().await.map_err(|e| e.to_string())?;
            for line in lines {
                println!("{line}");
            }
            Ok(())
        }
        Command::DisableUser { email } => set_disabled(&db, &email, true).await,
        Command::EnableUser { email } => set_disabled(&db, &email, false).await,
    }
}

async fn set_disabled(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    disabled: bool,
) -> Result<(), String> {
    let txn = db.begin().await.map_err(|e| e.to_string())?;
    let u = admin::user_by_email(&txn, email)
        .await
        .map_err(|e| e.to_string())?;
    let changed = admin::set_disabled(&txn, u.id, disabled)
        .await
        .map_err(|e| e.to_string())?;
    if changed {
        audit::record(
            &txn,
            audit::Entry {
                action: if disabled {
                    "account_disabled"
                } else {
                    "account_enabled"
                },
                record_kind: Some("user"),
                record_id: Some(u.id),
                detail: Some(serde_json::json!({
                    "by": if disabled { "kakehashi disable-user" } else { "kakehashi enable-user" },
                })),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    txn.commit().await.map_err(|e| e.to_string())?;
    let state = if disabled { "disabled" } else { "enabled" };
    if changed {
        println!("{} is now {state}", u.email);
    } else {
        println!("{} was already {state}", u.email);
    }
    Ok(())
}

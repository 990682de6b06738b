//! Kakehashi's build driver, run as `cargo xtask <command>` (the alias is in
//! `.cargo/config.toml`): the Rust convention for a workspace's own build steps.
//!
//! It does what cargo-leptos did for this project with the tools `make` already installs
//! (the `wasm-bindgen` CLI, binaryen's `wasm-opt` from npm, Node for compression), because
//! building cargo-leptos itself cost 16 of the 42 minutes a fresh machine needed before
//! `make run` answered (issue 16).
//!
//! Commands:
//! - `site [--dev]`: the hydrate wasm and the static site in `target/site` (see [`site`]).
//! - `build`: the release site, then the release server `target/release/kakehashi`.
//! - `watch`: the development loop: the dev site and the debug server, rebuilt and
//!   restarted whenever a source file, the stylesheet or `public/` changes (see [`watch`]).

mod site;
mod split;
mod watch;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Why a step failed; printed once by `main`.
#[derive(Debug)]
pub struct Failure(String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure(error.to_string())
    }
}

impl From<notify::Error> for Failure {
    fn from(error: notify::Error) -> Self {
        Failure(format!("watching the sources: {error}"))
    }
}

/// The workspace's directories, from the xtask's own manifest and the environment
/// (`CARGO_TARGET_DIR`, `LEPTOS_SITE_ROOT`) so that they agree with cargo and the server.
pub struct Layout {
    pub root: PathBuf,
    pub target: PathBuf,
    pub site: PathBuf,
}

impl Layout {
    fn from_env() -> Layout {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask/ sits inside the workspace root")
            .to_path_buf();
        // A directory from the environment, relative to the workspace root as cargo reads it.
        let dir_from = |name: &str| {
            std::env::var_os(name).map(PathBuf::from).map(|dir| {
                if dir.is_absolute() {
                    dir
                } else {
                    root.join(dir)
                }
            })
        };
        let target = dir_from("CARGO_TARGET_DIR").unwrap_or_else(|| root.join("target"));
        let site = dir_from("LEPTOS_SITE_ROOT").unwrap_or_else(|| target.join("site"));
        Layout { root, target, site }
    }
}

/// Runs a command in the workspace root, failing with its name when it does not succeed.
pub fn run(layout: &Layout, program: &str, args: &[&str]) -> Result<(), Failure> {
    let status = command(layout, program, args)
        .status()
        .map_err(|error| not_started(program, error))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure(format!(
            "{program} {} failed ({status})",
            args.join(" ")
        )))
    }
}

/// Like [`run`], but keeps the command's output unless it fails: for steps that chatter
/// (wasm-opt warns about every chunk's name section it does not know).
pub fn run_quiet(layout: &Layout, program: &str, args: &[&str]) -> Result<(), Failure> {
    let output = command(layout, program, args)
        .output()
        .map_err(|error| not_started(program, error))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Failure(format!(
            "{program} {} failed ({}):\n{}{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

fn command(layout: &Layout, program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(&layout.root);
    command
}

fn not_started(program: &str, error: std::io::Error) -> Failure {
    Failure(format!(
        "could not start {program}: {error} (is `make tools` done?)"
    ))
}

/// Builds the server binary: `release` for `make run`, the dev profile for the watch loop
/// and the browser tests (which share the integration tests' build).
pub fn build_server(layout: &Layout, release: bool) -> Result<(), Failure> {
    let mut args = vec!["build", "--package", "server", "--bin", "kakehashi"];
    if release {
        args.push("--release");
    }
    run(layout, "cargo", &args)
}

const USAGE: &str = "usage: cargo xtask <site [--dev] | build | watch>";

fn main() -> ExitCode {
    let layout = Layout::from_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        ["site"] => site::build(&layout, site::Profile::Release).map(|_| ()),
        ["site", "--dev"] => site::build(&layout, site::Profile::Dev).map(|_| ()),
        ["build"] => {
            site::build(&layout, site::Profile::Release).and_then(|_| build_server(&layout, true))
        }
        ["watch"] => watch::run(&layout),
        _ => Err(Failure(USAGE.to_string())),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: {failure}");
            ExitCode::FAILURE
        }
    }
}

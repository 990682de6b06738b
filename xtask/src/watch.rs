//! The development loop (`cargo xtask watch`): builds the dev site and the debug server,
//! seeds the demo into an empty database, serves, and on every change under the watched
//! directories rebuilds and restarts. A failed build keeps the running server and waits for
//! the next change, so a typo never leaves the developer without a page.

use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::site::{self, Profile};
use crate::{build_server, Failure, Layout};

/// What a change in may need rebuilding: the Rust sources of every crate the app is made
/// of, the stylesheet and the static files.
const WATCHED: [&str; 6] = [
    "app/src",
    "frontend/src",
    "server/src",
    "migrations/src",
    "style",
    "public",
];

/// Editors save in bursts (a temp file, a rename, a metadata change): wait this long after
/// the last event before building.
const SETTLE: Duration = Duration::from_millis(300);

pub fn run(layout: &Layout) -> Result<(), Failure> {
    let (events, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(events)?;
    for dir in WATCHED {
        watcher.watch(&layout.root.join(dir), RecursiveMode::Recursive)?;
    }

    let binary = layout.target.join("debug").join("kakehashi");
    let mut server: Option<Child> = None;
    loop {
        match rebuild(layout) {
            Ok(()) => {
                if let Some(mut old) = server.take() {
                    // The server stops at once on kill; its database writes are transactional.
                    let _ = old.kill();
                    let _ = old.wait();
                }
                server = Some(start(layout, &binary)?);
            }
            Err(failure) => eprintln!("xtask watch: {failure}; waiting for the next change"),
        }
        // Block for the first change, then drain the burst.
        if changes.recv().is_err() {
            return Err(Failure("the file watcher stopped".into()));
        }
        while changes.recv_timeout(SETTLE).is_ok() {}
        println!("xtask watch: change seen, rebuilding");
    }
}

fn rebuild(layout: &Layout) -> Result<(), Failure> {
    site::build(layout, Profile::Dev)?;
    build_server(layout, false)
}

fn start(layout: &Layout, binary: &Path) -> Result<Child, Failure> {
    let seeded = Command::new(binary)
        .args(["seed", "--demo", "--mid-year", "--if-empty"])
        .current_dir(&layout.root)
        .status()?;
    if !seeded.success() {
        return Err(Failure(format!("kakehashi seed failed ({seeded})")));
    }
    Ok(Command::new(binary)
        .arg("serve")
        .current_dir(&layout.root)
        .spawn()?)
}

//! The static site the server serves: `target/site/` with `public/`'s files at its root and
//! the app's hashed assets in `pkg/`.
//!
//! Steps: `cargo build` of the `frontend` crate for `wasm32-unknown-unknown` (profile
//! `wasm-release`: size first, LTO, one codegen unit), the split into the first page and
//! the feature chunks ([`split`]), `wasm-bindgen --target web` on the first page's module,
//! `wasm-opt -Oz` on every module (release only), the stylesheet copied, each asset named
//! after its content (so the server may let browsers keep `/pkg` for a year), `hash.txt`
//! in the site root for the server (the format cargo-leptos writes and Leptos reads:
//! `js: <hash>` per line, `manifest:` and `split:` for the chunks), `.br`/`.gz` beside each
//! asset, then the size report and the budget checks. The new site replaces the old one
//! only when every step has succeeded.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{run, run_quiet, split, Failure, Layout};

/// The output name Leptos looks for (`LeptosOptions::output_name`).
pub const OUTPUT_NAME: &str = "kakehashi";

/// The most the first page's wasm may weigh, brotli-compressed, in bytes. The release build
/// fails beyond it, so `make test` does too. Splitting the features into chunks took it
/// from 878 KB to 438 KB (docs/benchmarks.md); issue 16's goal is 250 KB, so this holds
/// the line a little above today's size until what the first page still carries (the
/// sync store, the catalogue, the home page) is made lighter. Raised from 450 KB to 452 KB
/// for the policy proposals (their catalogue strings and record kind: 450.4 KB), the first
/// raise since the split: the catalogue's strings of every feature are the next thing to
/// move out of the first page.
pub const FIRST_PAGE_WASM_BUDGET: u64 = 452 * 1024;

/// The most one feature chunk (a lazily loaded route's own code, or code routes share)
/// may weigh, brotli-compressed, in bytes (issue 16: 150 KB).
pub const CHUNK_WASM_BUDGET: u64 = 150 * 1024;

/// Which wasm to build: the size-first release or the quick development build.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Release,
    Dev,
}

/// What a site build produced: the hashes written to `hash.txt` and the feature chunks.
pub struct Built {
    pub hashes: Vec<(&'static str, String)>,
    pub chunk_files: Vec<String>,
}

/// Builds the site into `layout.site`. Errors name the step that failed; a failed build
/// leaves the previous site in place.
pub fn build(layout: &Layout, profile: Profile) -> Result<Built, Failure> {
    let (cargo_profile, wasm_dir) = match profile {
        Profile::Release => ("wasm-release", "wasm-release"),
        Profile::Dev => ("dev", "debug"),
    };
    run(
        layout,
        "cargo",
        &[
            "build",
            "--package",
            "frontend",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            cargo_profile,
            "--features",
            "hydrate",
        ],
    )?;
    let wasm = layout
        .target
        .join("wasm32-unknown-unknown")
        .join(wasm_dir)
        .join("frontend.wasm");

    let staging = layout.target.join("site-staging");
    let bound = staging.join("bound");
    remove_dir(&staging)?;
    fs::create_dir_all(&bound)?;
    let split = split::split(&wasm, &staging.join("split"))?;
    // The chunks call into the main module by the linker's export names: keep them.
    run(
        layout,
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--keep-lld-exports",
            "--no-demangle",
            "--out-name",
            OUTPUT_NAME,
            "--out-dir",
            path_str(&bound)?,
            path_str(&split.main)?,
        ],
    )?;
    let bound_wasm = bound.join(format!("{OUTPUT_NAME}_bg.wasm"));
    if profile == Profile::Release {
        let modules: Vec<&Path> = std::iter::once(bound_wasm.as_path())
            .chain(split.chunks.iter().map(|(_, chunk)| chunk.as_path()))
            .collect();
        optimize_all(layout, &modules)?;
    }

    let site = staging.join("site");
    let pkg = site.join("pkg");
    fs::create_dir_all(&pkg)?;
    copy_dir(&layout.root.join("public"), &site)?;
    // Scripts wasm-bindgen emits for `inline_js` and module snippets, imported relatively.
    if bound.join("snippets").is_dir() {
        copy_dir(&bound.join("snippets"), &pkg.join("snippets"))?;
    }
    let read = |path: &Path| {
        fs::read(path).map_err(|error| Failure(format!("reading {}: {error}", path.display())))
    };
    let read_text = |path: &Path| {
        String::from_utf8(read(path)?)
            .map_err(|_| Failure(format!("{} is not UTF-8", path.display())))
    };
    let chunks = split
        .chunks
        .iter()
        .map(|(stem, path)| Ok((stem.clone(), read(path)?)))
        .collect::<Result<Vec<_>, Failure>>()?;
    let named = split::name(&split::Unnamed {
        main_js: &read_text(&bound.join(format!("{OUTPUT_NAME}.js")))?,
        main_wasm: &read(&bound_wasm)?,
        chunks: &chunks,
        link_js: &read_text(&split.link)?,
        prefetch_map: &split.prefetch_map,
    })?;
    for (file, bytes) in &named.files {
        fs::write(pkg.join(file), bytes)?;
    }
    let css = read(&layout.root.join("style").join("main.css"))?;
    let css_hash = content_hash(&css);
    fs::write(pkg.join(hashed_name("css", &css_hash)), &css)?;
    let mut hashes = named.hashes;
    hashes.push(("css", css_hash));
    fs::write(site.join("hash.txt"), hash_file(&hashes))?;

    if profile == Profile::Release {
        run(
            layout,
            "node",
            &["scripts/precompress.mjs", path_str(&pkg)?],
        )?;
    }

    // Swap in the new site whole, so a server never serves half of one.
    let old = staging.join("old");
    if layout.site.exists() {
        fs::rename(&layout.site, &old)?;
    }
    if let Some(parent) = layout.site.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::rename(&site, &layout.site)?;
    remove_dir(&staging)?;

    let built = Built {
        hashes,
        chunk_files: named.chunk_files,
    };
    if profile == Profile::Release {
        report_and_check(layout, &built)?;
    }
    Ok(built)
}

/// [`optimize`] on every module, one `wasm-opt` per core at a time. One after the other
/// left a core idle through most of the release build (346 modules, 2.8 s of CPU each on
/// average: binaryen from npm is single-threaded, and each run first loads it).
fn optimize_all(layout: &Layout, modules: &[&Path]) -> Result<(), Failure> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(modules.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let done = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(module) = modules.get(i) else {
                        return Ok(());
                    };
                    optimize(layout, module)?;
                })
            })
            .collect();
        handles.into_iter().try_for_each(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err(Failure("a wasm-opt worker panicked".into())))
        })
    });
    println!(
        "wasm-opt: {} modules in {:.1} s, {workers} at a time",
        modules.len(),
        started.elapsed().as_secs_f64()
    );
    done
}

/// `wasm-opt -Oz` in place, with the features rustc's wasm32 target emits by default
/// (wasm-opt refuses the module unless told).
fn optimize(layout: &Layout, wasm: &Path) -> Result<(), Failure> {
    let wasm_path = path_str(wasm)?;
    run_quiet(
        layout,
        "wasm-opt",
        &[
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            "--strip-debug",
            "--strip-producers",
            wasm_path,
            "-o",
            wasm_path,
        ],
    )
}

/// Prints each asset's raw and brotli size, and fails when the first page's wasm is over
/// [`FIRST_PAGE_WASM_BUDGET`] or a feature chunk over [`CHUNK_WASM_BUDGET`].
fn report_and_check(layout: &Layout, built: &Built) -> Result<(), Failure> {
    let pkg = layout.site.join("pkg");
    let sizes = |name: &str| -> Result<(u64, u64), Failure> {
        let raw = fs::metadata(pkg.join(name))?.len();
        let brotli = fs::metadata(pkg.join(format!("{name}.br")))?.len();
        println!(
            "  {name:<48} {:>8.1} KB raw {:>8.1} KB brotli",
            kb(raw),
            kb(brotli)
        );
        Ok((raw, brotli))
    };
    let mut wasm_brotli = None;
    println!("site: {}", layout.site.display());
    for (kind, hash) in &built.hashes {
        if matches!(*kind, "js" | "wasm" | "css") {
            let (_, brotli) = sizes(&hashed_name(kind, hash))?;
            if *kind == "wasm" {
                wasm_brotli = Some(brotli);
            }
        }
    }
    println!("feature chunks (loaded on first navigation to the feature):");
    let mut chunks_total = 0;
    let mut heaviest = 0;
    for chunk in &built.chunk_files {
        let (_, brotli) = sizes(chunk)?;
        chunks_total += brotli;
        heaviest = heaviest.max(brotli);
    }
    // Every size is printed before a budget fails, so the report shows what to move.
    check_budget("heaviest feature chunk's", heaviest, CHUNK_WASM_BUDGET)?;
    let wasm_brotli = wasm_brotli.expect("the site always has a wasm asset");
    check_budget("first page's", wasm_brotli, FIRST_PAGE_WASM_BUDGET)?;
    println!(
        "first page wasm: {:.1} KB brotli, within its budget of {:.1} KB; \
         {} feature chunks, {:.1} KB brotli together",
        kb(wasm_brotli),
        kb(FIRST_PAGE_WASM_BUDGET),
        built.chunk_files.len(),
        kb(chunks_total)
    );
    Ok(())
}

/// `Ok` when `brotli_bytes` is within `budget`; otherwise the failure names `what` and says
/// by how much.
pub fn check_budget(what: &str, brotli_bytes: u64, budget: u64) -> Result<(), Failure> {
    if brotli_bytes <= budget {
        Ok(())
    } else {
        Err(Failure(format!(
            "the {what} wasm is {:.1} KB brotli, {:.1} KB over its budget of {:.1} KB \
             (xtask/src/site.rs): move what the first page does not show into a feature \
             chunk, and split a feature whose chunk is too heavy",
            kb(brotli_bytes),
            kb(brotli_bytes - budget),
            kb(budget)
        )))
    }
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

/// The first 20 hex digits of the SHA-256 of `bytes`: enough that two builds never share
/// a name, short enough for a URL.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = hex::encode(Sha256::digest(bytes));
    digest[..20].to_string()
}

/// `kakehashi.<hash>.<ext>`, the name Leptos's `HydrationScripts` and `HashedStylesheet`
/// ask for when `hash.txt` has a line for the asset.
pub fn hashed_name(kind: &str, hash: &str) -> String {
    format!("{OUTPUT_NAME}.{hash}.{kind}")
}

/// The contents of `hash.txt`: one `kind: hash` line per asset.
pub fn hash_file(hashes: &[(&str, String)]) -> String {
    hashes
        .iter()
        .map(|(kind, hash)| format!("{kind}: {hash}\n"))
        .collect()
}

fn path_str(path: &Path) -> Result<&str, Failure> {
    path.to_str()
        .ok_or_else(|| Failure(format!("{} is not UTF-8", path.display())))
}

fn remove_dir(dir: &Path) -> Result<(), Failure> {
    match fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
        _ => Ok(()),
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_content() {
        let a = content_hash(b"one");
        assert_eq!(a.len(), 20);
        assert_eq!(a, content_hash(b"one"));
        assert_ne!(a, content_hash(b"two"));
        assert_eq!(hashed_name("wasm", "abc"), "kakehashi.abc.wasm");
    }

    #[test]
    fn the_hash_file_has_the_lines_leptos_reads() {
        let text = hash_file(&[
            ("js", "1a".into()),
            ("wasm", "2b".into()),
            ("css", "3c".into()),
        ]);
        assert_eq!(text, "js: 1a\nwasm: 2b\ncss: 3c\n");
        // Leptos splits each line at ':' and trims the hash.
        let parsed: Vec<(&str, &str)> = text
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(kind, hash)| (kind, hash.trim()))
            .collect();
        assert_eq!(parsed, [("js", "1a"), ("wasm", "2b"), ("css", "3c")]);
    }

    #[test]
    fn the_budget_fails_only_beyond_it() {
        assert!(check_budget("first page's", 100, 100).is_ok());
        let over = check_budget("first page's", 2048 + 1024, 2048)
            .unwrap_err()
            .to_string();
        assert!(
            over.contains("3.0 KB brotli, 1.0 KB over its budget of 2.0 KB"),
            "{over}"
        );
    }
}

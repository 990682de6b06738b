//! Splitting the client into the first page and lazily loaded feature chunks, and naming
//! the pieces after their content.
//!
//! The pages marked `#[lazy_route]` in `app` compile to functions that load their code on
//! first use. [`split`] hands the linked wasm (with its relocations, see
//! `frontend/build.rs`) to `wasm_split_cli_support`, the splitter Leptos's own tooling
//! uses: it writes the main module (for wasm-bindgen), one `split_<feature>.wasm` per lazy
//! feature function, `chunk_<n>.wasm` for code two features share, the JavaScript loader
//! (named [`LINK_PLACEHOLDER`] until [`name`] renames it) and the map of which files each
//! feature needs.
//!
//! [`name`] then gives every file a name derived from its content, so the server may let
//! browsers keep `/pkg` for a year, and rewrites the names the files use for each other.
//! The main script and the loader import each other, so their names are chained: the
//! loader's name covers the chunks' names, the main script and the main wasm; the main
//! script's name covers its text, which holds the loader's name. A change anywhere thus
//! renames both.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::site::{content_hash, OUTPUT_NAME};
use crate::Failure;

/// The module name the wasm imports the loader functions from, before naming. Leptos looks
/// for this placeholder when `hash.txt` has no `split:` line.
pub const LINK_PLACEHOLDER: &str = "__wasm_split.______________________.js";

/// What the splitter wrote.
pub struct Split {
    /// The first page's module, for wasm-bindgen.
    pub main: PathBuf,
    /// Each feature chunk's file stem (`split_threads_list_route`, `chunk_3`) and path.
    pub chunks: Vec<(String, PathBuf)>,
    /// The loader script.
    pub link: PathBuf,
    /// For each lazy route, the stems of the chunks it needs.
    pub prefetch_map: BTreeMap<String, Vec<String>>,
}

/// Splits `input` (the linked wasm) into `dir`.
pub fn split(input: &Path, dir: &Path) -> Result<Split, Failure> {
    let bytes = fs::read(input)
        .map_err(|error| Failure(format!("reading {}: {error}", input.display())))?;
    fs::create_dir_all(dir)?;
    let main = dir.join("main.wasm");
    let main_module = format!("./{OUTPUT_NAME}.js");
    let link_name = format!("./{LINK_PLACEHOLDER}");
    let mut options = wasm_split_cli_support::Options::new(&bytes);
    options.output_dir = dir;
    options.main_out_path = &main;
    options.main_module = &main_module;
    options.link_name = &link_name;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|error| Failure(format!("splitting the wasm: {error:#}")))?;
    let mut chunks = Vec::new();
    for path in split.split_modules {
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| Failure(format!("{} has no UTF-8 name", path.display())))?
            .to_string();
        chunks.push((stem, path));
    }
    chunks.sort();
    Ok(Split {
        main,
        chunks,
        link: dir.join(LINK_PLACEHOLDER),
        prefetch_map: split.prefetch_map.into_iter().collect(),
    })
}

/// The pieces of a split build, before naming.
pub struct Unnamed<'a> {
    /// wasm-bindgen's script (imports the loader by [`LINK_PLACEHOLDER`]).
    pub main_js: &'a str,
    pub main_wasm: &'a [u8],
    /// Each chunk's stem and bytes.
    pub chunks: &'a [(String, Vec<u8>)],
    /// The loader (imports `./kakehashi.js`, fetches `./<stem>.wasm`).
    pub link_js: &'a str,
    pub prefetch_map: &'a BTreeMap<String, Vec<String>>,
}

/// Every file of the split build under its final name, and the hashes for `hash.txt`.
pub struct Named {
    /// (file name in `pkg/`, content).
    pub files: Vec<(String, Vec<u8>)>,
    /// `js`, `wasm`, `manifest`, `split` hashes, in that order.
    pub hashes: Vec<(&'static str, String)>,
    /// The chunks' final file names, for the size report and the budget check.
    pub chunk_files: Vec<String>,
}

/// Names the pieces after their content (see the module's doc for the chaining).
pub fn name(unnamed: &Unnamed) -> Result<Named, Failure> {
    let mut files = Vec::new();
    let mut chunk_files = Vec::new();
    let mut link_js = unnamed.link_js.to_string();
    let mut stems = BTreeMap::new();
    for (stem, bytes) in unnamed.chunks {
        let named_stem = format!("{stem}.{}", content_hash(bytes));
        let before = format!("\"./{stem}.wasm\"");
        if !link_js.contains(&before) {
            return Err(Failure(format!(
                "the split loader does not fetch {stem}.wasm: the splitter's output changed"
            )));
        }
        link_js = link_js.replace(&before, &format!("\"./{named_stem}.wasm\""));
        let file = format!("{named_stem}.wasm");
        files.push((file.clone(), bytes.clone()));
        chunk_files.push(file);
        stems.insert(stem.clone(), named_stem);
    }
    let manifest: BTreeMap<&str, Vec<&str>> = unnamed
        .prefetch_map
        .iter()
        .map(|(route, needs)| {
            let needs = needs
                .iter()
                .map(|stem| stems.get(stem).map(String::as_str).unwrap_or(stem))
                .collect();
            (route.as_str(), needs)
        })
        .collect();
    let manifest = serde_json::to_vec_pretty(&manifest)
        .map_err(|error| Failure(format!("writing the split manifest: {error}")))?;
    let manifest_hash = content_hash(&manifest);
    files.push((
        format!("__wasm_split_manifest.{manifest_hash}.json"),
        manifest,
    ));

    let wasm_hash = content_hash(unnamed.main_wasm);
    let link_hash = content_hash(
        [
            link_js.as_bytes(),
            unnamed.main_js.as_bytes(),
            wasm_hash.as_bytes(),
        ]
        .concat()
        .as_slice(),
    );
    let link_file = format!("__wasm_split.{link_hash}.js");
    let main_js = rename_import(unnamed.main_js, LINK_PLACEHOLDER, &link_file);
    // A main script still importing the placeholder would load no chunk at all, and only
    // a browser would notice: refuse the build instead.
    if !unnamed.chunks.is_empty() && !main_js.contains(&format!("./{link_file}")) {
        return Err(Failure(format!(
            "the main script does not import the split loader ./{LINK_PLACEHOLDER}: \
             wasm-bindgen's output changed"
        )));
    }
    let js_hash = content_hash(main_js.as_bytes());
    let main_js_file = format!("{OUTPUT_NAME}.{js_hash}.js");
    let link_js = rename_import(&link_js, &format!("{OUTPUT_NAME}.js"), &main_js_file);
    files.push((main_js_file, main_js.into_bytes()));
    files.push((link_file, link_js.into_bytes()));
    files.push((
        format!("{OUTPUT_NAME}.{wasm_hash}.wasm"),
        unnamed.main_wasm.to_vec(),
    ));
    Ok(Named {
        files,
        hashes: vec![
            ("js", js_hash),
            ("wasm", wasm_hash),
            ("manifest", manifest_hash),
            ("split", link_hash),
        ],
        chunk_files,
    })
}

/// Rewrites `import … from "./<old>"` (either quote) to `./<new>`. Only import specifiers
/// change: the wasm names its import module by the placeholder, and the object wasm-bindgen
/// passes to it keeps that key.
fn rename_import(js: &str, old: &str, new: &str) -> String {
    let mut out = js.to_string();
    for quote in ['"', '\''] {
        out = out.replace(
            &format!("from {quote}./{old}{quote}"),
            &format!("from {quote}./{new}{quote}"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(main_js: &str, chunk: &[u8]) -> Named {
        let chunks = vec![("split_threads".to_string(), chunk.to_vec())];
        let prefetch_map =
            BTreeMap::from([("threads".to_string(), vec!["split_threads".to_string()])]);
        name(&Unnamed {
            main_js,
            main_wasm: b"main",
            chunks: &chunks,
            link_js: "import { initSync } from \"./kakehashi.js\";\n\
                      const l = makeLoad(new URL(\"./split_threads.wasm\", import.meta.url));",
            prefetch_map: &prefetch_map,
        })
        .expect("the fixture has every name the loader needs")
    }

    fn file<'a>(named: &'a Named, prefix: &str) -> (&'a str, String) {
        let (name, bytes) = named
            .files
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .expect("the file is written");
        (name, String::from_utf8_lossy(bytes).into_owned())
    }

    const MAIN_JS: &str =
        "import * as import1 from \"./__wasm_split.______________________.js\";\n\
                           imports['./__wasm_split.______________________.js'] = import1;";

    #[test]
    fn each_file_names_the_others_by_their_final_names() {
        let named = build(MAIN_JS, b"chunk");
        let (link_name, link) = file(&named, "__wasm_split.");
        let (main_name, main) = file(&named, "kakehashi.");
        let (chunk_name, _) = file(&named, "split_threads.");
        assert!(main.contains(&format!("from \"./{link_name}\"")), "{main}");
        // The import object's key is the wasm's own import module name: unchanged.
        assert!(main.contains(&format!("imports['./{LINK_PLACEHOLDER}']")));
        assert!(link.contains(&format!("from \"./{main_name}\"")), "{link}");
        assert!(link.contains(&format!("\"./{chunk_name}\"")), "{link}");
        let (_, manifest) = file(&named, "__wasm_split_manifest.");
        let stem = chunk_name.trim_end_matches(".wasm");
        assert!(manifest.contains(stem), "{manifest}");
        assert_eq!(named.chunk_files, [chunk_name]);
        let kinds: Vec<_> = named.hashes.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, ["js", "wasm", "manifest", "split"]);
    }

    #[test]
    fn a_change_in_a_chunk_or_the_main_script_renames_both_scripts() {
        let base = build(MAIN_JS, b"chunk");
        let chunk_changed = build(MAIN_JS, b"chunk, changed");
        let main_changed = build(&format!("{MAIN_JS}\n// changed"), b"chunk");
        for other in [&chunk_changed, &main_changed] {
            assert_ne!(file(&base, "kakehashi.").0, file(other, "kakehashi.").0);
            assert_ne!(
                file(&base, "__wasm_split.").0,
                file(other, "__wasm_split.").0
            );
        }
        let again = build(MAIN_JS, b"chunk");
        assert_eq!(file(&base, "kakehashi.").0, file(&again, "kakehashi.").0);
    }

    #[test]
    fn a_main_script_that_does_not_import_the_loader_is_refused() {
        let chunks = vec![("split_threads".to_string(), b"x".to_vec())];
        let refused = name(&Unnamed {
            main_js: "import * as import1 from \"./elsewhere.js\";",
            main_wasm: b"main",
            chunks: &chunks,
            link_js: "import { initSync } from \"./kakehashi.js\";\n\
                      makeLoad(new URL(\"./split_threads.wasm\", import.meta.url));",
            prefetch_map: &BTreeMap::new(),
        });
        assert!(refused
            .err()
            .is_some_and(|failure| failure.to_string().contains("split loader")));
    }

    #[test]
    fn a_loader_that_does_not_fetch_a_chunk_is_refused() {
        let chunks = vec![("split_other".to_string(), b"x".to_vec())];
        let refused = name(&Unnamed {
            main_js: MAIN_JS,
            main_wasm: b"main",
            chunks: &chunks,
            link_js: "import { initSync } from \"./kakehashi.js\";",
            prefetch_map: &BTreeMap::new(),
        });
        assert!(refused.is_err());
    }
}

//! Links the wasm with its relocations kept (`--emit-relocs`): `cargo xtask site` splits
//! the module into the first page and lazily loaded feature chunks
//! (`wasm_split_cli_support`), and the splitter needs them to move code between modules.
//! Native builds of this crate (clippy, tests) are left alone.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-cdylib=--emit-relocs");
    }
}

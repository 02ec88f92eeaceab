//! Generates the types of `api/external.codegen.yaml` into `OUT_DIR`, as a user's crate would.

fn main() {
    if let Err(rendered) = generator::Builder::new("api/external.codegen.yaml").generate() {
        eprintln!("{rendered}");
        std::process::exit(1);
    }
}

//! The `matchtour` command: serve | demo | migrate | worker | solve.

fn main() -> anyhow::Result<()> {
    matchtour::cli::main()
}

//! The `vitte-buildkit` binary.

fn main() -> std::process::ExitCode {
    vitte_buildkit::cli::main()
}

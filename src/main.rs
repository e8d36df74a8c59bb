#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    raft_playground::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {
    raft_playground::ui::start();
}

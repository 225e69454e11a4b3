//! portsignal's binary: parse the command line, run it, and end with one clear line on failure.

use clap::Parser;
use std::process::ExitCode;

// Imports allocate and free millions of small strings; mimalloc does that in about half the
// time of glibc's allocator (see README, "Figures").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    match portsignal::cli::run(portsignal::config::Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` joins the causes with ": "; keep it to one line whatever they contain.
            eprintln!("portsignal: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

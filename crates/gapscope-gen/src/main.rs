//! `gapscope-gen`: the command line over [`gapscope_gen::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    match gapscope_gen::run(std::env::args_os()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast::<clap::Error>() {
            // Usage errors, --help and --version: clap prints them and exits with 2 or 0, as `parse` did.
            Ok(usage) => usage.exit(),
            // What `fn main() -> anyhow::Result<()>` printed before: the error and its causes, exit 1.
            Err(err) => {
                eprintln!("Error: {err:?}");
                ExitCode::FAILURE
            }
        },
    }
}

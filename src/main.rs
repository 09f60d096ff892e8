//! The `gapscope` binary: parse the command line, run, map the outcome to an exit code
//! (0 done, 1 `--fail-on` met, 2 usage error or unreadable evidence root).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gapscope::cli::Cli::parse();
    match gapscope::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // A closed pipe (`gapscope checks | head`) is the reader's choice, not a failure.
            if error.chain().any(|e| {
                e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Error chains name evidence files and quote their content: shown escaped (no escape
            // sequence reaches the terminal), continuation lines indented.
            eprintln!("gapscope: error: {}", gapscope::escape_for_terminal(&format!("{error:#}")));
            ExitCode::from(2)
        }
    }
}

//! `essor`: see, connect and support the social and solidarity economy in the priority
//! neighbourhoods. This crate only parses arguments, draws progress bars and prints French
//! messages; the work lives in the library crates (`essor-geo`, `essor-refdata`…).

mod args;
mod atomic;
mod commands;
mod points;
mod progress;
mod qpv_source;
mod text;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`essor … | head`) is not an error worth a message.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("essor : erreur : {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  cause : {cause}");
            }
            ExitCode::from(2)
        }
    }
}

//! `gamme-migrate`: applies pending migrations and sets the services' role passwords
//! ([`gamme_service_kit::migrate`]).

fn main() -> std::process::ExitCode {
    gamme_service_kit::migrate::main()
}

//! `gamme-auth`: users, sign-in, tokens and JWKS.

fn main() -> std::process::ExitCode {
    gamme_service_kit::main::<gamme_auth::Auth>()
}

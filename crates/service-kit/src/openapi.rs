//! What every service's OpenAPI document shares: the bearer-token scheme, and the check that
//! the copy committed under `docs/openapi/` (the web UI's client is generated from it) is current.

use utoipa::{
    openapi::{
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, Ref, RefOr, ResponseBuilder, Responses,
    },
    Modify,
};

/// Declares the `bearer` security scheme (a JWT access token) the routes refer to, and on
/// every operation that takes a token the 403 `password_change_required` the token extractor
/// answers while the account still has a temporary password.
pub struct BearerAuth;

/// The operations that serve a pending password change rather than refuse it.
const SERVE_PASSWORD_CHANGE: [&str; 2] = ["/api/auth/me", "/api/auth/me/password"];

const PASSWORD_CHANGE_REQUIRED: &str =
    "`password_change_required`: the account still has its temporary password and must change it first";

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        for (path, item) in openapi.paths.paths.iter_mut() {
            if SERVE_PASSWORD_CHANGE.contains(&path.as_str()) {
                continue;
            }
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in operations.into_iter().flatten() {
                let takes_token = op
                    .security
                    .iter()
                    .flatten()
                    .any(|requirement| serde_json::to_value(requirement).is_ok_and(|v| v.get("bearer").is_some()));
                if takes_token {
                    declare_password_change_required(&mut op.responses);
                }
            }
        }
    }
}

fn declare_password_change_required(responses: &mut Responses) {
    match responses.responses.get_mut("403") {
        Some(RefOr::T(existing)) => {
            if !existing.description.contains("password_change_required") {
                existing.description = if existing.description.is_empty() {
                    PASSWORD_CHANGE_REQUIRED.to_owned()
                } else {
                    format!("{}; or {PASSWORD_CHANGE_REQUIRED}", existing.description)
                };
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let problem = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
            let response = ResponseBuilder::new()
                .description(PASSWORD_CHANGE_REQUIRED)
                .content("application/problem+json", problem);
            responses.responses.insert("403".to_owned(), RefOr::T(response.build()));
        }
    }
}

/// For tests: panics when `docs/openapi/<name>.json` differs from `document`; with
/// `GAMME_UPDATE_OPENAPI` set, rewrites it first.
pub fn assert_committed(name: &str, document: &utoipa::openapi::OpenApi) {
    // Client generators (the web UI's among them) refuse a document whose operations share an id.
    let mut ids = std::collections::HashSet::new();
    for (path, item) in &document.paths.paths {
        let operations = [&item.get, &item.put, &item.post, &item.delete, &item.patch];
        let templated: Vec<&str> = path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
        for op in operations.into_iter().flatten() {
            if let Some(id) = op.operation_id.as_deref() {
                assert!(ids.insert(id.to_owned()), "operationId `{id}` of {path} is used twice in the {name} API");
            }
            // An undeclared path parameter makes typed clients refuse to fill it in.
            for var in &templated {
                let declared = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.name == *var && matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path));
                assert!(declared, "{path} does not declare its path parameter `{var}` in the {name} API");
            }
        }
    }
    let path = format!("{}/../../docs/openapi/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let generated = serde_json::to_string_pretty(document).expect("an OpenAPI document serialises") + "\n";
    if std::env::var("GAMME_UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).expect("docs/openapi is writable");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi/{name}.json is stale: run `GAMME_UPDATE_OPENAPI=1 cargo nextest run --workspace openapi`"
    );
}

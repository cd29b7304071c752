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
/// every operation what the kit answers whatever the handler does (see [`declare_kit_answers`]):
/// the token extractor's 401, and its 403 `password_change_required` while the account still has
/// a temporary password; the extractors' 400, 404, 413 and 415. Errors are declared as
/// `application/problem+json`, as they are sent.
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
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in operations.into_iter().flatten() {
                declare_kit_answers(op);
            }
        }
    }
}

/// What the kit itself answers on an operation, declared where the handler's own list lacks
/// it: 401 when it takes a token; 400 when it has a path, query or body to read; 404 when its
/// path names something; 413 and 415 for a body that is too large or not JSON. And every
/// problem, the handler's too, as `application/problem+json`.
fn declare_kit_answers(op: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::ParameterIn;
    let takes_token = op
        .security
        .iter()
        .flatten()
        .any(|requirement| serde_json::to_value(requirement).is_ok_and(|v| v.get("bearer").is_some()));
    let params = op.parameters.iter().flatten();
    let has_path = params.clone().any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_query = params.clone().any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_json_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(problem_response(description)));
    };
    if takes_token {
        add("401", "`unauthorized`: no valid access token (missing, expired, revoked, or its account deactivated)");
    }
    if has_path || has_query || has_json_body {
        add("400", "`invalid_path`, `invalid_query`, `invalid_json`, `invalid_body` or a rule of the operation");
    }
    if has_path {
        add("404", "`not_found`: nothing of that id (or nothing the caller may see)");
    }
    if has_json_body {
        add("413", "`payload_too_large`: the body is over the service's limit");
        add("415", "`unsupported_media_type`: the body is not `application/json`");
    }
    for response in op.responses.responses.values_mut() {
        let RefOr::T(response) = response else { continue };
        let is_problem = response.content.get("application/json").is_some_and(|c| {
            serde_json::to_value(&c.schema).is_ok_and(|v| v["$ref"] == "#/components/schemas/Problem")
        });
        if is_problem {
            if let Some(content) = response.content.shift_remove("application/json") {
                response.content.insert("application/problem+json".to_owned(), content);
            }
        }
    }
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    let problem = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
    ResponseBuilder::new().description(description).content("application/problem+json", problem).build()
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
            responses.responses.insert("403".to_owned(), RefOr::T(problem_response(PASSWORD_CHANGE_REQUIRED)));
        }
    }
}

/// Says `additionalProperties: false` on each variant of the named schemas: serde's
/// `deny_unknown_fields` on an internally tagged enum refuses unknown fields in every variant,
/// which utoipa does not carry over (it does for structs). `modifiers(&ClosedVariants(&["JobInput"]))`.
pub struct ClosedVariants(pub &'static [&'static str]);

impl Modify for ClosedVariants {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else { return };
        for name in self.0 {
            let Some(schema) = components.schemas.get_mut(*name) else { continue };
            let Ok(mut value) = serde_json::to_value(&*schema) else { continue };
            for variant in value["oneOf"].as_array_mut().into_iter().flatten() {
                if variant["type"] == "object" {
                    variant["additionalProperties"] = serde_json::Value::Bool(false);
                }
            }
            if let Ok(closed) = serde_json::from_value(value) {
                *schema = closed;
            }
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

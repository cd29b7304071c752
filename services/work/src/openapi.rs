//! The work service's OpenAPI document, served at `/api/work/openapi.json` and committed at
//! `docs/openapi/work.json`, from which the web UI's client is generated.
//! Its description holds the table of who may call what.

use gamme_service_kit::openapi::BearerAuth;
use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gamme work",
        description = "Maintenance plans (time and meter), work orders, teams, follow-ups from runs, what is due, labels.\n\n\
Who may call what (every route needs a signed-in user):\n\n\
| | admin, editor | technician | viewer |\n\
|---|---|---|---|\n\
| read orders, board, calendar, my work | all | his own and his teams' | all |\n\
| make, edit, assign, accept, cancel orders | yes | no | no |\n\
| start, complete (by hand), comment an order | yes | his own and his teams' | no |\n\
| plans, teams, meters, meter sources, site and procedure settings | change and read | read | read |\n\
| record a meter reading | yes | yes | no |\n\
| compliance, labels, asset work, people | read | read | read |\n\
| notifications and their preferences | their own | their own | their own |\n\
| webhooks and their deliveries | admins only | no | no |\n\n\
Webhooks are signed as the Standard Webhooks spec says: headers `webhook-id` (the event's id, the same on every try), \
`webhook-timestamp` (Unix seconds of the try) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256, keyed with the base64-decoded \
part of the secret after `whsec_`, of `{webhook-id}.{webhook-timestamp}.{body}`). Any 2xx delivers; anything else is retried with \
backoff (30 s doubling to 2 h) for a day. Redirects are not followed.\n\n\
An order with a procedure starts with a run: `POST /api/runs` with `work_order_id`; it is done when the run is signed off."
    ),
    paths(
        routes::orders::list,
        routes::orders::create,
        routes::orders::get,
        routes::orders::update,
        routes::orders::accept,
        routes::orders::cancel,
        routes::orders::start,
        routes::orders::complete,
        routes::orders::comment,
        routes::due::me,
        routes::due::board,
        routes::due::calendar,
        routes::due::compliance,
        routes::teams::list,
        routes::teams::create,
        routes::teams::get,
        routes::teams::update,
        routes::teams::delete,
        routes::teams::add_member,
        routes::teams::remove_member,
        routes::people::list,
        routes::plans::list,
        routes::plans::create,
        routes::plans::get,
        routes::plans::update,
        routes::plans::pause,
        routes::plans::resume,
        routes::meters::list,
        routes::meters::create,
        routes::meters::get,
        routes::meters::readings,
        routes::meters::record,
        routes::meters::set_sources,
        routes::assets::work,
        routes::assets::set_team,
        routes::assets::labels,
        routes::settings::get_site,
        routes::settings::set_site,
        routes::settings::get_procedure,
        routes::settings::set_procedure,
        routes::notifications::list,
        routes::notifications::read,
        routes::notifications::read_all,
        routes::notifications::preferences,
        routes::notifications::set_preferences,
        routes::webhooks::list,
        routes::webhooks::create,
        routes::webhooks::get,
        routes::webhooks::update,
        routes::webhooks::delete,
        routes::webhooks::deliveries,
        routes::webhooks::retry,
    ),
    components(schemas(gamme_service_kit::Problem)),
    modifiers(&BearerAuth),
)]
struct WorkApi;

pub fn document() -> utoipa::openapi::OpenApi {
    WorkApi::openapi()
}

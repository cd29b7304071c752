//! `/api/work/people`: the people work can be assigned to (for pickers).

use actix_web::{web, HttpResponse};
use gamme_auth_token::{AuthUser, Roles};
use gamme_db::users::{Person, Role};
use gamme_service_kit::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{error::WorkError, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/people", web::get().to(list));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Part of a name or an email.
    pub q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PeopleList {
    pub items: Vec<Person>,
}

/// Active people who can be assigned work (not viewers), by name; at most 100.
#[utoipa::path(operation_id = "work_people", get, path = "/api/work/people", tag = "teams", params(PeopleQuery), security(("bearer" = [])),
    responses((status = 200, body = PeopleList), (status = 401, body = Problem)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<PeopleQuery>,
) -> Result<HttpResponse, Problem> {
    // The pickers of those who assign work. Everyone's email and role is not a viewer's or a
    // technician's to list (auth lists users to admins only).
    user.require(Roles::EDITORS)?;
    let q = query.into_inner().q;
    let items = state
        .store
        .read(move |c| {
            let people = Person::active(c, q.as_deref(), 200)?;
            Ok::<_, WorkError>(people.into_iter().filter(|p| p.role != Role::Viewer).take(100).collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(PeopleList { items }))
}

//! What an order or a plan names in other services' tables (an asset and its site, a
//! procedure, a person), checked before it is stored.

use diesel::prelude::*;
use gamme_db::{
    asset_tree::AssetNode,
    procedure_refs::ProcedureRef,
    schema::teams,
    users::{Person, Role},
};
use uuid::Uuid;

use crate::error::{Result, WorkError};

/// 400 unless `id` is an active person who can work on orders (not a viewer).
pub fn check_assignee(conn: &mut PgConnection, id: Uuid) -> Result<Person> {
    match Person::find(conn, id)? {
        Some(p) if p.is_active && p.role != Role::Viewer => Ok(p),
        Some(p) if p.is_active => {
            Err(WorkError::invalid(format!("{} is a viewer and cannot be assigned work.", p.display_name)))
        }
        _ => Err(WorkError::invalid("The assignee is not an active user.")),
    }
}

/// An asset and its site, checked for a new order or plan.
pub fn asset_and_site(conn: &mut PgConnection, asset_id: Uuid) -> Result<(AssetNode, AssetNode)> {
    let path = AssetNode::path_up(conn, asset_id)?;
    let (Some(asset), Some(site)) = (path.first().cloned(), path.last().cloned()) else {
        return Err(WorkError::NotFound("asset"));
    };
    if asset.archived_at.is_some() {
        return Err(WorkError::conflict("asset_archived", "This asset is archived."));
    }
    Ok((asset, site))
}

/// A procedure named for an order or plan: it must exist and not be archived.
pub fn procedure(conn: &mut PgConnection, id: Uuid) -> Result<ProcedureRef> {
    match ProcedureRef::find(conn, id)? {
        Some(p) if !p.archived => Ok(p),
        Some(_) => Err(WorkError::conflict("procedure_archived", "This procedure is archived.")),
        None => Err(WorkError::NotFound("procedure")),
    }
}

/// Names of teams for views.
pub fn team_names(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, String)>> {
    teams::table.filter(teams::id.eq_any(ids)).select((teams::id, teams::name)).load(conn)
}

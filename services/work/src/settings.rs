//! What work keeps per site (its time zone) and per procedure (what a failed check in one of its
//! runs gives).

use chrono_tz::Tz;
use diesel::prelude::*;
use gamme_db::{
    asset_tree::{AssetKind, AssetNode},
    schema::{procedure_settings, site_settings},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{Result, WorkError};

gamme_db::text_enum! {
    /// After a completed run with a failed check or an out-of-limit reading: `propose` a
    /// corrective order for someone to accept or dismiss, `create` it open, or do nothing.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum FollowUpMode {
        #[default]
        Propose,
        Create,
        Off,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// IANA name, e.g. `Europe/Paris`. Plans on the site's assets fall due at their local time
    /// of day there.
    pub time_zone: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteSettingsView {
    pub site_id: Uuid,
    pub time_zone: String,
    /// No zone of its own: the service's default (`GAMME_TIME_ZONE`).
    pub is_default: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureSettings {
    pub follow_up: FollowUpMode,
}

/// The time zone of `site_id`, or `default`.
pub fn time_zone(conn: &mut PgConnection, site_id: Uuid, default: Tz) -> QueryResult<Tz> {
    let zone: Option<String> =
        site_settings::table.find(site_id).select(site_settings::time_zone).first(conn).optional()?;
    Ok(zone.and_then(|z| z.parse().ok()).unwrap_or(default))
}

/// The time zones of the sites that have one.
pub fn time_zones(conn: &mut PgConnection) -> QueryResult<Vec<(Uuid, Tz)>> {
    let rows: Vec<(Uuid, String)> =
        site_settings::table.select((site_settings::site_id, site_settings::time_zone)).load(conn)?;
    Ok(rows.into_iter().filter_map(|(site, zone)| zone.parse().ok().map(|z| (site, z))).collect())
}

fn site(conn: &mut PgConnection, site_id: Uuid) -> Result<AssetNode> {
    match AssetNode::find(conn, site_id)? {
        Some(a) if a.kind == AssetKind::Site => Ok(a),
        Some(_) => Err(WorkError::invalid("Time zones are set on sites; this asset is not a site.")),
        None => Err(WorkError::NotFound("site")),
    }
}

pub fn site_settings(conn: &mut PgConnection, site_id: Uuid, default: Tz) -> Result<SiteSettingsView> {
    site(conn, site_id)?;
    let own: Option<String> =
        site_settings::table.find(site_id).select(site_settings::time_zone).first(conn).optional()?;
    Ok(SiteSettingsView {
        site_id,
        is_default: own.is_none(),
        time_zone: own.unwrap_or_else(|| default.name().to_owned()),
    })
}

pub fn set_site_settings(conn: &mut PgConnection, site_id: Uuid, input: SiteSettings) -> Result<SiteSettingsView> {
    site(conn, site_id)?;
    let zone: Tz = input.time_zone.trim().parse().map_err(|_| {
        WorkError::invalid(format!("`{}` is not an IANA time zone name such as Europe/Paris.", input.time_zone.trim()))
    })?;
    diesel::insert_into(site_settings::table)
        .values((site_settings::site_id.eq(site_id), site_settings::time_zone.eq(zone.name())))
        .on_conflict(site_settings::site_id)
        .do_update()
        .set((site_settings::time_zone.eq(zone.name()), site_settings::updated_at.eq(crate::now())))
        .execute(conn)?;
    Ok(SiteSettingsView { site_id, time_zone: zone.name().to_owned(), is_default: false })
}

pub fn follow_up_mode(conn: &mut PgConnection, procedure_id: Uuid) -> QueryResult<FollowUpMode> {
    let mode: Option<FollowUpMode> =
        procedure_settings::table.find(procedure_id).select(procedure_settings::follow_up).first(conn).optional()?;
    Ok(mode.unwrap_or_default())
}

pub fn set_procedure_settings(
    conn: &mut PgConnection,
    procedure_id: Uuid,
    input: ProcedureSettings,
) -> Result<ProcedureSettings> {
    crate::refs::procedure(conn, procedure_id)?;
    diesel::insert_into(procedure_settings::table)
        .values((procedure_settings::procedure_id.eq(procedure_id), procedure_settings::follow_up.eq(input.follow_up)))
        .on_conflict(procedure_settings::procedure_id)
        .do_update()
        .set((procedure_settings::follow_up.eq(input.follow_up), procedure_settings::updated_at.eq(crate::now())))
        .execute(conn)?;
    Ok(input)
}

//! The asset tree: sites hold areas, areas hold areas or equipment, equipment may hold
//! sub-equipment.

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_types};
use gamme_db::schema::assets;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ProcError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Site,
    Area,
    Equipment,
}

impl AssetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Site => "site",
            AssetKind::Area => "area",
            AssetKind::Equipment => "equipment",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "site" => AssetKind::Site,
            "area" => AssetKind::Area,
            _ => AssetKind::Equipment,
        }
    }

    /// Which kinds may hold this one.
    fn allowed_parents(self) -> &'static [AssetKind] {
        match self {
            AssetKind::Site => &[],
            AssetKind::Area => &[AssetKind::Site, AssetKind::Area],
            AssetKind::Equipment => &[AssetKind::Area, AssetKind::Equipment],
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = assets)]
pub struct Asset {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub location: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = assets)]
pub struct AssetInsertForm {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub location: Option<String>,
    pub created_by: Uuid,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = assets)]
pub struct AssetUpdateForm {
    pub parent_id: Option<Option<Uuid>>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub manufacturer: Option<Option<String>>,
    pub model: Option<Option<String>>,
    pub serial_number: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub archived_at: Option<Option<DateTime<Utc>>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetView {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: AssetKind,
    pub code: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub location: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Enough to show an asset beside something that points to it.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct AssetRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = sql_types::Uuid)]
    id: Uuid,
}

impl Asset {
    pub fn kind(&self) -> AssetKind {
        AssetKind::parse(&self.kind)
    }

    pub fn view(&self) -> AssetView {
        AssetView {
            id: self.id,
            parent_id: self.parent_id,
            kind: self.kind(),
            code: self.code.clone(),
            name: self.name.clone(),
            manufacturer: self.manufacturer.clone(),
            model: self.model.clone(),
            serial_number: self.serial_number.clone(),
            location: self.location.clone(),
            archived: self.archived_at.is_some(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        assets::table.find(id).select(Asset::as_select()).first(conn).optional()?.ok_or(ProcError::NotFound("asset"))
    }

    pub fn code_taken(conn: &mut PgConnection, code: &str, except: Option<Uuid>) -> QueryResult<bool> {
        let mut q = assets::table.filter(assets::code.eq(code)).into_boxed();
        if let Some(id) = except {
            q = q.filter(assets::id.ne(id));
        }
        diesel::select(diesel::dsl::exists(q)).get_result(conn)
    }

    /// Children of `parent` (roots when `None`), by code.
    pub fn children(conn: &mut PgConnection, parent: Option<Uuid>, include_archived: bool) -> QueryResult<Vec<Self>> {
        let mut q = assets::table.select(Asset::as_select()).order(assets::code.asc()).into_boxed();
        q = match parent {
            Some(p) => q.filter(assets::parent_id.eq(p)),
            None => q.filter(assets::parent_id.is_null()),
        };
        if !include_archived {
            q = q.filter(assets::archived_at.is_null());
        }
        q.load(conn)
    }

    /// From the root down to this asset's parent.
    pub fn ancestors(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Self>> {
        let ids: Vec<IdRow> = diesel::sql_query(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
                 SELECT a.id, a.parent_id, 0 FROM assets a WHERE a.id = $1 \
                 UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM assets p JOIN up ON p.id = up.parent_id) \
             SELECT id FROM up WHERE depth > 0 ORDER BY depth DESC",
        )
        .bind::<sql_types::Uuid, _>(id)
        .load(conn)?;
        let ids: Vec<Uuid> = ids.into_iter().map(|r| r.id).collect();
        let mut found: Vec<Asset> =
            assets::table.filter(assets::id.eq_any(&ids)).select(Asset::as_select()).load(conn)?;
        found.sort_by_key(|a| ids.iter().position(|i| *i == a.id));
        Ok(found)
    }

    /// The asset and everything under it.
    pub fn subtree_ids(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Uuid>> {
        let rows: Vec<IdRow> = diesel::sql_query(
            "WITH RECURSIVE down(id) AS (SELECT $1::uuid UNION SELECT a.id FROM assets a JOIN down ON a.parent_id = down.id) \
             SELECT id FROM down",
        )
        .bind::<sql_types::Uuid, _>(id)
        .load(conn)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// Checks that `parent` may hold an asset of `kind` (and, on a move, is not inside it).
    pub fn check_parent(
        conn: &mut PgConnection,
        kind: AssetKind,
        parent: Option<Uuid>,
        moving: Option<Uuid>,
    ) -> Result<()> {
        let allowed = kind.allowed_parents();
        let Some(parent_id) = parent else {
            return if allowed.is_empty() {
                Ok(())
            } else {
                Err(ProcError::invalid(format!("An asset of kind {} needs a parent.", kind.as_str())))
            };
        };
        if allowed.is_empty() {
            return Err(ProcError::invalid("A site is a root: it cannot have a parent."));
        }
        let parent =
            Asset::find(conn, parent_id).map_err(|_| ProcError::invalid("The parent asset does not exist."))?;
        if parent.archived_at.is_some() {
            return Err(ProcError::conflict("asset_archived", "The parent asset is archived."));
        }
        if !allowed.contains(&parent.kind()) {
            let names: Vec<_> = allowed.iter().map(|k| k.as_str()).collect();
            return Err(ProcError::invalid(format!(
                "An asset of kind {} must sit under a {}, not under a {}.",
                kind.as_str(),
                names.join(" or "),
                parent.kind
            )));
        }
        if let Some(moving) = moving {
            if Asset::subtree_ids(conn, moving)?.contains(&parent_id) {
                return Err(ProcError::invalid("An asset cannot move under itself or one of its own children."));
            }
        }
        Ok(())
    }

    pub fn refs(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<AssetRef>> {
        assets::table
            .filter(assets::id.eq_any(ids))
            .select((assets::id, assets::code, assets::name))
            .order(assets::code.asc())
            .load(conn)
    }
}

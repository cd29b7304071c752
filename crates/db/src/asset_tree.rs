//! What services other than procedures read of the asset tree (procedures owns `assets`): an
//! asset's place in the tree, its site, and everything under it.

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_types};
use uuid::Uuid;

use crate::schema::assets;

crate::text_enum! {
    /// Site → area → equipment (equipment may hold sub-equipment).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AssetKind {
        Site,
        Area,
        Equipment,
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = assets, check_for_backend(diesel::pg::Pg))]
pub struct AssetNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: AssetKind,
    pub code: String,
    pub name: String,
    pub archived_at: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = sql_types::Integer)]
    depth: i32,
}

impl AssetNode {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        assets::table.find(id).select(Self::as_select()).first(conn).optional()
    }

    pub fn find_many(conn: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Self>> {
        assets::table.filter(assets::id.eq_any(ids)).select(Self::as_select()).load(conn)
    }

    /// The asset and the ones above it, from the asset up to its site.
    pub fn path_up(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Self>> {
        let ranked: Vec<Ranked> = diesel::sql_query(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
                 SELECT a.id, a.parent_id, 0 FROM assets a WHERE a.id = $1 \
                 UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM assets p JOIN up ON p.id = up.parent_id) \
             SELECT id, depth FROM up",
        )
        .bind::<sql_types::Uuid, _>(id)
        .load(conn)?;
        Self::in_order(conn, ranked)
    }

    /// The site an asset belongs to (itself for a site); `None` when the asset does not exist.
    pub fn site_of(conn: &mut PgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        Ok(Self::path_up(conn, id)?.pop())
    }

    /// The asset and everything under it, each with its depth below the asset (0 for itself),
    /// parents before their children, siblings by code.
    pub fn subtree(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<(Self, i32)>> {
        let ranked: Vec<Ranked> = diesel::sql_query(
            "WITH RECURSIVE down(id, depth, path) AS ( \
                 SELECT a.id, 0, ARRAY[a.code] FROM assets a WHERE a.id = $1 \
                 UNION ALL SELECT c.id, down.depth + 1, down.path || c.code FROM assets c JOIN down ON c.parent_id = down.id) \
             SELECT id, depth FROM down ORDER BY path",
        )
        .bind::<sql_types::Uuid, _>(id)
        .load(conn)?;
        let depths: Vec<i32> = ranked.iter().map(|r| r.depth).collect();
        Ok(Self::in_order(conn, ranked)?.into_iter().zip(depths).collect())
    }

    fn in_order(conn: &mut PgConnection, ranked: Vec<Ranked>) -> QueryResult<Vec<Self>> {
        let ids: Vec<Uuid> = ranked.iter().map(|r| r.id).collect();
        let mut found = Self::find_many(conn, &ids)?;
        found.sort_by_key(|a| ids.iter().position(|i| *i == a.id));
        Ok(found)
    }
}

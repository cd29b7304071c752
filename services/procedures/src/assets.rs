//! The asset tree: sites hold areas, areas hold areas or equipment, equipment may hold
//! sub-equipment.

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_types};
use gamme_auth_token::AuthUser;
use gamme_bus::{outbox, Envelope, Event};
use gamme_db::schema::assets;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    audit::{AuditEntity, AuditEvent, Audited},
    error::{ProcError, Result},
    validate,
};

gamme_db::text_enum! {
    // Sites hold areas; areas hold areas or equipment; equipment may hold sub-equipment.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AssetKind {
        Site,
        Area,
        Equipment,
    }
}

impl AssetKind {
    /// Which kinds may hold this one.
    fn allowed_parents(self) -> &'static [AssetKind] {
        match self {
            AssetKind::Site => &[],
            AssetKind::Area => &[AssetKind::Site, AssetKind::Area],
            AssetKind::Equipment => &[AssetKind::Area, AssetKind::Equipment],
        }
    }
}

// An asset as stored and as the API shows it (`archived` rather than when, and not who
// created it); named `AssetView` in the API, as before.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = assets)]
#[schema(as = AssetView)]
pub struct Asset {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: AssetKind,
    pub code: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub location: Option<String>,
    #[serde(rename = "archived", serialize_with = "is_set")]
    #[schema(value_type = bool)]
    pub archived_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn is_set<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bool(at.is_some())
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAsset {
    pub kind: AssetKind,
    pub parent_id: Option<Uuid>,
    #[schema(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub code: String,
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    #[schema(max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub manufacturer: Option<String>,
    #[schema(max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub model: Option<String>,
    #[schema(max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub serial_number: Option<String>,
    #[schema(max_length = 500, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub location: Option<String>,
}

/// Absent fields stay; `null` clears an optional one. `parent_id` moves the asset.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    #[schema(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    pub code: Option<String>,
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub manufacturer: Option<Option<String>>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub model: Option<Option<String>>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub serial_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "validate::nullable")]
    #[schema(value_type = Option<String>, max_length = 500, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub location: Option<Option<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetDetail {
    #[serde(flatten)]
    pub asset: Asset,
    /// From the site down to the parent.
    pub ancestors: Vec<Asset>,
    pub children: Vec<Asset>,
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

impl Audited for Asset {
    fn entity(&self) -> AuditEntity {
        AuditEntity::Asset
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn procedure_id(&self) -> Option<Uuid> {
        None
    }
}

impl Asset {
    /// Creates an asset where the tree allows it, under a code no other asset has.
    pub fn create(conn: &mut PgConnection, actor: &AuthUser, input: CreateAsset) -> Result<Self> {
        let now = gamme_db::clock::now();
        let asset = Asset {
            id: Uuid::now_v7(),
            parent_id: input.parent_id,
            kind: input.kind,
            code: validate::code("code", &input.code)?,
            name: validate::required_text("name", &input.name, 200)?,
            manufacturer: validate::optional_text("manufacturer", input.manufacturer.as_deref(), 200)?,
            model: validate::optional_text("model", input.model.as_deref(), 200)?,
            serial_number: validate::optional_text("serial_number", input.serial_number.as_deref(), 200)?,
            location: validate::optional_text("location", input.location.as_deref(), 500)?,
            archived_at: None,
            created_by: actor.id,
            created_at: now,
            updated_at: now,
        };
        Asset::check_parent(conn, asset.kind, asset.parent_id, None)?;
        Asset::require_free_code(conn, &asset.code, None)?;
        diesel::insert_into(assets::table).values(&asset).execute(conn)?;
        asset.record(conn, actor, "asset.created", None)?;
        Ok(asset)
    }

    /// Edits or moves an asset; a move stays inside the tree's rules and never under itself.
    pub fn update(conn: &mut PgConnection, actor: &AuthUser, id: Uuid, input: UpdateAsset) -> Result<Self> {
        let form = AssetUpdateForm {
            parent_id: input.parent_id,
            code: input.code.as_deref().map(|c| validate::code("code", c)).transpose()?,
            name: input.name.as_deref().map(|n| validate::required_text("name", n, 200)).transpose()?,
            manufacturer: input
                .manufacturer
                .map(|v| validate::optional_text("manufacturer", v.as_deref(), 200))
                .transpose()?,
            model: input.model.map(|v| validate::optional_text("model", v.as_deref(), 200)).transpose()?,
            serial_number: input
                .serial_number
                .map(|v| validate::optional_text("serial_number", v.as_deref(), 200))
                .transpose()?,
            location: input.location.map(|v| validate::optional_text("location", v.as_deref(), 500)).transpose()?,
            archived_at: None,
            updated_at: Some(gamme_db::clock::now()),
        };
        let before = Asset::find(conn, id)?;
        if let Some(parent) = form.parent_id {
            Asset::check_parent(conn, before.kind, parent, Some(id))?;
        }
        if let Some(code) = &form.code {
            Asset::require_free_code(conn, code, Some(id))?;
        }
        diesel::update(assets::table.find(id)).set(&form).execute(conn)?;
        let after = Asset::find(conn, id)?;
        let moved = form.parent_id.is_some() && after.parent_id != before.parent_id;
        after.record(conn, actor, if moved { "asset.moved" } else { "asset.updated" }, Some(&before))?;
        Ok(after)
    }

    /// Archives an asset with no active children; archiving it again changes nothing.
    pub fn archive(conn: &mut PgConnection, actor: &AuthUser, id: Uuid) -> Result<Self> {
        let before = Asset::find(conn, id)?;
        if before.archived_at.is_some() {
            return Ok(before);
        }
        if !Asset::children(conn, Some(id), false)?.is_empty() {
            return Err(ProcError::conflict("asset_has_children", "Archive or move the assets under this one first."));
        }
        let now = gamme_db::clock::now();
        let form = AssetUpdateForm { archived_at: Some(Some(now)), updated_at: Some(now), ..Default::default() };
        diesel::update(assets::table.find(id)).set(&form).execute(conn)?;
        let after = Asset::find(conn, id)?;
        after.record(conn, actor, "asset.archived", Some(&before))?;
        Ok(after)
    }

    /// The audit entry of a change, and `asset.changed` for the replicas that show it.
    fn record(&self, conn: &mut PgConnection, actor: &AuthUser, action: &str, before: Option<&Asset>) -> Result<()> {
        AuditEvent::record(conn, actor.id, action, self, before.map(|a| json!(a)), Some(json!(self)))?;
        if before.is_some() {
            outbox::enqueue(conn, &Envelope::new(Event::AssetChanged { asset_id: self.id }, None))?;
        }
        Ok(())
    }

    /// One asset with its place in the tree.
    pub fn detail(conn: &mut PgConnection, id: Uuid) -> Result<AssetDetail> {
        let asset = Asset::find(conn, id)?;
        Ok(AssetDetail {
            asset,
            ancestors: Asset::ancestors(conn, id)?,
            children: Asset::children(conn, Some(id), false)?,
        })
    }

    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        assets::table.find(id).select(Asset::as_select()).first(conn).optional()?.ok_or(ProcError::NotFound("asset"))
    }

    /// 409 when another asset has `code`.
    fn require_free_code(conn: &mut PgConnection, code: &str, except: Option<Uuid>) -> Result<()> {
        let mut q = assets::table.filter(assets::code.eq(code)).into_boxed();
        if let Some(id) = except {
            q = q.filter(assets::id.ne(id));
        }
        if diesel::select(diesel::dsl::exists(q)).get_result(conn)? {
            return Err(ProcError::conflict("code_taken", format!("An asset with the code {code} exists.")));
        }
        Ok(())
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
    fn check_parent(
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
                Err(ProcError::invalid(format!("An asset of kind {kind} needs a parent.")))
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
        if !allowed.contains(&parent.kind) {
            let names: Vec<&str> = allowed.iter().map(<&'static str>::from).collect();
            return Err(ProcError::invalid(format!(
                "An asset of kind {kind} must sit under a {}, not under a {}.",
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

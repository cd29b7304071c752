//! Teams: named groups of people that orders are assigned to, and the team that looks after an
//! asset (inherited down the asset tree: an equipment without its own team has its area's, then
//! its site's).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_db::{
    asset_tree::AssetNode,
    schema::{asset_teams, plans, team_members, teams, work_orders},
    users::Person,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    orders::OrderStatus,
    plans::PlanStatus,
    text,
};

diesel::define_sql_function! {
    /// Team names are unique whatever their case (the `teams_name` index is on `lower(name)`).
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = teams, check_for_backend(diesel::pg::Pg))]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    #[schema(
        max_length = 100,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 2000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub description: String,
}

/// Absent fields stay.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    #[schema(
        max_length = 100,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub name: Option<String>,
    #[schema(max_length = 2000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    #[serde(flatten)]
    pub team: Team,
    pub members: Vec<Member>,
}

/// A member as a team lists them. Everyone may read teams; only those who assign work (editors,
/// admins) get the members' emails, as only they may list people (`/api/work/people`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub display_name: String,
    pub role: gamme_db::users::Role,
    pub is_active: bool,
    /// Editors and admins only.
    pub email: Option<String>,
}

/// The team looking after an asset, and the asset it was set on (the asset itself or one above).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetTeam {
    pub team_id: Uuid,
    pub team_name: String,
    pub set_on_asset_id: Uuid,
    /// Set on this asset itself, rather than inherited from one above it.
    pub own: bool,
}

impl Team {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        teams::table.find(id).select(Self::as_select()).first(conn).optional()?.ok_or(WorkError::NotFound("team"))
    }

    pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Self>> {
        teams::table.order(teams::name.asc()).select(Self::as_select()).load(conn)
    }

    fn name_taken(conn: &mut PgConnection, name: &str, except: Option<Uuid>) -> QueryResult<bool> {
        let mut q = teams::table.filter(lower(teams::name).eq(lower(name))).select(teams::id).into_boxed();
        if let Some(id) = except {
            q = q.filter(teams::id.ne(id));
        }
        Ok(q.first::<Uuid>(conn).optional()?.is_some())
    }

    pub fn create(conn: &mut PgConnection, input: TeamInput) -> Result<Self> {
        let name = text::required("name", &input.name, 100)?;
        if Self::name_taken(conn, &name, None)? {
            return Err(WorkError::conflict("team_name_taken", format!("There is already a team named {name}.")));
        }
        let now = crate::now();
        let team = Team {
            id: Uuid::now_v7(),
            name,
            description: text::bounded("description", input.description.trim(), 2000)?,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(teams::table).values(&team).execute(conn)?;
        Ok(team)
    }

    /// Deletes a team with no work waiting on it: no proposed, open or in-progress order and no
    /// active plan is assigned to it (those would lose their assignee without anyone noticing).
    /// Its memberships and the assets it looked after go with it; closed orders and paused plans
    /// keep no team.
    pub fn delete(conn: &mut PgConnection, id: Uuid) -> Result<()> {
        let team: Team = teams::table
            .find(id)
            .select(Team::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(WorkError::NotFound("team"))?;
        let orders: i64 = work_orders::table
            .filter(work_orders::team_id.eq(id))
            .filter(work_orders::status.eq_any([OrderStatus::Proposed, OrderStatus::Open, OrderStatus::InProgress]))
            .count()
            .get_result(conn)?;
        let active_plans: i64 = plans::table
            .filter(plans::team_id.eq(id))
            .filter(plans::status.eq(PlanStatus::Active))
            .count()
            .get_result(conn)?;
        if orders > 0 || active_plans > 0 {
            return Err(WorkError::conflict(
                "team_has_work",
                format!(
                    "{} still has {orders} order(s) to do and {active_plans} active plan(s): assign them to someone else (or pause the plans) first.",
                    team.name
                ),
            ));
        }
        diesel::delete(teams::table.find(id)).execute(conn)?;
        Ok(())
    }

    pub fn update(conn: &mut PgConnection, id: Uuid, patch: TeamPatch) -> Result<Self> {
        let mut team = Self::find(conn, id)?;
        if let Some(name) = patch.name {
            let name = text::required("name", &name, 100)?;
            if Self::name_taken(conn, &name, Some(id))? {
                return Err(WorkError::conflict("team_name_taken", format!("There is already a team named {name}.")));
            }
            team.name = name;
        }
        if let Some(description) = patch.description {
            team.description = text::bounded("description", description.trim(), 2000)?;
        }
        team.updated_at = crate::now();
        diesel::update(teams::table.find(id))
            .set((
                teams::name.eq(&team.name),
                teams::description.eq(&team.description),
                teams::updated_at.eq(team.updated_at),
            ))
            .execute(conn)?;
        Ok(team)
    }

    pub fn members(conn: &mut PgConnection, id: Uuid) -> QueryResult<Vec<Person>> {
        let ids: Vec<Uuid> =
            team_members::table.filter(team_members::team_id.eq(id)).select(team_members::user_id).load(conn)?;
        let mut people = Person::find_many(conn, &ids)?;
        people.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(people)
    }

    /// The team with its members, their emails only `with_emails`.
    pub fn view(self, conn: &mut PgConnection, with_emails: bool) -> QueryResult<TeamView> {
        let members = Self::members(conn, self.id)?
            .into_iter()
            .map(|p| Member {
                id: p.id,
                display_name: p.display_name,
                role: p.role,
                is_active: p.is_active,
                email: with_emails.then_some(p.email),
            })
            .collect();
        Ok(TeamView { team: self, members })
    }

    /// Adds an active person (not a viewer) to the team; adding a member again changes nothing.
    pub fn add_member(conn: &mut PgConnection, id: Uuid, user_id: Uuid) -> Result<()> {
        Self::find(conn, id)?;
        crate::refs::check_assignee(conn, user_id)?;
        diesel::insert_into(team_members::table)
            .values((team_members::team_id.eq(id), team_members::user_id.eq(user_id)))
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(())
    }

    pub fn remove_member(conn: &mut PgConnection, id: Uuid, user_id: Uuid) -> Result<()> {
        Self::find(conn, id)?;
        diesel::delete(
            team_members::table.filter(team_members::team_id.eq(id)).filter(team_members::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(())
    }
}

/// The team looking after `asset_id`: its own, else the nearest one above it.
pub fn team_of_asset(conn: &mut PgConnection, asset_id: Uuid) -> Result<Option<AssetTeam>> {
    let path = AssetNode::path_up(conn, asset_id)?;
    let ids: Vec<Uuid> = path.iter().map(|a| a.id).collect();
    let set: Vec<(Uuid, Uuid, String)> = asset_teams::table
        .inner_join(teams::table)
        .filter(asset_teams::asset_id.eq_any(&ids))
        .select((asset_teams::asset_id, teams::id, teams::name))
        .load(conn)?;
    Ok(ids.iter().find_map(|asset| {
        set.iter().find(|(a, _, _)| a == asset).map(|(a, team_id, team_name)| AssetTeam {
            team_id: *team_id,
            team_name: team_name.clone(),
            set_on_asset_id: *a,
            own: *a == asset_id,
        })
    }))
}

/// Sets (or, with `None`, removes) the team an asset itself has.
pub fn set_team_of_asset(conn: &mut PgConnection, asset_id: Uuid, team: Option<Uuid>) -> Result<()> {
    if AssetNode::find(conn, asset_id)?.is_none() {
        return Err(WorkError::NotFound("asset"));
    }
    match team {
        Some(team_id) => {
            Team::find(conn, team_id)?;
            diesel::insert_into(asset_teams::table)
                .values((asset_teams::asset_id.eq(asset_id), asset_teams::team_id.eq(team_id)))
                .on_conflict(asset_teams::asset_id)
                .do_update()
                .set((asset_teams::team_id.eq(team_id), asset_teams::updated_at.eq(crate::now())))
                .execute(conn)?;
        }
        None => {
            diesel::delete(asset_teams::table.find(asset_id)).execute(conn)?;
        }
    }
    Ok(())
}

//! In-app notifications: what a person hears of the orders that concern them. They are written
//! by [`crate::events::publish`] from the event it publishes, in the same transaction, so an
//! order assigned, falling due, overdue or proposed as a follow-up notifies exactly when its
//! event commits, once per person, order and kind (the table's unique key), with any number of
//! replicas. Those concerned are the order's assignee, else every member of its team; never the
//! person who made the change. A person may turn each kind off (`notification_preferences`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gamme_bus::{Event, WorkOrderSnapshot};
use gamme_db::{
    schema::{notification_languages, notification_preferences, notifications, team_members, work_orders},
    strum::VariantArray,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    emails::{self, Language},
    error::Result,
    events::Actor,
};

/// At most this many notifications in a list, newest first.
pub const LIST_LIMIT: i64 = 50;

gamme_db::text_enum! {
    /// What a notification is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum NotificationKind {
        /// An order was assigned to you or to your team.
        Assigned,
        /// An order of yours falls due within a day.
        DueSoon,
        /// An order of yours is past its due time.
        Overdue,
        /// A completed run gave a follow-up order (proposed or open) for you or your team.
        FollowUp,
    }
}

/// A notification with what a list shows of its order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub work_order_id: Uuid,
    /// `WO-<number>` for people.
    pub order_number: i64,
    pub order_title: String,
    pub order_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationList {
    /// Newest first, at most 50.
    pub items: Vec<Notification>,
    /// All unread, not only those listed.
    pub unread: i64,
}

/// Whether a person gets each kind in the app and by email. Overdue orders come by email as
/// one daily digest.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Preference {
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Preferences {
    /// Every kind, once.
    pub items: Vec<Preference>,
    /// The language of the person's emails; `null`: the server's default (`GAMME_EMAIL_LANGUAGE`).
    pub language: Option<Language>,
}

/// A change of one kind's choices: what is not given stays as it was.
#[derive(Debug, Clone, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PreferenceChoice {
    pub kind: NotificationKind,
    #[serde(default)]
    pub in_app: Option<bool>,
    #[serde(default)]
    pub email: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    #[serde(default)]
    pub items: Vec<PreferenceChoice>,
    /// The language emails are written in (the web UI sends the one it shows).
    #[serde(default)]
    pub language: Option<Language>,
}

/// The people an order concerns: its assignee, else its team's members.
fn concerned(conn: &mut PgConnection, assignee: Option<Uuid>, team: Option<Uuid>) -> QueryResult<BTreeSet<Uuid>> {
    match (assignee, team) {
        (Some(person), _) => Ok(BTreeSet::from([person])),
        (None, Some(team)) => Ok(team_members::table
            .filter(team_members::team_id.eq(team))
            .select(team_members::user_id)
            .load::<Uuid>(conn)?
            .into_iter()
            .collect()),
        (None, None) => Ok(BTreeSet::new()),
    }
}

/// What `event` tells whom: the kind and the order, and those it concerns.
fn audience(conn: &mut PgConnection, event: &Event) -> QueryResult<Option<(NotificationKind, Uuid, BTreeSet<Uuid>)>> {
    let of = |conn: &mut PgConnection, o: &WorkOrderSnapshot| concerned(conn, o.assignee_id, o.team_id);
    Ok(match event {
        Event::WorkOrderCreated { order, .. } if order.source == "follow_up" => {
            Some((NotificationKind::FollowUp, order.id, of(conn, order)?))
        }
        Event::WorkOrderCreated { order, .. } => Some((NotificationKind::Assigned, order.id, of(conn, order)?)),
        Event::WorkOrderAssigned { order, previous_assignee_id, previous_team_id, .. } => {
            let before = concerned(conn, *previous_assignee_id, *previous_team_id)?;
            let now = of(conn, order)?;
            Some((NotificationKind::Assigned, order.id, now.difference(&before).copied().collect()))
        }
        Event::WorkOrderDue { order } => Some((NotificationKind::DueSoon, order.id, of(conn, order)?)),
        Event::WorkOrderOverdue { order } => Some((NotificationKind::Overdue, order.id, of(conn, order)?)),
        _ => None,
    })
}

/// Notifies those `event` concerns, inside the transaction that publishes it.
pub fn from_event(conn: &mut PgConnection, actor: &Actor, event: &Event) -> Result<()> {
    let Some((kind, order_id, mut people)) = audience(conn, event)? else { return Ok(()) };
    if let Some(me) = actor.user_id {
        people.remove(&me);
    }
    if people.is_empty() {
        return Ok(());
    }
    emails::for_notification(conn, kind, order_id, &people)?;
    let muted: BTreeSet<Uuid> = notification_preferences::table
        .filter(notification_preferences::kind.eq(kind))
        .filter(notification_preferences::in_app.eq(false))
        .filter(notification_preferences::user_id.eq_any(people.iter().copied().collect::<Vec<_>>()))
        .select(notification_preferences::user_id)
        .load::<Uuid>(conn)?
        .into_iter()
        .collect();
    let now = crate::now();
    let rows: Vec<_> = people
        .difference(&muted)
        .map(|user| {
            (
                notifications::id.eq(Uuid::now_v7()),
                notifications::user_id.eq(*user),
                notifications::kind.eq(kind),
                notifications::work_order_id.eq(order_id),
                notifications::created_at.eq(now),
            )
        })
        .collect();
    diesel::insert_into(notifications::table).values(rows).on_conflict_do_nothing().execute(conn)?;
    Ok(())
}

/// A person's newest notifications and how many are unread.
pub fn list(conn: &mut PgConnection, user: Uuid, unread_only: bool) -> Result<NotificationList> {
    let mut query =
        notifications::table.inner_join(work_orders::table).filter(notifications::user_id.eq(user)).into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Uuid,
        NotificationKind,
        Uuid,
        i64,
        String,
        Option<DateTime<Utc>>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
    )> = query
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(LIST_LIMIT)
        .select((
            notifications::id,
            notifications::kind,
            notifications::work_order_id,
            work_orders::number,
            work_orders::title,
            work_orders::due_at,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)?;
    let items =
        rows.into_iter()
            .map(|(id, kind, work_order_id, order_number, order_title, order_due_at, created_at, read_at)| {
                Notification { id, kind, work_order_id, order_number, order_title, order_due_at, created_at, read_at }
            })
            .collect();
    let unread = notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(NotificationList { items, unread })
}

/// Marks read one of the person's notifications (`id`), or all of them; answers how many
/// changed. Another person's notification is, for them, not there.
pub fn mark_read(conn: &mut PgConnection, user: Uuid, id: Option<Uuid>) -> Result<usize> {
    let mut query = diesel::update(notifications::table)
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(notifications::id.eq(id));
    }
    Ok(query.set(notifications::read_at.eq(crate::now())).execute(conn)?)
}

/// Whether a notification of `user` with `id` exists (read or not).
pub fn exists(conn: &mut PgConnection, user: Uuid, id: Uuid) -> Result<bool> {
    let n: i64 = notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Every kind with the person's choices (on unless turned off), and their emails' language.
pub fn preferences(conn: &mut PgConnection, user: Uuid) -> Result<Preferences> {
    let set: Vec<(NotificationKind, bool, bool)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(user))
        .select((notification_preferences::kind, notification_preferences::in_app, notification_preferences::email))
        .load(conn)?;
    let items = NotificationKind::VARIANTS
        .iter()
        .copied()
        .map(|kind| match set.iter().find(|(k, _, _)| *k == kind) {
            Some(&(_, in_app, email)) => Preference { kind, in_app, email },
            None => Preference { kind, in_app: true, email: true },
        })
        .collect();
    let language = notification_languages::table
        .find(user)
        .select(notification_languages::language)
        .first::<Language>(conn)
        .optional()?;
    Ok(Preferences { items, language })
}

/// Sets the choices given (kinds and channels not named stay as they were).
pub fn set_preferences(conn: &mut PgConnection, user: Uuid, input: &PreferencesInput) -> Result<Preferences> {
    let current = preferences(conn, user)?;
    for choice in &input.items {
        let was = current.items.iter().find(|p| p.kind == choice.kind);
        let in_app = choice.in_app.or(was.map(|p| p.in_app)).unwrap_or(true);
        let email = choice.email.or(was.map(|p| p.email)).unwrap_or(true);
        diesel::insert_into(notification_preferences::table)
            .values((
                notification_preferences::user_id.eq(user),
                notification_preferences::kind.eq(choice.kind),
                notification_preferences::in_app.eq(in_app),
                notification_preferences::email.eq(email),
            ))
            .on_conflict((notification_preferences::user_id, notification_preferences::kind))
            .do_update()
            .set((notification_preferences::in_app.eq(in_app), notification_preferences::email.eq(email)))
            .execute(conn)?;
    }
    if let Some(language) = input.language {
        diesel::insert_into(notification_languages::table)
            .values((notification_languages::user_id.eq(user), notification_languages::language.eq(language)))
            .on_conflict(notification_languages::user_id)
            .do_update()
            .set(notification_languages::language.eq(language))
            .execute(conn)?;
    }
    preferences(conn, user)
}

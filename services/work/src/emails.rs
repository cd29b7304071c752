//! Notifications by email. An email is a row of `notification_emails`, written where its
//! notification is decided: beside the in-app one, in the transaction that publishes the event
//! ([`crate::notifications::from_event`]: assigned, due soon, follow-up), or by the scheduler's
//! pass for the daily digest of overdue orders ([`digest_pass`]). Its `(user_id, topic)` key makes
//! it once per person, order and kind (once per person and local day for the digest), with any
//! number of replicas.
//!
//! The sender ([`run`], only where `GAMME_SMTP_HOST` is set) claims due rows with `FOR UPDATE SKIP
//! LOCKED` (replicas share the work), writes each email in its reader's language at that moment
//! (the order as it now stands; nothing is sent for an order closed meanwhile, or a person
//! deactivated) and hands it to the SMTP server; a failure is retried with backoff, from a minute
//! to an hour, [`MAX_ATTEMPTS`] times. Rows never sent are dropped after three days (an email that
//! late helps no one), sent ones after thirty.

use std::{collections::BTreeSet, time::Duration};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use gamme_db::{
    schema::{notification_emails, notification_languages, notification_preferences, team_members, work_orders},
    users::Person,
    DbError,
};
use gamme_service_kit::{ConfigError, Env, Store};
use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::authentication::Credentials,
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    notifications::NotificationKind,
    orders::{OrderStatus, WorkOrder},
    settings,
};

/// Tries per email before it is given up (about five hours of retries).
pub const MAX_ATTEMPTS: i32 = 10;
/// Emails claimed per round of the sender.
const BATCH: i64 = 20;
/// How long a claimed email stays with the replica sending it.
const CLAIM: Duration = Duration::from_secs(300);
/// The digest of overdue orders goes out from this local hour of each day.
pub const DIGEST_HOUR: u32 = 6;
/// Orders listed in one digest.
const DIGEST_ORDERS: i64 = 50;

gamme_db::text_enum! {
    /// The language a person's emails are written in.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Language {
        En,
        Fr,
    }
}

gamme_db::text_enum! {
    /// What an email is about.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum EmailKind {
        Assigned,
        DueSoon,
        FollowUp,
        OverdueDigest,
    }
}

/// How emails leave: `GAMME_SMTP_HOST` (none: no email is sent), `GAMME_SMTP_PORT` (587, or 465
/// with `tls`), `GAMME_SMTP_SECURITY` (`starttls`, `tls` or `none`), `GAMME_SMTP_USERNAME` and
/// `GAMME_SMTP_PASSWORD` (or `_FILE`), `GAMME_SMTP_FROM` (`Gamme <gamme@localhost>`), and the
/// language of people who chose none (`GAMME_EMAIL_LANGUAGE`, `en`).
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, SecretString)>,
    pub from: Mailbox,
    pub default_language: Language,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain TCP: only for a relay on the same host or network (and tests).
    None,
    StartTls,
    Tls,
}

impl SmtpConfig {
    pub fn from_env(env: &Env) -> Result<Option<Self>, ConfigError> {
        let Some(host) = env.get("GAMME_SMTP_HOST").map(str::trim).filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        let invalid = |key: &str, reason: String| ConfigError::Invalid { key: key.into(), reason };
        let security = match env.get_or("GAMME_SMTP_SECURITY", "starttls").as_str() {
            "none" => Security::None,
            "starttls" => Security::StartTls,
            "tls" => Security::Tls,
            other => {
                return Err(invalid("GAMME_SMTP_SECURITY", format!("`{other}` is not one of starttls, tls, none")))
            }
        };
        let port = env.parse("GAMME_SMTP_PORT", if security == Security::Tls { 465u16 } else { 587 })?;
        let credentials = match (env.get("GAMME_SMTP_USERNAME"), env.secret("GAMME_SMTP_PASSWORD")?) {
            (Some(user), Some(password)) => Some((user.to_owned(), password)),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    "GAMME_SMTP_USERNAME",
                    "GAMME_SMTP_USERNAME and GAMME_SMTP_PASSWORD go together".into(),
                ))
            }
        };
        let from = env.get_or("GAMME_SMTP_FROM", "Gamme <gamme@localhost>");
        let from = from.parse::<Mailbox>().map_err(|e| invalid("GAMME_SMTP_FROM", format!("`{from}`: {e}")))?;
        let language = env.get_or("GAMME_EMAIL_LANGUAGE", "en");
        let default_language = language
            .parse::<Language>()
            .map_err(|_| invalid("GAMME_EMAIL_LANGUAGE", format!("`{language}` is not one of en, fr")))?;
        Ok(Some(Self { host: host.to_owned(), port, security, credentials, from, default_language }))
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
        let builder = match self.security {
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host),
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&self.host)?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&self.host)?,
        };
        let builder = builder.port(self.port).timeout(Some(Duration::from_secs(30)));
        Ok(match &self.credentials {
            Some((user, password)) => {
                builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned())).build()
            }
            None => builder.build(),
        })
    }
}

/// Those of `people` who want `kind` by email (on unless turned off).
fn wanting(conn: &mut PgConnection, kind: NotificationKind, people: &BTreeSet<Uuid>) -> QueryResult<Vec<Uuid>> {
    let ids: Vec<Uuid> = people.iter().copied().collect();
    let off: BTreeSet<Uuid> = notification_preferences::table
        .filter(notification_preferences::kind.eq(kind))
        .filter(notification_preferences::email.eq(false))
        .filter(notification_preferences::user_id.eq_any(&ids))
        .select(notification_preferences::user_id)
        .load::<Uuid>(conn)?
        .into_iter()
        .collect();
    Ok(ids.into_iter().filter(|p| !off.contains(p)).collect())
}

fn insert(conn: &mut PgConnection, rows: &[(Uuid, String, EmailKind, Option<Uuid>)]) -> QueryResult<usize> {
    let now = crate::now();
    let values: Vec<_> = rows
        .iter()
        .map(|(user, topic, kind, order)| {
            (
                notification_emails::id.eq(Uuid::now_v7()),
                notification_emails::user_id.eq(*user),
                notification_emails::topic.eq(topic),
                notification_emails::kind.eq(*kind),
                notification_emails::work_order_id.eq(*order),
                notification_emails::created_at.eq(now),
                notification_emails::next_attempt_at.eq(now),
            )
        })
        .collect();
    diesel::insert_into(notification_emails::table).values(values).on_conflict_do_nothing().execute(conn)
}

/// Writes the email of a notification of `kind` about `order` for those of `people` who want it.
/// Overdue orders are told in the daily digest instead, one email a day.
pub fn for_notification(
    conn: &mut PgConnection,
    kind: NotificationKind,
    order: Uuid,
    people: &BTreeSet<Uuid>,
) -> QueryResult<usize> {
    let email_kind = match kind {
        NotificationKind::Assigned => EmailKind::Assigned,
        NotificationKind::DueSoon => EmailKind::DueSoon,
        NotificationKind::FollowUp => EmailKind::FollowUp,
        NotificationKind::Overdue => return Ok(0),
    };
    let rows: Vec<_> = wanting(conn, kind, people)?
        .into_iter()
        .map(|user| (user, format!("{email_kind}:{order}"), email_kind, Some(order)))
        .collect();
    insert(conn, &rows)
}

/// The open or in-progress orders past due at `now` that concern `person` (assigned to them, or
/// to a team of theirs with no one assigned), oldest first.
fn overdue_of(conn: &mut PgConnection, person: Uuid, now: DateTime<Utc>) -> QueryResult<Vec<WorkOrder>> {
    let teams = team_members::table.filter(team_members::user_id.eq(person)).select(team_members::team_id.nullable());
    work_orders::table
        .filter(work_orders::status.eq_any(vec![OrderStatus::Open, OrderStatus::InProgress]))
        .filter(work_orders::due_at.lt(now))
        .filter(
            work_orders::assignee_id
                .eq(person)
                .or(work_orders::assignee_id.is_null().and(work_orders::team_id.eq_any(teams))),
        )
        .order(work_orders::due_at.asc())
        .limit(DIGEST_ORDERS)
        .select(WorkOrder::as_select())
        .load(conn)
}

/// Writes today's digest of overdue orders (in `zone`, from [`DIGEST_HOUR`]) for each person who
/// has some and wants it; the number written (0 when they already were, today).
pub fn digest_pass(conn: &mut PgConnection, now: DateTime<Utc>, zone: Tz) -> QueryResult<usize> {
    let local = now.with_timezone(&zone);
    if chrono::Timelike::hour(&local) < DIGEST_HOUR {
        return Ok(0);
    }
    let late = || {
        work_orders::table
            .filter(work_orders::status.eq_any(vec![OrderStatus::Open, OrderStatus::InProgress]))
            .filter(work_orders::due_at.lt(now))
    };
    let mut people: BTreeSet<Uuid> = late()
        .filter(work_orders::assignee_id.is_not_null())
        .select(work_orders::assignee_id.assume_not_null())
        .load::<Uuid>(conn)?
        .into_iter()
        .collect();
    let teams = late().filter(work_orders::assignee_id.is_null()).select(work_orders::team_id.assume_not_null());
    people.extend(
        team_members::table
            .filter(team_members::team_id.eq_any(teams))
            .select(team_members::user_id)
            .load::<Uuid>(conn)?,
    );
    let topic = digest_topic(local.date_naive());
    let rows: Vec<_> = wanting(conn, NotificationKind::Overdue, &people)?
        .into_iter()
        .map(|user| (user, topic.clone(), EmailKind::OverdueDigest, None))
        .collect();
    insert(conn, &rows)
}

/// Drops emails never sent after three days, and sent ones after thirty.
pub fn prune(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    let stale = diesel::delete(
        notification_emails::table
            .filter(notification_emails::sent_at.is_null())
            .filter(notification_emails::created_at.lt(now - chrono::Duration::days(3))),
    )
    .execute(conn)?;
    let old = diesel::delete(
        notification_emails::table.filter(notification_emails::sent_at.lt(now - chrono::Duration::days(30))),
    )
    .execute(conn)?;
    Ok(stale + old)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_emails)]
struct Pending {
    id: Uuid,
    user_id: Uuid,
    topic: String,
    kind: EmailKind,
    work_order_id: Option<Uuid>,
    attempts: i32,
}

/// Takes up to [`BATCH`] emails due for sending, for [`CLAIM`].
fn claim(conn: &mut PgConnection) -> QueryResult<Vec<Pending>> {
    let due: Vec<Uuid> = notification_emails::table
        .filter(notification_emails::sent_at.is_null())
        .filter(notification_emails::attempts.lt(MAX_ATTEMPTS))
        .filter(notification_emails::next_attempt_at.le(crate::now()))
        .order(notification_emails::next_attempt_at.asc())
        .limit(BATCH)
        .select(notification_emails::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    diesel::update(notification_emails::table.filter(notification_emails::id.eq_any(due)))
        .set(
            notification_emails::next_attempt_at
                .eq(crate::now() + chrono::Duration::from_std(CLAIM).unwrap_or_default()),
        )
        .returning(Pending::as_returning())
        .get_results(conn)
}

/// An email as its reader gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// What `email` says to its reader now; `None` when there is nothing left to say (the order
/// closed or gone, no order overdue any more, the person deactivated).
fn write(
    conn: &mut PgConnection,
    email: &Pending,
    public_url: &str,
    default_zone: Tz,
    default_language: Language,
) -> QueryResult<Option<Written>> {
    let Some(person) = Person::find_many(conn, &[email.user_id])?.into_iter().next().filter(|p| p.is_active) else {
        return Ok(None);
    };
    let language: Language = notification_languages::table
        .find(email.user_id)
        .select(notification_languages::language)
        .first(conn)
        .optional()?
        .unwrap_or(default_language);
    let text = Texts::of(language);
    let link = |o: &WorkOrder| format!("{public_url}/work/orders/{}", o.id);
    let (subject, lines) = if email.kind == EmailKind::OverdueDigest {
        let orders = overdue_of(conn, email.user_id, crate::now())?;
        if orders.is_empty() {
            return Ok(None);
        }
        let mut lines = vec![text.digest_intro.to_owned(), String::new()];
        for o in &orders {
            let zone = settings::time_zone(conn, o.site_id, default_zone)?;
            lines.push(format!("- WO-{} {} ({} {})", o.number, o.title, text.due, text.date(o.due_at, zone)));
            lines.push(format!("  {}", link(o)));
        }
        ((text.digest_subject)(orders.len()), lines)
    } else {
        let Some(order_id) = email.work_order_id else { return Ok(None) };
        let Some(o) = work_orders::table.find(order_id).select(WorkOrder::as_select()).first(conn).optional()? else {
            return Ok(None);
        };
        if !matches!(o.status, OrderStatus::Open | OrderStatus::InProgress | OrderStatus::Proposed) {
            return Ok(None);
        }
        let zone = settings::time_zone(conn, o.site_id, default_zone)?;
        let (subject, intro) = match email.kind {
            EmailKind::Assigned => (text.assigned, text.assigned_intro),
            EmailKind::DueSoon => (text.due_soon, text.due_soon_intro),
            _ => (text.follow_up, text.follow_up_intro),
        };
        let mut lines = vec![intro.to_owned(), String::new(), format!("WO-{} {}", o.number, o.title)];
        if o.due_at.is_some() {
            lines.push(format!("{} {}", text.due, text.date(o.due_at, zone)));
        }
        lines.extend([String::new(), format!("{} {}", text.open, link(&o))]);
        (format!("{subject} WO-{} {}", o.number, o.title), lines)
    };
    let body = format!("{}\n\n{}\n\n{}\n", (text.greeting)(&person.display_name), lines.join("\n"), text.why);
    Ok(Some(Written { to: person.email, subject, body }))
}

/// The words of an email, in one language.
struct Texts {
    language: Language,
    greeting: fn(&str) -> String,
    assigned: &'static str,
    assigned_intro: &'static str,
    due_soon: &'static str,
    due_soon_intro: &'static str,
    follow_up: &'static str,
    follow_up_intro: &'static str,
    digest_subject: fn(usize) -> String,
    digest_intro: &'static str,
    due: &'static str,
    no_date: &'static str,
    open: &'static str,
    why: &'static str,
}

impl Texts {
    fn of(language: Language) -> Self {
        match language {
            Language::En => Texts {
                language,
                greeting: |name| format!("Hello {name},"),
                assigned: "Assigned to you:",
                assigned_intro: "A work order was assigned to you or your team.",
                due_soon: "Due soon:",
                due_soon_intro: "A work order of yours falls due within a day.",
                follow_up: "Follow-up:",
                follow_up_intro: "A completed run found something to repair: a follow-up work order was made for you or your team.",
                digest_subject: |n| if n == 1 { "1 overdue work order".to_owned() } else { format!("{n} overdue work orders") },
                digest_intro: "These work orders of yours are past their due date:",
                due: "due",
                no_date: "no date",
                open: "Open it:",
                why: "You receive this email because of your notification settings in Gamme (Account, Notifications).",
            },
            Language::Fr => Texts {
                language,
                greeting: |name| format!("Bonjour {name},"),
                assigned: "Attribué :",
                assigned_intro: "Un ordre de travail vous a été attribué, à vous ou à votre équipe.",
                due_soon: "Échéance proche :",
                due_soon_intro: "Un de vos ordres de travail arrive à échéance dans moins d’un jour.",
                follow_up: "Suivi :",
                follow_up_intro: "Une exécution terminée a relevé une anomalie : un ordre de travail de suivi a été créé pour vous ou votre équipe.",
                digest_subject: |n| {
                    if n == 1 {
                        "1 ordre de travail en retard".to_owned()
                    } else {
                        format!("{n} ordres de travail en retard")
                    }
                },
                digest_intro: "Ces ordres de travail qui vous concernent ont dépassé leur échéance :",
                due: "échéance",
                no_date: "sans date",
                open: "Ouvrir :",
                why: "Vous recevez ce courriel selon vos préférences de notification dans Gamme (Compte, Notifications).",
            },
        }
    }

    fn date(&self, at: Option<DateTime<Utc>>, zone: Tz) -> String {
        let Some(at) = at else { return self.no_date.to_owned() };
        let local = at.with_timezone(&zone);
        match self.language {
            Language::En => local.format("%Y-%m-%d %H:%M").to_string(),
            Language::Fr => local.format("%d/%m/%Y %H:%M").to_string(),
        }
    }
}

/// What became of one email.
enum Outcome {
    Sent,
    Dropped,
    Failed(String),
}

fn record(conn: &mut PgConnection, email: &Pending, outcome: &Outcome) -> QueryResult<()> {
    let row = notification_emails::table.find(email.id);
    let attempts = email.attempts + 1;
    match outcome {
        Outcome::Sent | Outcome::Dropped => diesel::update(row)
            .set((
                notification_emails::sent_at.eq(crate::now()),
                notification_emails::attempts.eq(attempts),
                notification_emails::last_error
                    .eq(matches!(outcome, Outcome::Dropped).then_some("nothing left to say: not sent")),
            ))
            .execute(conn)?,
        Outcome::Failed(error) => {
            let pause = gamme_backoff::Backoff::exponential(Duration::from_secs(60), Duration::from_secs(3600))
                .nth(u32::try_from(email.attempts).unwrap_or(0));
            diesel::update(row)
                .set((
                    notification_emails::attempts.eq(attempts),
                    notification_emails::last_error.eq(error.chars().take(500).collect::<String>()),
                    notification_emails::next_attempt_at
                        .eq(crate::now() + chrono::Duration::from_std(pause).unwrap_or_default()),
                ))
                .execute(conn)?
        }
    };
    Ok(())
}

/// What the sender needs.
#[derive(Clone)]
pub struct Sender {
    pub store: Store,
    pub smtp: SmtpConfig,
    pub public_url: String,
    pub default_zone: Tz,
    pub every: Duration,
}

impl Sender {
    async fn send(&self, mailer: &AsyncSmtpTransport<Tokio1Executor>, written: Written) -> Result<(), String> {
        let to = written.to.parse::<Mailbox>().map_err(|e| format!("the address is not valid: {e}"))?;
        let message = Message::builder()
            .from(self.smtp.from.clone())
            .to(to)
            .subject(written.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(written.body)
            .map_err(|e| e.to_string())?;
        mailer.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }

    /// One round: claims, writes and sends what is due; how many were sent.
    pub async fn round(&self, mailer: &AsyncSmtpTransport<Tokio1Executor>) -> Result<usize, DbError> {
        let claimed = self.store.write(|c| claim(c).map_err(DbError::from)).await?;
        let mut sent = 0;
        for email in claimed {
            let (url, zone, language) = (self.public_url.clone(), self.default_zone, self.smtp.default_language);
            let pending = email.clone();
            let written =
                self.store.read(move |c| write(c, &pending, &url, zone, language).map_err(DbError::from)).await?;
            let outcome = match written {
                None => Outcome::Dropped,
                Some(w) => match self.send(mailer, w).await {
                    Ok(()) => Outcome::Sent,
                    Err(error) => Outcome::Failed(error),
                },
            };
            match &outcome {
                Outcome::Sent => sent += 1,
                Outcome::Failed(error) => {
                    tracing::warn!(email = %email.id, topic = %email.topic, attempt = email.attempts + 1, %error, "an email could not be sent");
                }
                Outcome::Dropped => {}
            }
            self.store.write(move |c| record(c, &email, &outcome).map_err(DbError::from)).await?;
        }
        Ok(sent)
    }
}

/// Sends the emails due every `every` until `shutdown`.
pub async fn run(sender: Sender, shutdown: CancellationToken) {
    let mailer = match sender.smtp.transport() {
        Ok(mailer) => mailer,
        Err(err) => {
            tracing::error!(error = %err, host = %sender.smtp.host, "cannot set up the SMTP transport: no email will be sent");
            return;
        }
    };
    tracing::info!(host = %sender.smtp.host, port = sender.smtp.port, "sending notification emails");
    loop {
        match sender.round(&mailer).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "notification emails sent"),
            Err(err) => tracing::warn!(error = %gamme_service_kit::problem::error_chain(&err), "email round failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(sender.every) => {}
        }
    }
}

/// The topic of the digest of local day `date`: one per person and day.
pub fn digest_topic(date: NaiveDate) -> String {
    format!("overdue_digest:{date}")
}

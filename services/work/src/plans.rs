//! Maintenance plans: an asset's procedure every N days, weeks, months or years (fixed on the
//! calendar, or floating after the last completion), or every N units of a meter; their
//! validation, pause and resume, and the dates they fall due next. Making the orders is
//! `planning.rs`'s.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use gamme_db::schema::{meter_readings, meters, plans, work_orders};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    error::{Result, WorkError},
    orders::{OrderStatus, Priority, WorkOrder},
    refs,
    schedule::{self, Interval, IntervalUnit, Schedule},
    teams::Team,
    text,
};

gamme_db::text_enum! {
    /// `time`: every N days, weeks, months or years; `meter`: every N units of a meter.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PlanTrigger {
        Time,
        Meter,
    }
}

gamme_db::text_enum! {
    /// A paused plan makes no orders.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum PlanStatus {
        Active,
        Paused,
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = plans, check_for_backend(diesel::pg::Pg))]
pub struct Plan {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub asset_id: Uuid,
    pub procedure_id: Uuid,
    /// The team its orders go to; without one, the asset's team.
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Priority,
    pub trigger: PlanTrigger,
    pub status: PlanStatus,
    /// Time plans: N of "every N units" (1 for meter plans).
    pub interval_count: i32,
    pub interval_unit: Option<IntervalUnit>,
    pub schedule: Option<Schedule>,
    /// Time plans: the first due date; a fixed plan's dates count from it.
    pub anchor_date: Option<NaiveDate>,
    /// Time plans: the local time of day (in the site's time zone) its orders fall due.
    #[schema(value_type = String, example = "08:00:00")]
    pub due_time: NaiveTime,
    /// Orders appear at the start of the local day this many days before they are due.
    pub lead_days: i32,
    /// Floating plans: the local date the next order falls due.
    pub next_due_date: Option<NaiveDate>,
    pub meter_id: Option<Uuid>,
    /// Meter plans: an order every this many units.
    pub meter_interval: Option<f64>,
    /// Meter plans: the reading thresholds count from (threshold k = base + k × interval).
    pub meter_base: Option<f64>,
    /// The number of the next occurrence the plan makes an order for.
    pub next_occurrence: i32,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new plan. Time plans need `interval_unit`, `schedule` and `anchor_date`; meter plans
/// `meter_id` and `meter_interval`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// Without one, the procedure's title.
    #[schema(max_length = 200, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub description: String,
    pub asset_id: Uuid,
    pub procedure_id: Uuid,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Option<Priority>,
    pub trigger: PlanTrigger,
    /// Time plans: every N units (1–1000).
    pub interval_count: Option<i32>,
    pub interval_unit: Option<IntervalUnit>,
    pub schedule: Option<Schedule>,
    /// Time plans: the first due date (local to the site).
    pub anchor_date: Option<NaiveDate>,
    /// Time plans: `HH:MM` or `HH:MM:SS`, local to the site; 08:00 when absent.
    #[schema(value_type = Option<String>, example = "08:00")]
    pub due_time: Option<String>,
    pub lead_days: Option<i32>,
    pub meter_id: Option<Uuid>,
    pub meter_interval: Option<f64>,
    /// Meter plans: the reading thresholds count from; the meter's latest reading (or 0) when
    /// absent.
    pub meter_start: Option<f64>,
}

/// What may change on a plan; absent fields stay, `null` clears an optional one. The trigger,
/// interval and first date of a fixed plan stay as made: pause it and make another to change them.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    #[schema(
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"
    )]
    pub title: Option<String>,
    #[schema(max_length = 10000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub team_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "text::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    pub priority: Option<Priority>,
    #[schema(value_type = Option<String>, example = "08:00")]
    pub due_time: Option<String>,
    pub lead_days: Option<i32>,
    /// Floating plans only: move the next due date.
    pub next_due_date: Option<NaiveDate>,
}

/// A date the plan falls due.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Occurrence {
    pub occurrence: i32,
    /// Local to the site.
    pub due_date: NaiveDate,
    pub due_at: DateTime<Utc>,
    /// When its order appears (the start of the local day `lead_days` before).
    pub appears_at: DateTime<Utc>,
    /// Its order, once made.
    pub work_order_id: Option<Uuid>,
    /// Floating plans after the next date: assumes each order is done on its due date.
    pub projected: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    pub time_zone: String,
    /// Time plans: the next due dates (five).
    pub upcoming: Vec<Occurrence>,
    /// Meter plans: the reading at which the next order is made.
    pub next_threshold: Option<f64>,
    /// Meter plans: the meter's latest reading.
    pub latest_reading: Option<f64>,
}

pub const UPCOMING: usize = 5;

fn time_of_day(field: &str, value: &str) -> Result<NaiveTime> {
    let v = value.trim();
    NaiveTime::parse_from_str(v, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M:%S"))
        .map_err(|_| WorkError::invalid(format!("`{field}` is a time of day such as 08:00, not `{v}`.")))
}

fn lead(value: i32) -> Result<i32> {
    if (0..=365).contains(&value) {
        Ok(value)
    } else {
        Err(WorkError::invalid("`lead_days` is between 0 and 365."))
    }
}

/// The meter's latest reading.
pub fn latest_reading(conn: &mut PgConnection, meter_id: Uuid) -> QueryResult<Option<f64>> {
    meter_readings::table
        .filter(meter_readings::meter_id.eq(meter_id))
        .order((meter_readings::taken_at.desc(), meter_readings::id.desc()))
        .select(meter_readings::value)
        .first(conn)
        .optional()
}

impl Plan {
    pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        plans::table.find(id).select(Self::as_select()).first(conn).optional()?.ok_or(WorkError::NotFound("plan"))
    }

    pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Self> {
        plans::table
            .find(id)
            .select(Self::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(WorkError::NotFound("plan"))
    }

    pub fn list(conn: &mut PgConnection, asset: Option<Uuid>, status: Option<PlanStatus>) -> QueryResult<Vec<Self>> {
        let mut q = plans::table.select(Self::as_select()).order((plans::title.asc(), plans::id.asc())).into_boxed();
        if let Some(a) = asset {
            q = q.filter(plans::asset_id.eq(a));
        }
        if let Some(s) = status {
            q = q.filter(plans::status.eq(s));
        }
        q.load(conn)
    }

    pub fn interval(&self) -> Option<Interval> {
        Some(Interval { count: u32::try_from(self.interval_count).ok()?, unit: self.interval_unit? })
    }

    /// Checks `input` and makes the plan, its first occurrence counted from `today` (the site's
    /// local date): a fixed plan anchored in the past starts at its first date from today on.
    pub fn new(conn: &mut PgConnection, input: PlanInput, created_by: Uuid, today: NaiveDate) -> Result<Self> {
        let (asset, _site) = refs::asset_and_site(conn, input.asset_id)?;
        let procedure = refs::procedure(conn, input.procedure_id)?;
        if let Some(team) = input.team_id {
            Team::find(conn, team)?;
        }
        if let Some(person) = input.assignee_id {
            refs::check_assignee(conn, person)?;
        }
        let title = match input.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => text::required("title", t, 200)?,
            None => procedure.title.clone().unwrap_or_else(|| procedure.code.clone()),
        };
        let now = crate::now();
        let mut plan = Plan {
            id: Uuid::now_v7(),
            title,
            description: text::bounded("description", input.description.trim(), 10_000)?,
            asset_id: asset.id,
            procedure_id: procedure.id,
            team_id: input.team_id,
            assignee_id: input.assignee_id,
            priority: input.priority.unwrap_or(Priority::Normal),
            trigger: input.trigger,
            status: PlanStatus::Active,
            interval_count: 1,
            interval_unit: None,
            schedule: None,
            anchor_date: None,
            due_time: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
            lead_days: lead(input.lead_days.unwrap_or(0))?,
            next_due_date: None,
            meter_id: None,
            meter_interval: None,
            meter_base: None,
            next_occurrence: 0,
            created_by,
            created_at: now,
            updated_at: now,
        };
        match input.trigger {
            PlanTrigger::Time => {
                if input.meter_id.is_some() || input.meter_interval.is_some() || input.meter_start.is_some() {
                    return Err(WorkError::invalid(
                        "A time plan has no meter: leave out `meter_id`, `meter_interval` and `meter_start`.",
                    ));
                }
                let count =
                    input.interval_count.ok_or_else(|| WorkError::invalid("A time plan needs `interval_count`."))?;
                if !(1..=1000).contains(&count) {
                    return Err(WorkError::invalid("`interval_count` is between 1 and 1000."));
                }
                let (Some(unit), Some(schedule), Some(anchor)) =
                    (input.interval_unit, input.schedule, input.anchor_date)
                else {
                    return Err(WorkError::invalid(
                        "A time plan needs `interval_unit`, `schedule` and `anchor_date` (its first due date).",
                    ));
                };
                plan.interval_count = count;
                plan.interval_unit = Some(unit);
                plan.schedule = Some(schedule);
                plan.anchor_date = Some(anchor);
                if let Some(t) = &input.due_time {
                    plan.due_time = time_of_day("due_time", t)?;
                }
                match schedule {
                    Schedule::Fixed => {
                        let interval = Interval { count: count.unsigned_abs(), unit };
                        let first = interval
                            .first_on_or_after(anchor, today)
                            .ok_or_else(|| WorkError::invalid("The first due date is too far from today."))?;
                        plan.next_occurrence = i32::try_from(first)
                            .map_err(|_| WorkError::invalid("The first due date is too far from today."))?;
                    }
                    Schedule::Floating => plan.next_due_date = Some(anchor),
                }
            }
            PlanTrigger::Meter => {
                if input.interval_unit.is_some() || input.schedule.is_some() || input.anchor_date.is_some() {
                    return Err(WorkError::invalid(
                        "A meter plan has no calendar: leave out `interval_unit`, `schedule` and `anchor_date`.",
                    ));
                }
                let meter_id = input.meter_id.ok_or_else(|| WorkError::invalid("A meter plan needs `meter_id`."))?;
                let on_asset: Option<Uuid> =
                    meters::table.find(meter_id).select(meters::asset_id).first(conn).optional()?;
                match on_asset {
                    None => return Err(WorkError::NotFound("meter")),
                    Some(a) if a != asset.id => {
                        return Err(WorkError::invalid(
                            "The meter belongs to another asset: a plan counts a meter of its own asset.",
                        ))
                    }
                    Some(_) => {}
                }
                let every = input.meter_interval.filter(|v| v.is_finite() && *v > 0.0).ok_or_else(|| {
                    WorkError::invalid("A meter plan needs `meter_interval`, a number of units greater than 0.")
                })?;
                let base = match input.meter_start {
                    Some(v) if v.is_finite() && v >= 0.0 => v,
                    Some(_) => return Err(WorkError::invalid("`meter_start` is a reading: a number, 0 or more.")),
                    None => latest_reading(conn, meter_id)?.unwrap_or(0.0),
                };
                plan.meter_id = Some(meter_id);
                plan.meter_interval = Some(every);
                plan.meter_base = Some(base);
                plan.next_occurrence = 1;
            }
        }
        diesel::insert_into(plans::table).values(&plan).execute(conn)?;
        Ok(plan)
    }

    pub fn apply(&mut self, conn: &mut PgConnection, patch: PlanPatch) -> Result<()> {
        if let Some(title) = patch.title {
            self.title = text::required("title", &title, 200)?;
        }
        if let Some(description) = patch.description {
            self.description = text::bounded("description", description.trim(), 10_000)?;
        }
        if let Some(team) = patch.team_id {
            if let Some(id) = team {
                Team::find(conn, id)?;
            }
            self.team_id = team;
        }
        if let Some(person) = patch.assignee_id {
            if let Some(id) = person {
                refs::check_assignee(conn, id)?;
            }
            self.assignee_id = person;
        }
        if let Some(priority) = patch.priority {
            self.priority = priority;
        }
        if let Some(t) = patch.due_time {
            self.due_time = time_of_day("due_time", &t)?;
        }
        if let Some(l) = patch.lead_days {
            self.lead_days = lead(l)?;
        }
        if let Some(date) = patch.next_due_date {
            if self.schedule != Some(Schedule::Floating) {
                return Err(WorkError::invalid("Only a floating plan's next due date can be moved."));
            }
            self.next_due_date = Some(date);
        }
        self.save(conn)
    }

    pub fn save(&mut self, conn: &mut PgConnection) -> Result<()> {
        self.updated_at = crate::now();
        diesel::update(plans::table.find(self.id))
            .set((
                plans::title.eq(&self.title),
                plans::description.eq(&self.description),
                plans::team_id.eq(self.team_id),
                plans::assignee_id.eq(self.assignee_id),
                plans::priority.eq(self.priority),
                plans::status.eq(self.status),
                plans::due_time.eq(self.due_time),
                plans::lead_days.eq(self.lead_days),
                plans::next_due_date.eq(self.next_due_date),
                plans::next_occurrence.eq(self.next_occurrence),
                plans::updated_at.eq(self.updated_at),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn pause(&mut self, conn: &mut PgConnection) -> Result<()> {
        if self.status == PlanStatus::Paused {
            return Err(WorkError::conflict("plan_paused", "This plan is already paused."));
        }
        self.status = PlanStatus::Paused;
        self.save(conn)
    }

    /// Active again. What fell due while it was paused is skipped: a fixed plan goes on from its
    /// first date from `today` on, a floating plan overdue comes due `today`.
    pub fn resume(&mut self, conn: &mut PgConnection, today: NaiveDate) -> Result<()> {
        if self.status == PlanStatus::Active {
            return Err(WorkError::conflict("plan_active", "This plan is not paused."));
        }
        self.status = PlanStatus::Active;
        match (self.schedule, self.interval(), self.anchor_date) {
            (Some(Schedule::Fixed), Some(interval), Some(anchor)) => {
                let first =
                    interval.first_on_or_after(anchor, today).and_then(|k| i32::try_from(k).ok()).unwrap_or(i32::MAX);
                self.next_occurrence = self.next_occurrence.max(first);
            }
            (Some(Schedule::Floating), _, _) => {
                self.next_due_date = self.next_due_date.map(|d| d.max(today));
            }
            _ => {}
        }
        self.save(conn)
    }

    /// The local due date of occurrence `k` of a time plan (a floating plan knows only its next).
    pub fn due_date(&self, k: i32) -> Option<NaiveDate> {
        match self.schedule? {
            Schedule::Fixed => self.interval()?.after(self.anchor_date?, u32::try_from(k).ok()?),
            Schedule::Floating => {
                let ahead = u32::try_from(k.checked_sub(self.next_occurrence)?).ok()?;
                self.interval()?.after(self.next_due_date?, ahead)
            }
        }
    }

    pub fn occurrence(&self, zone: Tz, k: i32) -> Option<Occurrence> {
        let due_date = self.due_date(k)?;
        Some(Occurrence {
            occurrence: k,
            due_date,
            due_at: schedule::local_instant(zone, due_date, self.due_time),
            appears_at: schedule::appears_at(zone, due_date, self.lead_days.unsigned_abs()),
            work_order_id: None,
            projected: self.schedule == Some(Schedule::Floating) && k > self.next_occurrence,
        })
    }

    /// The next `n` occurrences of a time plan, from the next one it makes.
    pub fn upcoming(&self, zone: Tz, n: usize) -> Vec<Occurrence> {
        (0..n)
            .filter_map(|i| i32::try_from(i).ok().and_then(|i| self.next_occurrence.checked_add(i)))
            .filter_map(|k| self.occurrence(zone, k))
            .collect()
    }

    /// A meter plan's next threshold.
    pub fn next_threshold(&self) -> Option<f64> {
        Some(self.meter_base? + f64::from(self.next_occurrence) * self.meter_interval?)
    }

    /// The threshold number `reading` has reached (0 below the first).
    pub fn threshold_reached(&self, reading: f64) -> Option<i32> {
        let (base, every) = (self.meter_base?, self.meter_interval?);
        let k = ((reading - base) / every).floor();
        Some(if k < 0.0 {
            0
        } else if k > f64::from(i32::MAX) {
            i32::MAX
        } else {
            k as i32
        })
    }

    /// A floating plan's order for its current occurrence was completed (at `closed_on`, local)
    /// or cancelled (its due date counts): the next falls due one interval after.
    pub fn advance_after(&mut self, conn: &mut PgConnection, order: &WorkOrder, closed_on: NaiveDate) -> Result<()> {
        if self.schedule != Some(Schedule::Floating) || order.plan_occurrence != Some(self.next_occurrence) {
            return Ok(());
        }
        let from = match order.status {
            OrderStatus::Done => closed_on,
            _ => self.next_due_date.unwrap_or(closed_on),
        };
        let Some(interval) = self.interval() else { return Ok(()) };
        self.next_due_date = interval.after(from, 1).or(self.next_due_date);
        self.next_occurrence = self.next_occurrence.saturating_add(1);
        self.save(conn)
    }

    pub fn view(self, conn: &mut PgConnection, zone: Tz) -> Result<PlanView> {
        let mut upcoming = if self.trigger == PlanTrigger::Time { self.upcoming(zone, UPCOMING) } else { Vec::new() };
        let made: Vec<(i32, Uuid)> = work_orders::table
            .filter(work_orders::plan_id.eq(self.id))
            .filter(work_orders::plan_occurrence.ge(self.next_occurrence))
            .select((work_orders::plan_occurrence.assume_not_null(), work_orders::id))
            .load(conn)?;
        for o in &mut upcoming {
            o.work_order_id = made.iter().find(|(k, _)| *k == o.occurrence).map(|(_, id)| *id);
        }
        let latest_reading = match self.meter_id {
            Some(m) => latest_reading(conn, m)?,
            None => None,
        };
        Ok(PlanView {
            time_zone: zone.name().to_owned(),
            next_threshold: self.next_threshold(),
            latest_reading,
            upcoming,
            plan: self,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter_plan(base: f64, every: f64, next: i32) -> Plan {
        let now = Utc::now();
        Plan {
            id: Uuid::nil(),
            title: "Vidange".into(),
            description: String::new(),
            asset_id: Uuid::nil(),
            procedure_id: Uuid::nil(),
            team_id: None,
            assignee_id: None,
            priority: Priority::Normal,
            trigger: PlanTrigger::Meter,
            status: PlanStatus::Active,
            interval_count: 1,
            interval_unit: None,
            schedule: None,
            anchor_date: None,
            due_time: NaiveTime::MIN,
            lead_days: 0,
            next_due_date: None,
            meter_id: Some(Uuid::nil()),
            meter_interval: Some(every),
            meter_base: Some(base),
            next_occurrence: next,
            created_by: Uuid::nil(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_reading_past_several_thresholds_reaches_the_last_of_them() {
        let plan = meter_plan(0.0, 500.0, 1);
        assert_eq!(plan.next_threshold(), Some(500.0));
        assert_eq!(plan.threshold_reached(480.0), Some(0));
        assert_eq!(plan.threshold_reached(1510.0), Some(3));
        let after = meter_plan(0.0, 500.0, 4);
        assert_eq!(after.next_threshold(), Some(2000.0));
        assert_eq!(meter_plan(120.0, 500.0, 1).threshold_reached(100.0), Some(0));
    }
}

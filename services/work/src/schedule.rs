//! Calendar arithmetic of time-based plans, in a site's time zone: the k-th date of a fixed
//! plan, N after a date for a floating one, and the instant a local date and time of day is,
//! correct across daylight-saving changes. Pure functions, no database.

use chrono::{DateTime, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

gamme_db::text_enum! {
    /// The unit of a plan's interval.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum IntervalUnit {
        Day,
        Week,
        Month,
        Year,
    }
}

gamme_db::text_enum! {
    /// `fixed`: on the calendar, every N units from the first due date (the 1st of each quarter
    /// stays the 1st); `floating`: N units after the last completion.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Schedule {
        Fixed,
        Floating,
    }
}

/// Every `count` `unit`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub count: u32,
    pub unit: IntervalUnit,
}

impl Interval {
    /// `times` intervals after `date`; months and years keep the day of the month, or the
    /// month's last day when it is shorter (31 January + 1 month = 28 or 29 February).
    pub fn after(self, date: NaiveDate, times: u32) -> Option<NaiveDate> {
        let n = self.count.checked_mul(times)?;
        match self.unit {
            IntervalUnit::Day => date.checked_add_days(Days::new(u64::from(n))),
            IntervalUnit::Week => date.checked_add_days(Days::new(u64::from(n) * 7)),
            IntervalUnit::Month => date.checked_add_months(Months::new(n)),
            IntervalUnit::Year => date.checked_add_months(Months::new(n.checked_mul(12)?)),
        }
    }

    /// The number of the first date of a fixed plan anchored at `anchor` that is on or after
    /// `day` (0 when `day` is not after the anchor). Counting from the anchor each time, rather
    /// than from the previous date, keeps a plan due on the 31st on the 31st after February.
    pub fn first_on_or_after(self, anchor: NaiveDate, day: NaiveDate) -> Option<u32> {
        if day <= anchor {
            return Some(0);
        }
        let days = u32::try_from((day - anchor).num_days()).ok()?;
        // A first guess no later than the answer, then step forward.
        let per = match self.unit {
            IntervalUnit::Day => 1,
            IntervalUnit::Week => 7,
            IntervalUnit::Month => 31,
            IntervalUnit::Year => 366,
        };
        let mut k = days / (per * self.count);
        loop {
            if self.after(anchor, k)? >= day {
                return Some(k);
            }
            k = k.checked_add(1)?;
        }
    }
}

/// The instant `date` at `time` is in `zone`. A time the clocks skip (spring forward) is taken
/// an hour later, when it exists again; a time that happens twice (fall back) is the first one.
pub fn local_instant(zone: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let local = date.and_time(time);
    match zone.from_local_datetime(&local).earliest() {
        Some(at) => at.with_timezone(&Utc),
        None => {
            // Gaps are an hour (30 minutes at most elsewhere): an hour later always exists.
            let later = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&later)
                .earliest()
                .map(|at| at.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local))
        }
    }
}

/// The local date `at` falls on in `zone`.
pub fn local_date(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// When the order for a date due at `due_date` appears: at the start of the local day
/// `lead_days` before it.
pub fn appears_at(zone: Tz, due_date: NaiveDate, lead_days: u32) -> DateTime<Utc> {
    let day = due_date.checked_sub_days(Days::new(u64::from(lead_days))).unwrap_or(due_date);
    local_instant(zone, day, NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    const MONTHLY: Interval = Interval { count: 1, unit: IntervalUnit::Month };

    #[test]
    fn a_monthly_plan_due_the_30th_at_8_stays_8_local_across_the_october_change() {
        let paris = chrono_tz::Europe::Paris;
        let dates: Vec<NaiveDate> = (0..4).map(|k| MONTHLY.after(d(2027, 8, 30), k).unwrap()).collect();
        assert_eq!(dates, [d(2027, 8, 30), d(2027, 9, 30), d(2027, 10, 30), d(2027, 11, 30)]);
        let instants: Vec<String> = dates.iter().map(|day| local_instant(paris, *day, t(8, 0)).to_rfc3339()).collect();
        // Summer time (UTC+2) until 31 October 2027, winter time (UTC+1) after.
        assert_eq!(
            instants,
            [
                "2027-08-30T06:00:00+00:00",
                "2027-09-30T06:00:00+00:00",
                "2027-10-30T06:00:00+00:00",
                "2027-11-30T07:00:00+00:00"
            ]
        );
        for at in [local_instant(paris, dates[2], t(8, 0)), local_instant(paris, dates[3], t(8, 0))] {
            assert_eq!(at.with_timezone(&paris).time(), t(8, 0));
        }
    }

    #[test]
    fn a_plan_due_the_31st_falls_on_the_last_day_of_shorter_months_and_comes_back() {
        let dates: Vec<NaiveDate> = (0..4).map(|k| MONTHLY.after(d(2027, 1, 31), k).unwrap()).collect();
        assert_eq!(dates, [d(2027, 1, 31), d(2027, 2, 28), d(2027, 3, 31), d(2027, 4, 30)]);
        let leap = Interval { count: 1, unit: IntervalUnit::Year };
        assert_eq!(leap.after(d(2028, 2, 29), 1), Some(d(2029, 2, 28)));
    }

    #[test]
    fn quarterly_from_the_first_of_january_is_the_first_of_each_quarter() {
        let quarterly = Interval { count: 3, unit: IntervalUnit::Month };
        let dates: Vec<NaiveDate> = (0..5).map(|k| quarterly.after(d(2027, 1, 1), k).unwrap()).collect();
        assert_eq!(dates, [d(2027, 1, 1), d(2027, 4, 1), d(2027, 7, 1), d(2027, 10, 1), d(2028, 1, 1)]);
    }

    #[test]
    fn the_first_date_on_or_after_a_day_is_found_for_every_unit() {
        let weekly = Interval { count: 2, unit: IntervalUnit::Week };
        assert_eq!(weekly.first_on_or_after(d(2027, 1, 4), d(2027, 1, 4)), Some(0));
        assert_eq!(weekly.first_on_or_after(d(2027, 1, 4), d(2027, 1, 5)), Some(1));
        assert_eq!(weekly.first_on_or_after(d(2027, 1, 4), d(2027, 1, 18)), Some(1));
        assert_eq!(weekly.first_on_or_after(d(2027, 1, 4), d(2027, 1, 19)), Some(2));
        assert_eq!(MONTHLY.first_on_or_after(d(2027, 1, 31), d(2027, 3, 1)), Some(2));
        assert_eq!(MONTHLY.first_on_or_after(d(2020, 1, 31), d(2027, 3, 31)), Some(86));
        let daily = Interval { count: 1, unit: IntervalUnit::Day };
        assert_eq!(daily.first_on_or_after(d(2027, 1, 1), d(2027, 12, 31)), Some(364));
        let yearly = Interval { count: 1, unit: IntervalUnit::Year };
        assert_eq!(yearly.first_on_or_after(d(2020, 6, 1), d(2027, 6, 2)), Some(8));
    }

    #[test]
    fn a_time_the_clocks_skip_is_taken_an_hour_later_and_a_repeated_one_is_the_first() {
        let paris = chrono_tz::Europe::Paris;
        // 28 March 2027: 02:00 → 03:00.
        assert_eq!(local_instant(paris, d(2027, 3, 28), t(2, 30)).to_rfc3339(), "2027-03-28T01:30:00+00:00");
        // 31 October 2027: 03:00 → 02:00; 02:30 happens at 00:30 and at 01:30 UTC.
        assert_eq!(local_instant(paris, d(2027, 10, 31), t(2, 30)).to_rfc3339(), "2027-10-31T00:30:00+00:00");
    }

    #[test]
    fn an_order_appears_at_the_start_of_the_local_day_lead_days_before() {
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(appears_at(paris, d(2027, 11, 3), 0).to_rfc3339(), "2027-11-02T23:00:00+00:00");
        assert_eq!(appears_at(paris, d(2027, 11, 3), 5).to_rfc3339(), "2027-10-28T22:00:00+00:00");
        assert_eq!(local_date(paris, "2027-11-02T23:30:00Z".parse().unwrap()), d(2027, 11, 3));
    }
}

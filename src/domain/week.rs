//! ISO 8601 weeks, the unit of the weekly outlook.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    pub fn of(date: NaiveDate) -> Self {
        let w = date.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The week `instant` falls in, on the calendar of `tz`.
    pub fn at<Tz: chrono::TimeZone>(instant: chrono::DateTime<chrono::Utc>, tz: &Tz) -> Self {
        IsoWeek::of(instant.with_timezone(tz).date_naive())
    }

    /// Monday of the week.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is always a real week")
    }

    pub fn offset(self, weeks: i64) -> Self {
        IsoWeek::of(self.start() + Duration::weeks(weeks))
    }

    /// The same ISO week a year earlier; week 53 maps to week 52 when the earlier year has none.
    pub fn year_earlier(self) -> Self {
        let week = if NaiveDate::from_isoywd_opt(self.year - 1, self.week, Weekday::Mon).is_some() {
            self.week
        } else {
            52
        };
        IsoWeek {
            year: self.year - 1,
            week,
        }
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_cross_year_boundaries_as_iso_says() {
        // 2026-01-01 is a Thursday, so it is in 2026-W01, which starts on 2025-12-29.
        assert_eq!(
            IsoWeek::of(d(2026, 1, 1)),
            IsoWeek {
                year: 2026,
                week: 1
            }
        );
        assert_eq!(
            IsoWeek {
                year: 2026,
                week: 1
            }
            .start(),
            d(2025, 12, 29)
        );
        // 2021-01-03 (Sunday) still belongs to 2020-W53.
        assert_eq!(IsoWeek::of(d(2021, 1, 3)).to_string(), "2020-W53");
        // 2026 has 53 ISO weeks (it starts on a Thursday).
        assert_eq!(
            IsoWeek {
                year: 2026,
                week: 48
            }
            .offset(6)
            .to_string(),
            "2027-W01"
        );
        assert_eq!(
            IsoWeek {
                year: 2026,
                week: 1
            }
            .offset(-1)
            .to_string(),
            "2025-W52"
        );
    }

    #[test]
    fn year_earlier_maps_week_53() {
        // 2026 has a week 53, 2025 (starting on a Wednesday, not a leap year) has not.
        assert_eq!(
            IsoWeek {
                year: 2026,
                week: 53
            }
            .year_earlier(),
            IsoWeek {
                year: 2025,
                week: 52
            }
        );
        assert_eq!(
            IsoWeek {
                year: 2021,
                week: 10
            }
            .year_earlier(),
            IsoWeek {
                year: 2020,
                week: 10
            }
        );
        assert_eq!(
            IsoWeek {
                year: 2026,
                week: 48
            }
            .year_earlier(),
            IsoWeek {
                year: 2025,
                week: 48
            }
        );
    }
}

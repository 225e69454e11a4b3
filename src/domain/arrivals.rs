//! The upstream arrivals list: which calls a query asks for, in which order, a page at a time,
//! and how an ETA change is said ("14 h late"). Pure functions over plain data.

use super::port_call::{PortCall, VesselStatus};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Rows per page of the list.
pub const PAGE_SIZE: usize = 50;

impl VesselStatus {
    pub const ALL: [VesselStatus; 6] = [
        Self::Scheduled,
        Self::EnRoute,
        Self::AtAnchor,
        Self::AtBerth,
        Self::Departed,
        Self::Omitted,
    ];

    /// The name in URLs and downloads.
    pub fn code(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::EnRoute => "en_route",
            Self::AtAnchor => "at_anchor",
            Self::AtBerth => "at_berth",
            Self::Departed => "departed",
            Self::Omitted => "omitted",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::EnRoute => "en route",
            Self::AtAnchor => "at anchor",
            Self::AtBerth => "at berth",
            Self::Departed => "departed",
            Self::Omitted => "omitted",
        }
    }
}

/// The order of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    /// Latest ETA (actual arrival once known), earliest first.
    #[default]
    Arrival,
    Terminal,
    Carrier,
    /// Expected discharge, largest first.
    Discharge,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        Self::Arrival,
        Self::Terminal,
        Self::Carrier,
        Self::Discharge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Arrival => "arrival",
            Self::Terminal => "terminal",
            Self::Carrier => "carrier",
            Self::Discharge => "discharge",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What the list shows: every filter is optional; without a status, departed and omitted
/// calls are left out (the list is about what is coming and what is here).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ArrivalsQuery {
    pub terminal: Option<String>,
    pub carrier: Option<String>,
    pub service: Option<String>,
    pub status: Option<VesselStatus>,
    /// Local dates of the best-known arrival, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: SortKey,
    /// 1-based.
    pub page: usize,
}

impl ArrivalsQuery {
    /// Reads a query from URL parameters (`terminal`, `carrier`, `service`, `status`, `from`,
    /// `to` as `YYYY-MM-DD`, `sort`, `page`); empty or unreadable values mean "any".
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let date = |k: &str| text(k).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
        ArrivalsQuery {
            terminal: text("terminal"),
            carrier: text("carrier"),
            service: text("service"),
            status: text("status").and_then(|s| VesselStatus::from_code(&s)),
            from: date("from"),
            to: date("to"),
            sort: text("sort")
                .and_then(|s| SortKey::from_code(&s))
                .unwrap_or_default(),
            page: text("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    }

    /// The URL of this query for `port` at `page`: what paging links and the form produce.
    pub fn url(&self, port: &str, page: usize) -> String {
        let mut parts = vec![format!("port={port}")];
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        };
        add("terminal", self.terminal.clone());
        add("carrier", self.carrier.clone());
        add("service", self.service.clone());
        add("status", self.status.map(|s| s.code().to_string()));
        add("from", self.from.map(|d| d.to_string()));
        add("to", self.to.map(|d| d.to_string()));
        if self.sort != SortKey::default() {
            add("sort", Some(self.sort.code().to_string()));
        }
        if page > 1 {
            add("page", Some(page.to_string()));
        }
        format!("/arrivals?{}", parts.join("&"))
    }
}

/// "14 h late", "2 d 3 h early", "on schedule": the latest estimate against the schedule,
/// to the hour. `None` when either is unknown.
pub fn eta_change(
    scheduled: Option<DateTime<Utc>>,
    latest: Option<DateTime<Utc>>,
) -> Option<String> {
    let minutes = (latest? - scheduled?).num_minutes();
    let hours = (minutes.abs() + 30) / 60;
    if hours == 0 {
        return Some("on schedule".into());
    }
    let way = if minutes > 0 { "late" } else { "early" };
    Some(match (hours / 24, hours % 24) {
        (0, h) => format!("{h} h {way}"),
        (d, 0) => format!("{d} d {way}"),
        (d, h) => format!("{d} d {h} h {way}"),
    })
}

/// The calls a query selects, in its order, and the page it asks for (clamped to the last),
/// with how many calls match and how many pages they make.
/// The store cuts the served list in SQL (`Storage::port_calls_sorted`); this is the rule it
/// is tested against.
pub fn select<'a, Tz: TimeZone>(
    calls: &'a [PortCall],
    q: &ArrivalsQuery,
    now: DateTime<Utc>,
    tz: &Tz,
) -> (Vec<&'a PortCall>, usize, usize, usize) {
    let same =
        |want: &Option<String>, have: Option<&str>| want.as_deref().is_none_or(|w| Some(w) == have);
    let mut chosen: Vec<&PortCall> = calls
        .iter()
        .filter(|c| {
            let status = c.status(now);
            let status_ok = match q.status {
                Some(s) => status == s,
                None => !matches!(status, VesselStatus::Departed | VesselStatus::Omitted),
            };
            let day = c
                .times
                .best_arrival()
                .map(|a| a.with_timezone(tz).date_naive());
            let in_range = q.from.is_none_or(|f| day.is_some_and(|d| d >= f))
                && q.to.is_none_or(|t| day.is_some_and(|d| d <= t));
            status_ok
                && in_range
                && same(&q.terminal, c.terminal.as_deref())
                && same(&q.carrier, Some(&c.carrier))
                && same(&q.service, Some(&c.service))
        })
        .collect();
    let arrival = |c: &&PortCall| c.times.best_arrival();
    match q.sort {
        SortKey::Arrival => chosen.sort_by_key(|c| (arrival(c), c.call_ref.clone())),
        SortKey::Terminal => chosen.sort_by_key(|c| (c.terminal.clone(), arrival(c))),
        SortKey::Carrier => {
            chosen.sort_by_key(|c| (c.carrier.clone(), c.service.clone(), arrival(c)))
        }
        SortKey::Discharge => chosen.sort_by(|a, b| {
            b.expected
                .discharge()
                .total_cmp(&a.expected.discharge())
                .then_with(|| arrival(a).cmp(&arrival(b)))
        }),
    }
    let total = chosen.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = q.page.clamp(1, pages);
    let rows = chosen
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    (rows, total, page, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
    }

    fn call(r: &str, terminal: &str, carrier: &str, eta: DateTime<Utc>, teu: f64) -> PortCall {
        let mut c = PortCall::planned(r, carrier, eta);
        c.terminal = Some(terminal.into());
        c.expected.discharge_laden = teu;
        c
    }

    #[test]
    fn eta_changes_are_said_to_the_hour() {
        let at = |h: i64, m: i64| Some(utc(10, 0) + chrono::Duration::minutes(h * 60 + m));
        assert_eq!(
            eta_change(at(0, 0), at(14, 10)).as_deref(),
            Some("14 h late")
        );
        assert_eq!(
            eta_change(at(0, 0), at(-51, 0)).as_deref(),
            Some("2 d 3 h early")
        );
        assert_eq!(eta_change(at(0, 0), at(48, 0)).as_deref(), Some("2 d late"));
        assert_eq!(
            eta_change(at(0, 0), at(0, 29)).as_deref(),
            Some("on schedule")
        );
        assert_eq!(eta_change(at(0, 0), at(0, 31)).as_deref(), Some("1 h late"));
        assert_eq!(eta_change(None, at(1, 0)), None);
    }

    #[test]
    fn filters_combine_and_departed_calls_are_out_unless_asked_for() {
        let now = utc(5, 0);
        let mut gone = call("GONE", "APMT", "MSK", utc(3, 0), 1000.0);
        gone.times.actual_berth_arrival = Some(utc(3, 1));
        gone.times.actual_departure = Some(utc(4, 1));
        let calls = vec![
            call("A", "APMT", "MSK", utc(6, 0), 3000.0),
            call("B", "TRAPAC", "MSK", utc(7, 0), 5000.0),
            call("C", "APMT", "CMA", utc(8, 0), 4000.0),
            gone,
        ];
        let refs = |q: &ArrivalsQuery| -> Vec<String> {
            select(&calls, q, now, &Utc)
                .0
                .iter()
                .map(|c| c.call_ref.clone())
                .collect()
        };
        assert_eq!(refs(&ArrivalsQuery::default()), ["A", "B", "C"]);
        let apmt = ArrivalsQuery {
            terminal: Some("APMT".into()),
            ..Default::default()
        };
        assert_eq!(refs(&apmt), ["A", "C"]);
        let apmt_msk = ArrivalsQuery {
            carrier: Some("MSK".into()),
            ..apmt.clone()
        };
        assert_eq!(refs(&apmt_msk), ["A"]);
        let departed = ArrivalsQuery {
            status: Some(VesselStatus::Departed),
            ..Default::default()
        };
        assert_eq!(refs(&departed), ["GONE"]);
        // Dates are the port's local days of arrival, both ends included.
        let days = ArrivalsQuery {
            from: NaiveDate::from_ymd_opt(2026, 12, 7),
            to: NaiveDate::from_ymd_opt(2026, 12, 8),
            ..Default::default()
        };
        assert_eq!(refs(&days), ["B", "C"]);
        let biggest = ArrivalsQuery {
            sort: SortKey::Discharge,
            ..Default::default()
        };
        assert_eq!(refs(&biggest), ["B", "C", "A"]);
        let by_carrier = ArrivalsQuery {
            sort: SortKey::Carrier,
            ..Default::default()
        };
        assert_eq!(refs(&by_carrier), ["C", "A", "B"]);
    }

    #[test]
    fn pages_hold_fifty_and_a_page_past_the_end_is_the_last() {
        let calls: Vec<PortCall> = (0..120)
            .map(|i| {
                call(
                    &format!("C{i:03}"),
                    "APMT",
                    "MSK",
                    utc(6, 0) + chrono::Duration::hours(i),
                    1.0,
                )
            })
            .collect();
        let q = |page| ArrivalsQuery {
            page,
            ..Default::default()
        };
        let (rows, total, page, pages) = select(&calls, &q(3), utc(5, 0), &Utc);
        assert_eq!((rows.len(), total, page, pages), (20, 120, 3, 3));
        assert_eq!(rows[0].call_ref, "C100");
        let (rows, _, page, _) = select(&calls, &q(9), utc(5, 0), &Utc);
        assert_eq!((rows.len(), page), (20, 3));
        let (rows, _, page, _) = select(&calls, &q(0), utc(5, 0), &Utc);
        assert_eq!((rows[0].call_ref.as_str(), page), ("C000", 1));
        assert_eq!(select(&[], &q(1), utc(5, 0), &Utc).3, 1);
    }

    #[test]
    fn a_query_reads_from_and_writes_to_its_url() {
        let url = "terminal=APMT&status=at_anchor&from=2026-12-01&to=&sort=discharge&page=2&x=1";
        let params: std::collections::HashMap<String, String> = url
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let q = ArrivalsQuery::from_params(|k| params.get(k).cloned());
        assert_eq!(q.terminal.as_deref(), Some("APMT"));
        assert_eq!(q.status, Some(VesselStatus::AtAnchor));
        assert_eq!(q.from, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!((q.to, q.sort, q.page), (None, SortKey::Discharge, 2));
        assert_eq!(
            q.url("USLAX", 3),
            "/arrivals?port=USLAX&terminal=APMT&status=at_anchor&from=2026-12-01&sort=discharge&page=3"
        );
        assert_eq!(
            ArrivalsQuery::default().url("USLAX", 1),
            "/arrivals?port=USLAX"
        );
        let nonsense = ArrivalsQuery::from_params(|k| (k == "page").then(|| "x".to_string()));
        assert_eq!(nonsense.page, 1);
    }

    #[test]
    fn codes_round_trip() {
        for s in VesselStatus::ALL {
            assert_eq!(VesselStatus::from_code(s.code()), Some(s));
        }
        for k in SortKey::ALL {
            assert_eq!(SortKey::from_code(k.code()), Some(k));
        }
        assert_eq!(VesselStatus::from_code("sunk"), None);
    }
}

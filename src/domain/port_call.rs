//! Port calls and the DCSA events that move them (DCSA Just-in-Time Port Call 1.2).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A port, identified by its UN/LOCODE (e.g. `USLAX`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Port {
    pub locode: String,
    pub name: String,
    /// IANA time zone in which the port's pages show times and cut weeks.
    pub time_zone: String,
}

/// A container terminal, identified inside its port by its SMDG terminal code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Terminal {
    pub port: String,
    pub code: String,
    pub name: String,
    pub berths: i32,
    /// Container moves one longshore gang makes per hour at this terminal.
    pub gang_moves_per_hour: f64,
    pub daily_capacity_teu: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vessel {
    /// IMO number, 7 digits with a check digit (see [`imo_is_valid`]).
    pub imo: String,
    pub name: String,
    pub mmsi: Option<String>,
    pub call_sign: Option<String>,
    pub operator: Option<String>,
    pub teu_capacity: Option<i32>,
}

/// The IMO number's last digit is the sum of the first six digits times 7,6,5,4,3,2, mod 10.
pub fn imo_is_valid(imo: &str) -> bool {
    let digits: Vec<u32> = imo.chars().filter_map(|c| c.to_digit(10)).collect();
    if imo.len() != 7 || digits.len() != 7 {
        return false;
    }
    imo_check_digit(&digits[..6]) == digits[6]
}

pub fn imo_check_digit(first_six: &[u32]) -> u32 {
    first_six
        .iter()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum::<u32>()
        % 10
}

/// TEU moves of one call, by direction and laden/empty (DCSA JIT 2.0 moves forecast).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeuMoves {
    pub discharge_laden: f64,
    pub discharge_empty: f64,
    pub load_laden: f64,
    pub load_empty: f64,
}

impl TeuMoves {
    pub fn discharge(&self) -> f64 {
        self.discharge_laden + self.discharge_empty
    }
    pub fn load(&self) -> f64 {
        self.load_laden + self.load_empty
    }
}

/// What is known of a call's timing. Arrival and departure times are at the berth unless
/// named otherwise.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallTimes {
    pub planned_arrival: Option<DateTime<Utc>>,
    pub estimated_arrival: Option<DateTime<Utc>>,
    pub requested_arrival: Option<DateTime<Utc>>,
    pub actual_anchorage_arrival: Option<DateTime<Utc>>,
    pub actual_berth_arrival: Option<DateTime<Utc>>,
    pub planned_departure: Option<DateTime<Utc>>,
    pub estimated_departure: Option<DateTime<Utc>>,
    pub actual_departure: Option<DateTime<Utc>>,
    /// Set by an `OMIT` or `CANC` event: the vessel skips this port.
    pub omitted: bool,
}

impl CallTimes {
    /// The latest estimate of the arrival at berth: the estimate, else the plan.
    pub fn latest_eta(&self) -> Option<DateTime<Utc>> {
        self.estimated_arrival.or(self.planned_arrival)
    }

    /// The best-known arrival: the actual one once it happened, else the latest ETA.
    pub fn best_arrival(&self) -> Option<DateTime<Utc>> {
        self.actual_berth_arrival.or_else(|| self.latest_eta())
    }

    /// The state a call's events imply on top of `base` (what a schedule set directly),
    /// whatever order the events arrived in: for each field, the event that comes last by
    /// [`PortCallEvent::precedence`] wins.
    pub fn folded<'a>(
        base: CallTimes,
        events: impl IntoIterator<Item = &'a PortCallEvent>,
    ) -> CallTimes {
        let mut events: Vec<&PortCallEvent> = events.into_iter().collect();
        events.sort_by(|a, b| a.precedence().cmp(&b.precedence()));
        let mut times = base;
        for e in events {
            times.apply(e);
        }
        times
    }

    /// Folds one event into the call's state, overwriting the field it speaks of.
    fn apply(&mut self, event: &PortCallEvent) {
        use Classifier::*;
        use EventType::*;
        use FacilityType::*;
        let t = Some(event.event_time);
        match (event.event_type, event.classifier, event.facility_type) {
            (Omit | Canc, _, _) => self.omitted = true,
            (Arri, Pln, Brth | Unspecified) => self.planned_arrival = t,
            (Arri, Est, Brth | Unspecified) => self.estimated_arrival = t,
            (Arri, Req, Brth | Unspecified) => self.requested_arrival = t,
            (Arri, Act, Brth | Unspecified) => self.actual_berth_arrival = t,
            (Arri, Act, Anch) => self.actual_anchorage_arrival = t,
            (Depa, Pln, _) => self.planned_departure = t,
            (Depa, Est, _) => self.estimated_departure = t,
            (Depa, Act, _) => self.actual_departure = t,
            // Pilot boarding, requested departures and cargo operations stay in the event log.
            _ => {}
        }
    }
}

/// One vessel's visit to one port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortCall {
    /// Stable reference of the call (like DCSA OVS `transportCallReference`).
    pub call_ref: String,
    pub port: String,
    pub terminal: Option<String>,
    pub vessel_imo: String,
    pub carrier: String,
    pub service: String,
    pub import_voyage: String,
    pub export_voyage: String,
    pub times: CallTimes,
    pub expected: TeuMoves,
    /// Moves actually made, known once the vessel has worked its cargo.
    pub actual: Option<TeuMoves>,
    /// Share of discharged TEU that leaves by on-dock rail (0–1).
    pub rail_share: f64,
}

impl PortCall {
    /// A call of `carrier`'s service `{carrier}1` planned at `planned`, with nothing else known:
    /// the start of most domain tests.
    #[cfg(test)]
    pub(crate) fn planned(call_ref: &str, carrier: &str, planned: DateTime<Utc>) -> PortCall {
        PortCall {
            call_ref: call_ref.into(),
            port: "USLAX".into(),
            terminal: None,
            vessel_imo: "9074729".into(),
            carrier: carrier.into(),
            service: format!("{carrier}1"),
            import_voyage: "1E".into(),
            export_voyage: "1W".into(),
            times: CallTimes {
                planned_arrival: Some(planned),
                ..Default::default()
            },
            expected: TeuMoves::default(),
            actual: None,
            rail_share: 0.0,
        }
    }
}

/// How far ahead a vessel's arrival counts as "en route": about one transpacific crossing.
pub const EN_ROUTE_HORIZON: Duration = Duration::days(14);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum VesselStatus {
    Scheduled,
    EnRoute,
    AtAnchor,
    AtBerth,
    Departed,
    Omitted,
}

impl PortCall {
    pub fn status(&self, now: DateTime<Utc>) -> VesselStatus {
        let t = &self.times;
        let happened = |at: Option<DateTime<Utc>>| at.is_some_and(|at| at <= now);
        if t.omitted {
            VesselStatus::Omitted
        } else if happened(t.actual_departure) {
            VesselStatus::Departed
        } else if happened(t.actual_berth_arrival) {
            VesselStatus::AtBerth
        } else if happened(t.actual_anchorage_arrival) {
            VesselStatus::AtAnchor
        } else if t
            .latest_eta()
            .is_some_and(|eta| eta <= now + EN_ROUTE_HORIZON)
        {
            VesselStatus::EnRoute
        } else {
            VesselStatus::Scheduled
        }
    }

    /// Import TEU of this call as best known: what was discharged once it was, else what is
    /// expected.
    pub fn best_discharge_teu(&self) -> f64 {
        self.actual.unwrap_or(self.expected).discharge()
    }
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

code_enum!(
    /// DCSA JIT 1.2 `eventClassifierCode`.
    Classifier { Pln = "PLN", Est = "EST", Req = "REQ", Act = "ACT" }
);
code_enum!(
    /// DCSA JIT 1.2 `operationsEventTypeCode`.
    EventType { Arri = "ARRI", Depa = "DEPA", Strt = "STRT", Cmpl = "CMPL", Omit = "OMIT", Canc = "CANC" }
);
code_enum!(
    /// DCSA JIT 1.2 `facilityTypeCode`; empty when the event names no facility.
    FacilityType { Pbpl = "PBPL", Brth = "BRTH", Anch = "ANCH", Unspecified = "" }
);

/// One fact received about a port call. Stored append-only; the same event sent twice is
/// stored once (its identity is call, publisher, classifier, type, facility and time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortCallEvent {
    pub call_ref: String,
    /// Where it came from: `dcsa-jit`, `ovs`, `csv`, `demo`.
    pub source: String,
    /// DCSA `publisher`: the party that issued it (SMDG liner code, terminal code, …).
    pub publisher: String,
    pub classifier: Classifier,
    pub event_type: EventType,
    pub facility_type: FacilityType,
    pub event_time: DateTime<Utc>,
    /// When the publisher issued it (DCSA `eventCreatedDateTime`), when it says so.
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was first received here.
    pub received_at: DateTime<Utc>,
    pub delay_reason: Option<String>,
    pub remark: Option<String>,
}

impl PortCallEvent {
    /// Orders events about the same field: the one issued later is newer (first receipt stands
    /// in when the publisher gave no issue time), then the later time named, then the codes.
    /// A total order on what is stored, so a call's state does not depend on arrival order.
    pub fn precedence(&self) -> impl Ord + '_ {
        (
            self.issued_at.unwrap_or(self.received_at),
            self.event_time,
            self.publisher.as_str(),
            self.classifier.code(),
            self.event_type.code(),
            self.facility_type.code(),
        )
    }
}

/// Official monthly volume of a port (TEU; ports publish decimals). Some ports publish empties
/// only as one figure: then the split is unknown and `empties` alone is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthlyStats {
    pub port: String,
    /// `YYYY-MM`.
    pub month: String,
    pub loaded_imports: f64,
    pub loaded_exports: f64,
    pub empty_imports: Option<f64>,
    pub empty_exports: Option<f64>,
    /// All empty TEU, in and out.
    pub empties: f64,
    pub total_teu: f64,
}

impl MonthlyStats {
    /// Loaded and empty imports, when the port published the empty split.
    pub fn imports(&self) -> Option<f64> {
        self.empty_imports.map(|e| self.loaded_imports + e)
    }
    /// Loaded and empty exports, when the port published the empty split.
    pub fn exports(&self) -> Option<f64> {
        self.empty_exports.map(|e| self.loaded_exports + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
    }

    fn event(c: Classifier, e: EventType, f: FacilityType, t: DateTime<Utc>) -> PortCallEvent {
        PortCallEvent {
            call_ref: "X".into(),
            source: "test".into(),
            publisher: "MSK".into(),
            classifier: c,
            event_type: e,
            facility_type: f,
            event_time: t,
            issued_at: None,
            received_at: t,
            delay_reason: None,
            remark: None,
        }
    }

    fn call(times: CallTimes) -> PortCall {
        PortCall {
            call_ref: "X".into(),
            port: "USLAX".into(),
            terminal: None,
            vessel_imo: "9321483".into(),
            carrier: "MSK".into(),
            service: "TP1".into(),
            import_voyage: "001E".into(),
            export_voyage: "001W".into(),
            times,
            expected: TeuMoves {
                discharge_laden: 3000.0,
                discharge_empty: 100.0,
                ..Default::default()
            },
            actual: None,
            rail_share: 0.2,
        }
    }

    #[test]
    fn imo_check_digit_follows_the_imo_rule() {
        // 9074729: 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 63+0+35+16+21+4 = 139 -> 9.
        assert!(imo_is_valid("9074729"));
        assert!(!imo_is_valid("9074728"));
        assert!(!imo_is_valid("907472"));
        assert!(!imo_is_valid("90747a9"));
    }

    fn issued(mut e: PortCallEvent, h: u32) -> PortCallEvent {
        e.issued_at = Some(at(h));
        e
    }

    #[test]
    fn latest_issued_estimate_wins_and_actuals_fill_their_own_fields() {
        use Classifier::*;
        use EventType::*;
        use FacilityType::*;
        let fold = |events: &[PortCallEvent]| CallTimes::folded(CallTimes::default(), events);
        // Issued at 1, 2, 3: the ETA issued last (12:00) wins though an earlier one named 14:00.
        let mut events = vec![
            issued(event(Pln, Arri, Brth, at(10)), 1),
            issued(event(Est, Arri, Brth, at(14)), 2),
            issued(event(Est, Arri, Unspecified, at(12)), 3),
        ];
        let t = fold(&events);
        assert_eq!(t.planned_arrival, Some(at(10)));
        assert_eq!(t.latest_eta(), Some(at(12)));
        events.push(issued(event(Act, Arri, Anch, at(9)), 9));
        let t = fold(&events);
        assert_eq!(t.actual_anchorage_arrival, Some(at(9)));
        assert_eq!(t.best_arrival(), Some(at(12)));
        events.push(issued(event(Act, Arri, Brth, at(13)), 13));
        events.push(issued(event(Act, Strt, Brth, at(14)), 14));
        let t = fold(&events);
        assert_eq!(t.best_arrival(), Some(at(13)));
        assert_eq!(
            t.actual_departure, None,
            "cargo operations are not a departure"
        );
        assert!(!t.omitted);
        events.push(issued(event(Pln, Omit, Unspecified, at(15)), 5));
        assert!(fold(&events).omitted);
    }

    #[test]
    fn without_an_issue_time_first_receipt_orders_and_events_override_the_base() {
        use Classifier::*;
        use EventType::*;
        use FacilityType::*;
        let mut early = event(Est, Arri, Brth, at(20));
        early.received_at = at(1);
        let mut late = event(Est, Arri, Brth, at(18));
        late.received_at = at(2);
        let base = CallTimes {
            planned_arrival: Some(at(17)),
            estimated_arrival: Some(at(23)),
            ..Default::default()
        };
        let t = CallTimes::folded(base, [&late, &early]);
        assert_eq!(t.estimated_arrival, Some(at(18)));
        assert_eq!(
            t.planned_arrival,
            Some(at(17)),
            "a field no event speaks of keeps its base value"
        );
    }

    #[test]
    fn status_follows_the_actual_times() {
        let now = at(12);
        let mut t = CallTimes {
            planned_arrival: Some(now + Duration::days(20)),
            ..Default::default()
        };
        assert_eq!(call(t.clone()).status(now), VesselStatus::Scheduled);
        t.estimated_arrival = Some(now + Duration::days(13));
        assert_eq!(call(t.clone()).status(now), VesselStatus::EnRoute);
        t.actual_anchorage_arrival = Some(at(8));
        assert_eq!(call(t.clone()).status(now), VesselStatus::AtAnchor);
        t.actual_berth_arrival = Some(at(11));
        assert_eq!(call(t.clone()).status(now), VesselStatus::AtBerth);
        // A departure in the future is not a departure yet.
        t.actual_departure = Some(at(13));
        assert_eq!(call(t.clone()).status(now), VesselStatus::AtBerth);
        t.actual_departure = Some(at(12));
        assert_eq!(call(t.clone()).status(now), VesselStatus::Departed);
        t.omitted = true;
        assert_eq!(call(t).status(now), VesselStatus::Omitted);
    }

    #[test]
    fn best_discharge_prefers_actual_moves() {
        let mut c = call(CallTimes::default());
        assert_eq!(c.best_discharge_teu(), 3100.0);
        c.actual = Some(TeuMoves {
            discharge_laden: 2900.0,
            discharge_empty: 50.0,
            ..Default::default()
        });
        assert_eq!(c.best_discharge_teu(), 2950.0);
    }

    #[test]
    fn codes_round_trip() {
        for c in FacilityType::ALL {
            assert_eq!(FacilityType::from_code(c.code()), Some(*c));
        }
        assert_eq!(EventType::from_code("ARRI"), Some(EventType::Arri));
        assert_eq!(Classifier::from_code("act"), None);
    }
}

#[cfg(test)]
mod fold_properties {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn event_strategy() -> impl Strategy<Value = PortCallEvent> {
        (
            proptest::sample::select(Classifier::ALL),
            proptest::sample::select(EventType::ALL),
            proptest::sample::select(FacilityType::ALL),
            0i64..200,
            0i64..200,
            proptest::sample::select(&["MSK", "APMT"][..]),
            any::<bool>(),
        )
            .prop_map(|(c, e, f, at_h, issued_h, publisher, says_when)| {
                let base = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
                PortCallEvent {
                    call_ref: "C".into(),
                    source: "test".into(),
                    publisher: publisher.into(),
                    classifier: c,
                    event_type: e,
                    facility_type: f,
                    event_time: base + Duration::hours(at_h),
                    issued_at: says_when.then(|| base + Duration::hours(issued_h)),
                    received_at: base + Duration::hours(issued_h) + Duration::minutes(1),
                    delay_reason: None,
                    remark: None,
                }
            })
    }

    proptest! {
        /// DCSA streams arrive out of order; the call's state must not care.
        #[test]
        fn any_order_of_the_same_events_gives_the_same_state(
            events in proptest::collection::vec(event_strategy(), 0..40),
            seed in any::<u64>(),
        ) {
            let mut shuffled = events.clone();
            // A deterministic shuffle from the seed (Fisher-Yates with a small LCG).
            let mut x = seed | 1;
            for i in (1..shuffled.len()).rev() {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (x >> 33) as usize % (i + 1));
            }
            let base = CallTimes { planned_arrival: Some(Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap()), ..Default::default() };
            prop_assert_eq!(
                CallTimes::folded(base.clone(), &events),
                CallTimes::folded(base, &shuffled)
            );
        }
    }
}

//! Port calls as CSV: one row per call, the way a carrier's or terminal's planning sheet lists
//! them. The schedule's times become events of the call (source `csv`); the rest (vessel,
//! carrier, service, terminal, voyages, expected moves) is the call's schedule.
//!
//! Required columns: `port`, `vessel_imo`, `vessel_name`, `carrier`, `service`, `voyage`,
//! `planned_arrival`. Optional: `export_voyage`, `terminal`, `estimated_arrival`,
//! `planned_departure`, `estimated_departure` (ISO 8601 with an offset), `discharge_laden_teu`,
//! `discharge_empty_teu`, `load_laden_teu`, `load_empty_teu` (TEU, default 0), `rail_share`
//! (0-1), `vessel_teu_capacity`, `issued_at` (when the sheet was issued).

use super::{Parsed, Problem};
use crate::config::is_locode;
use crate::domain::port_call::imo_is_valid;
use crate::domain::{
    CallTimes, Classifier, EventType, FacilityType, PortCall, PortCallEvent, TeuMoves, Vessel,
};
use chrono::{DateTime, Utc};
use std::io::Read;

const REQUIRED: [&str; 7] = [
    "port",
    "vessel_imo",
    "vessel_name",
    "carrier",
    "service",
    "voyage",
    "planned_arrival",
];
const OPTIONAL: [&str; 12] = [
    "export_voyage",
    "terminal",
    "estimated_arrival",
    "planned_departure",
    "estimated_departure",
    "discharge_laden_teu",
    "discharge_empty_teu",
    "load_laden_teu",
    "load_empty_teu",
    "rail_share",
    "vessel_teu_capacity",
    "issued_at",
];
/// More than the largest vessel carries: a typo, not a call.
const MAX_CALL_TEU: f64 = 30_000.0;

/// One valid row.
#[derive(Clone, Debug, PartialEq)]
pub struct CallRow {
    /// `row N`, for problems found later.
    pub row: String,
    pub call: PortCall,
    pub vessel: Vessel,
    pub events: Vec<PortCallEvent>,
}

pub fn parse(input: impl Read, received_at: DateTime<Utc>) -> Parsed<CallRow> {
    let mut out = Parsed::default();
    let mut reader = super::csv_reader(input);
    let column = match super::csv_columns(&mut reader, &REQUIRED, &OPTIONAL) {
        Ok(c) => c,
        Err(problems) => return Parsed { problems, ..out },
    };
    for (row, record) in super::csv_rows(&mut reader, &mut out) {
        let mut problems = Vec::new();
        let cell = |name: &str| super::csv_cell(&column, &record, name);
        let mut problem = |name: &str, message: String| {
            problems.push(Problem::new(format!("row {row}, column {name}"), message))
        };
        let mut text = |name: &str, max: usize| match cell(name) {
            None if REQUIRED.contains(&name) => {
                problem(name, "required".into());
                None
            }
            Some(v) if v.chars().count() > max => {
                problem(name, format!("at most {max} characters"));
                None
            }
            v => v.map(str::to_owned),
        };
        let port = text("port", 5).map(|p| p.to_uppercase());
        let imo = text("vessel_imo", 7);
        let vessel_name = text("vessel_name", 35);
        let carrier = text("carrier", 10);
        let service = text("service", 11);
        let voyage = text("voyage", 50);
        let export_voyage = text("export_voyage", 50);
        let terminal = text("terminal", 6);
        if let Some(p) = port.as_deref().filter(|p| !is_locode(p)) {
            problem("port", format!("'{p}' is not a UN/LOCODE (e.g. USLAX)"));
        }
        if let Some(i) = imo.as_deref().filter(|i| !imo_is_valid(i)) {
            problem(
                "vessel_imo",
                format!("'{i}' is not an IMO number (7 digits, the last a check digit)"),
            );
        }
        let mut time = |name: &str| {
            let raw = cell(name)?;
            match DateTime::parse_from_rfc3339(raw) {
                Ok(t) => Some(t.with_timezone(&Utc)),
                Err(_) => {
                    problem(name, format!("'{raw}' is not a date-time with an offset (e.g. 2026-12-01T06:00:00-08:00)"));
                    None
                }
            }
        };
        let planned_arrival = time("planned_arrival");
        let estimated_arrival = time("estimated_arrival");
        let planned_departure = time("planned_departure");
        let estimated_departure = time("estimated_departure");
        let issued_at = time("issued_at");
        if cell("planned_arrival").is_none() {
            problem("planned_arrival", "required".into());
        }
        let mut number = |name: &str, max: f64| -> f64 {
            let Some(raw) = cell(name) else { return 0.0 };
            match raw.replace(',', "").parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=max).contains(&v) => v,
                _ => {
                    problem(name, format!("'{raw}' is not a number from 0 to {max}"));
                    0.0
                }
            }
        };
        let moves = TeuMoves {
            discharge_laden: number("discharge_laden_teu", MAX_CALL_TEU),
            discharge_empty: number("discharge_empty_teu", MAX_CALL_TEU),
            load_laden: number("load_laden_teu", MAX_CALL_TEU),
            load_empty: number("load_empty_teu", MAX_CALL_TEU),
        };
        let rail_share = number("rail_share", 1.0);
        let capacity =
            cell("vessel_teu_capacity").map(|_| number("vessel_teu_capacity", MAX_CALL_TEU));
        if let (Some(a), Some(d)) = (planned_arrival, planned_departure) {
            if d < a {
                problem("planned_departure", "before planned_arrival".into());
            }
        }
        if !problems.is_empty() {
            out.problems.append(&mut problems);
            continue;
        }
        let (port, imo, carrier, voyage) = (
            port.unwrap(),
            imo.unwrap(),
            carrier.unwrap(),
            voyage.unwrap(),
        );
        let call = PortCall {
            call_ref: format!("{port}-{imo}-{voyage}"),
            port,
            terminal,
            vessel_imo: imo.clone(),
            carrier: carrier.clone(),
            service: service.unwrap(),
            export_voyage: export_voyage.unwrap_or_else(|| voyage.clone()),
            import_voyage: voyage,
            times: CallTimes::default(),
            expected: moves,
            actual: None,
            rail_share,
        };
        let event = |classifier, event_type, at: Option<DateTime<Utc>>| {
            at.map(|at| PortCallEvent {
                call_ref: call.call_ref.clone(),
                source: "csv".into(),
                publisher: carrier.clone(),
                classifier,
                event_type,
                facility_type: FacilityType::Brth,
                event_time: at,
                issued_at,
                received_at,
                delay_reason: None,
                remark: None,
            })
        };
        let events = [
            event(Classifier::Pln, EventType::Arri, planned_arrival),
            event(Classifier::Est, EventType::Arri, estimated_arrival),
            event(Classifier::Pln, EventType::Depa, planned_departure),
            event(Classifier::Est, EventType::Depa, estimated_departure),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.records.push(CallRow {
            row: format!("row {row}"),
            vessel: Vessel {
                imo,
                name: vessel_name.unwrap(),
                mmsi: None,
                call_sign: None,
                operator: Some(carrier),
                teu_capacity: capacity.map(|c| c as i32),
            },
            call,
            events,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const HEADER: &str = "port,vessel_imo,vessel_name,carrier,service,voyage,terminal,planned_arrival,estimated_arrival,planned_departure,discharge_laden_teu,discharge_empty_teu,load_laden_teu,load_empty_teu";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_row_becomes_a_call_its_vessel_and_its_schedule_events() {
        let text = format!(
            "{HEADER}\nuslax,9074729,MAERSK HORIZON,MSK,TP6,2648E,APMT,2026-12-01T06:00:00-08:00,2026-12-01T09:30:00-08:00,2026-12-03T06:00:00-08:00,\"4,100\",120,900,1500\n"
        );
        let p = parse(text.as_bytes(), now());
        assert_eq!(p.problems, vec![]);
        let r = &p.records[0];
        assert_eq!(r.call.call_ref, "USLAX-9074729-2648E");
        assert_eq!(
            r.call.export_voyage, "2648E",
            "the import voyage when no export voyage is given"
        );
        assert_eq!(r.call.expected.discharge(), 4220.0);
        assert_eq!(r.vessel.name, "MAERSK HORIZON");
        assert_eq!(r.events.len(), 3);
        let folded = CallTimes::folded(CallTimes::default(), &r.events);
        assert_eq!(
            folded.planned_arrival,
            Some(Utc.with_ymd_and_hms(2026, 12, 1, 14, 0, 0).unwrap())
        );
        assert_eq!(
            folded.estimated_arrival,
            Some(Utc.with_ymd_and_hms(2026, 12, 1, 17, 30, 0).unwrap())
        );
        assert!(r
            .events
            .iter()
            .all(|e| e.source == "csv" && e.publisher == "MSK" && e.received_at == now()));
    }

    #[test]
    fn every_problem_names_row_and_column() {
        let text = format!(
            "{HEADER}\nUSLAX,9074728,X,MSK,TP6,1E,APMT,2026-12-01 06:00,,2026-11-30T00:00:00Z,-4,,,\nUSLAX,9074729,,MSK,TP6,2E,,2026-12-01T06:00:00Z,,2026-11-30T00:00:00Z,99999,,,\n"
        );
        let p = parse(text.as_bytes(), now());
        let got: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            vec![
                "row 2, column vessel_imo: '9074728' is not an IMO number (7 digits, the last a check digit)",
                "row 2, column planned_arrival: '2026-12-01 06:00' is not a date-time with an offset (e.g. 2026-12-01T06:00:00-08:00)",
                "row 2, column discharge_laden_teu: '-4' is not a number from 0 to 30000",
                "row 3, column vessel_name: required",
                "row 3, column discharge_laden_teu: '99999' is not a number from 0 to 30000",
                "row 3, column planned_departure: before planned_arrival",
            ]
        );
        assert_eq!((p.read, p.records.len()), (2, 0));
    }
}

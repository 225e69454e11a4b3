//! DCSA Just-in-Time Port Call 1.2 timestamps (`jit/v1`, `POST /v1/timestamps`): one JSON
//! object, or an array of them, checked field by field against the standard.
//!
//! Required by JIT 1.2: `publisher`, `publisherRole`, `vesselIMONumber`, `carrierServiceCode`,
//! `UNLocationCode`, `eventClassifierCode`, `operationsEventTypeCode`, `eventDateTime`,
//! `carrierVoyageNumber` (deprecated in favour of `carrierImportVoyageNumber`, which wins when
//! both are given). `eventCreatedDateTime` (1.2 Beta-2, optional) is the publisher's issue time.

use super::json::Fields;
use super::{Parsed, Problem};
use crate::config::is_locode;
use crate::domain::port_call::imo_is_valid;
use crate::domain::{Classifier, EventType, FacilityType, PortCallEvent};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// JIT 1.2 `publisherRole`.
const PUBLISHER_ROLES: [&str; 12] = [
    "CA", "AG", "VSL", "ATH", "PLT", "TWG", "MOR", "TR", "LSH", "BUK", "SLU", "SVP",
];
/// Roles that speak for the carrier, whose liner code names the call's carrier.
const CARRIER_ROLES: [&str; 2] = ["CA", "AG"];

/// One valid timestamp, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct JitTimestamp {
    /// Where it stood in the input (`$[3]`, `line 4`), for problems found later.
    pub path: String,
    pub port: String,
    pub vessel_imo: String,
    pub vessel_name: Option<String>,
    /// The carrier's SMDG liner code or SCAC, when a carrier (or its agent) published it.
    pub carrier: Option<String>,
    /// Who published it: the first identifying code, else the party name, else the role.
    pub publisher: String,
    pub publisher_role: String,
    pub service: String,
    pub import_voyage: String,
    pub export_voyage: Option<String>,
    /// SMDG terminal code, when the event names one.
    pub terminal: Option<String>,
    pub classifier: Classifier,
    pub event_type: EventType,
    pub facility_type: FacilityType,
    pub event_time: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub delay_reason: Option<String>,
    pub remark: Option<String>,
}

impl JitTimestamp {
    /// The port call it is about: port, vessel and import voyage.
    pub fn call_ref(&self) -> String {
        format!("{}-{}-{}", self.port, self.vessel_imo, self.import_voyage)
    }

    /// The event it is, for its call (`call_ref`, as [`Self::call_ref`] makes it).
    pub fn into_event(self, call_ref: String, received_at: DateTime<Utc>) -> PortCallEvent {
        PortCallEvent {
            call_ref,
            source: "dcsa-jit".into(),
            publisher: self.publisher,
            classifier: self.classifier,
            event_type: self.event_type,
            facility_type: self.facility_type,
            event_time: self.event_time,
            issued_at: self.issued_at,
            received_at,
            delay_reason: self.delay_reason,
            remark: self.remark,
        }
    }
}

/// Parses a file for `portsignal import events`: a JSON array or object as for [`parse`], or
/// JSON lines (one timestamp per line; problems name the line). JSON lines are parsed on every
/// core, each taking a run of whole lines; the result is in file order.
pub fn parse_file(text: &str) -> Parsed<JitTimestamp> {
    let first = text.trim_start().as_bytes().first();
    if first == Some(&b'[') || (first == Some(&b'{') && serde_json::from_str::<Value>(text).is_ok())
    {
        return parse(text.as_bytes());
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = split_at_lines(text, threads);
    let results: Vec<Parsed<JitTimestamp>> = std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|(first_line, part)| scope.spawn(move || parse_lines(first_line, part)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a parse worker panicked"))
            .collect()
    });
    let mut out = Parsed::default();
    out.records
        .reserve(results.iter().map(|r| r.records.len()).sum());
    for mut r in results {
        out.read += r.read;
        out.records.append(&mut r.records);
        out.problems.append(&mut r.problems);
    }
    out
}

/// Up to `n` runs of whole lines, each with the number of its first line (1-based).
fn split_at_lines(text: &str, n: usize) -> Vec<(usize, &str)> {
    let mut parts = Vec::with_capacity(n);
    let (mut rest, mut line) = (text, 1);
    for remaining in (1..=n).rev() {
        if rest.is_empty() {
            break;
        }
        let want = rest.len().div_ceil(remaining);
        let cut = if remaining == 1 || want >= rest.len() {
            rest.len()
        } else {
            rest[want..].find('\n').map_or(rest.len(), |i| want + i + 1)
        };
        let (part, after) = rest.split_at(cut);
        parts.push((line, part));
        line += part.matches('\n').count();
        rest = after;
    }
    parts
}

fn parse_lines(first_line: usize, text: &str) -> Parsed<JitTimestamp> {
    let mut out = Parsed::default();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let path = format!("line {}", first_line + i);
        out.read += 1;
        match serde_json::from_str::<Value>(line) {
            Ok(v) => match timestamp(&path, &v) {
                Ok(t) => out.records.push(t),
                Err(mut problems) => out.problems.append(&mut problems),
            },
            Err(e) => out
                .problems
                .push(Problem::new(path, format!("not JSON: {e}"))),
        }
    }
    out
}

/// Parses a request body: a timestamp object or an array of them. Paths in problems are JSON
/// paths (`$`, or `$[3]` for the fourth of an array).
pub fn parse(body: &[u8]) -> Parsed<JitTimestamp> {
    let mut out = Parsed::default();
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            out.problems
                .push(Problem::new("$", format!("not JSON: {e}")));
            return out;
        }
    };
    let items: Vec<(String, &Value)> = match &value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("$[{i}]"), v))
            .collect(),
        other => vec![("$".to_owned(), other)],
    };
    for (path, item) in items {
        out.read += 1;
        match timestamp(&path, item) {
            Ok(t) => out.records.push(t),
            Err(mut problems) => out.problems.append(&mut problems),
        }
    }
    out
}

fn timestamp(path: &str, item: &Value) -> Result<JitTimestamp, Vec<Problem>> {
    let Some(object) = item.as_object() else {
        return Err(vec![Problem::new(
            path,
            "expected a JSON object (a DCSA JIT 1.2 timestamp)",
        )]);
    };
    let mut f = Fields {
        path,
        object,
        problems: Vec::new(),
    };

    let publisher = match object.get("publisher") {
        Some(Value::Object(p)) => Some(publisher_identity(p)),
        Some(_) => {
            f.problem("publisher", "expected an object (party)");
            None
        }
        None => {
            f.problem("publisher", "required");
            None
        }
    };
    let role = f.text("publisherRole", 3, true);
    if let Some(r) = role.as_deref().filter(|r| !PUBLISHER_ROLES.contains(r)) {
        f.problem(
            "publisherRole",
            format!("'{r}' is not one of {}", PUBLISHER_ROLES.join(", ")),
        );
    }

    let vessel = object.get("vessel").and_then(Value::as_object);
    let nested_imo = vessel
        .and_then(|v| v.get("vesselIMONumber"))
        .and_then(Value::as_str);
    let imo = f
        .text("vesselIMONumber", 7, nested_imo.is_none())
        .or(nested_imo.map(str::to_owned));
    if let Some(i) = imo.as_deref().filter(|i| !imo_is_valid(i)) {
        f.problem(
            "vesselIMONumber",
            format!("'{i}' is not an IMO number (7 digits, the last a check digit)"),
        );
    }
    if let (Some(a), Some(b)) = (imo.as_deref(), nested_imo) {
        if a != b {
            f.problem(
                "vessel.vesselIMONumber",
                format!("'{b}' differs from vesselIMONumber '{a}'"),
            );
        }
    }
    let vessel_name = vessel
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let service = f.text("carrierServiceCode", 5, true);
    let port = f.text("UNLocationCode", 5, true).map(|p| p.to_uppercase());
    if let Some(p) = port.as_deref().filter(|p| !is_locode(p)) {
        f.problem(
            "UNLocationCode",
            format!("'{p}' is not a UN/LOCODE (e.g. USLAX)"),
        );
    }
    let location = object.get("eventLocation").and_then(Value::as_object);
    if let (Some(p), Some(l)) = (
        port.as_deref(),
        location
            .and_then(|l| l.get("UNLocationCode"))
            .and_then(Value::as_str),
    ) {
        if !l.eq_ignore_ascii_case(p) {
            f.problem(
                "eventLocation.UNLocationCode",
                format!("'{l}' differs from UNLocationCode '{p}'"),
            );
        }
    }
    let terminal = f.text("facilitySMDGCode", 6, false).or_else(|| {
        location
            .and_then(|l| l.get("facilityCode").or_else(|| l.get("facilitySMDGCode")))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });

    let voyage = f.text("carrierVoyageNumber", 50, false);
    let import_voyage = f.text("carrierImportVoyageNumber", 50, false).or(voyage);
    if import_voyage.is_none() {
        f.problem(
            "carrierVoyageNumber",
            "required (or carrierImportVoyageNumber)",
        );
    }
    let export_voyage = f.text("carrierExportVoyageNumber", 50, false);

    let classifier = f.code(
        "eventClassifierCode",
        Classifier::from_code,
        &["PLN", "EST", "REQ", "ACT"],
    );
    let event_type = f.code(
        "operationsEventTypeCode",
        EventType::from_code,
        &["ARRI", "DEPA", "STRT", "CMPL", "OMIT", "CANC"],
    );
    let facility_type = match f.text("facilityTypeCode", 4, false) {
        None => Some(FacilityType::Unspecified),
        Some(raw) => {
            let parsed = FacilityType::from_code(&raw).filter(|t| *t != FacilityType::Unspecified);
            if parsed.is_none() {
                f.problem(
                    "facilityTypeCode",
                    format!("'{raw}' is not one of PBPL, BRTH, ANCH"),
                );
            }
            parsed
        }
    };
    let event_time = f.date_time("eventDateTime", true);
    let issued_at = f.date_time("eventCreatedDateTime", false);
    let delay_reason = f.text("delayReasonCode", 3, false);
    let remark = f.text("remark", 500, false);

    if !f.problems.is_empty() {
        return Err(f.problems);
    }
    let role = role.expect("checked above");
    let (publisher_code, party_code) = publisher.expect("checked above");
    Ok(JitTimestamp {
        path: path.to_owned(),
        port: port.expect("checked above"),
        vessel_imo: imo.expect("checked above"),
        vessel_name,
        carrier: party_code.filter(|_| CARRIER_ROLES.contains(&role.as_str())),
        publisher: publisher_code.unwrap_or_else(|| role.clone()),
        publisher_role: role,
        service: service.expect("checked above"),
        import_voyage: import_voyage.expect("checked above"),
        export_voyage,
        terminal,
        classifier: classifier.expect("checked above"),
        event_type: event_type.expect("checked above"),
        facility_type: facility_type.expect("checked above"),
        event_time: event_time.expect("checked above"),
        issued_at,
        delay_reason,
        remark,
    })
}

/// The publisher's name for our log, and its liner code (SMDG `LCL` or SCAC) when it has one.
fn publisher_identity(party: &Map<String, Value>) -> (Option<String>, Option<String>) {
    let codes: Vec<(&str, &str)> = party
        .get("identifyingCodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("DCSAResponsibleAgencyCode")?.as_str()?,
                c.get("partyCode")?.as_str()?,
            ))
        })
        .collect();
    let liner = codes
        .iter()
        .find(|(agency, _)| matches!(*agency, "SMDG" | "SCAC"))
        .map(|(_, c)| c.to_string());
    let name = codes.first().map(|(_, c)| c.to_string()).or_else(|| {
        party
            .get("partyName")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    (name, liner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    /// A carrier's estimate, shaped as JIT 1.2 defines it (our own sample).
    fn sample() -> Value {
        json!({
            "publisher": {
                "partyName": "Maersk A/S",
                "identifyingCodes": [{"DCSAResponsibleAgencyCode": "SMDG", "partyCode": "MSK", "codeListName": "LCL"}]
            },
            "publisherRole": "CA",
            "vesselIMONumber": "9074729",
            "vessel": {"vesselIMONumber": "9074729", "name": "MAERSK HORIZON", "type": "CONT"},
            "carrierServiceCode": "TP6",
            "carrierVoyageNumber": "2648E",
            "carrierImportVoyageNumber": "2648E",
            "carrierExportVoyageNumber": "2648W",
            "UNLocationCode": "USLAX",
            "facilitySMDGCode": "APMT",
            "facilityTypeCode": "BRTH",
            "eventLocation": {"UNLocationCode": "USLAX", "facilityCode": "APMT", "facilityCodeListProvider": "SMDG"},
            "eventClassifierCode": "EST",
            "operationsEventTypeCode": "ARRI",
            "eventDateTime": "2026-12-01T06:00:00-08:00",
            "eventCreatedDateTime": "2026-11-28T10:00:00Z",
            "delayReasonCode": "WEA",
            "remark": "weather in the North Pacific"
        })
    }

    #[test]
    fn a_carrier_estimate_is_read_and_normalised() {
        let p = parse(sample().to_string().as_bytes());
        assert_eq!(p.problems, vec![]);
        let t = &p.records[0];
        assert_eq!(t.call_ref(), "USLAX-9074729-2648E");
        assert_eq!(t.carrier.as_deref(), Some("MSK"));
        assert_eq!(t.publisher, "MSK");
        assert_eq!(t.terminal.as_deref(), Some("APMT"));
        assert_eq!(
            (t.classifier, t.event_type, t.facility_type),
            (Classifier::Est, EventType::Arri, FacilityType::Brth)
        );
        // 06:00 at UTC-8 is 14:00 UTC.
        assert_eq!(
            t.event_time,
            Utc.with_ymd_and_hms(2026, 12, 1, 14, 0, 0).unwrap()
        );
        assert_eq!(
            t.issued_at,
            Some(Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap())
        );
        let call_ref = t.call_ref();
        let e = t.clone().into_event(
            call_ref,
            Utc.with_ymd_and_hms(2026, 11, 28, 10, 1, 0).unwrap(),
        );
        assert_eq!(e.call_ref, "USLAX-9074729-2648E");
        assert_eq!(e.source, "dcsa-jit");
        assert_eq!(e.remark.as_deref(), Some("weather in the North Pacific"));
    }

    #[test]
    fn json_lines_split_into_runs_of_whole_lines_keep_their_numbers() {
        let text = "a\nbb\n\nccc\nd";
        for n in 1..=7 {
            let parts = split_at_lines(text, n);
            assert!(parts.len() <= n);
            assert_eq!(parts.iter().map(|(_, p)| *p).collect::<String>(), text);
            for (first, part) in &parts {
                let offset = part.as_ptr() as usize - text.as_ptr() as usize;
                assert_eq!(*first, text[..offset].matches('\n').count() + 1, "n = {n}");
                assert!(offset == 0 || text.as_bytes()[offset - 1] == b'\n');
            }
        }
    }

    #[test]
    fn problems_in_json_lines_name_the_line_whichever_worker_read_it() {
        let good = sample().to_string();
        let mut lines = vec![good.clone(); 9];
        lines[7] = "{not json".into();
        let text = lines.join("\n");
        let parsed = parse_file(&text);
        assert_eq!((parsed.read, parsed.records.len()), (9, 8));
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].location, "line 8");
        for (i, t) in parsed.records.iter().enumerate() {
            let line = if i < 7 { i + 1 } else { i + 2 };
            assert_eq!(t.path, format!("line {line}"));
        }
    }

    #[test]
    fn arrays_are_read_item_by_item_and_a_terminal_is_not_a_carrier() {
        let mut terminal = sample();
        terminal["publisherRole"] = json!("TR");
        terminal["publisher"] = json!({"partyName": "APM Terminals Pier 400"});
        terminal["eventClassifierCode"] = json!("ACT");
        terminal
            .as_object_mut()
            .unwrap()
            .remove("carrierImportVoyageNumber");
        let p = parse(json!([sample(), terminal]).to_string().as_bytes());
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.read, 2);
        assert_eq!(p.records[1].carrier, None);
        assert_eq!(p.records[1].publisher, "APM Terminals Pier 400");
        assert_eq!(
            p.records[1].import_voyage, "2648E",
            "from the deprecated carrierVoyageNumber"
        );
    }

    #[test]
    fn every_rule_names_its_json_path() {
        let mut bad = sample();
        bad["vesselIMONumber"] = json!("9074728");
        bad["vessel"]["vesselIMONumber"] = json!("9074729");
        bad["publisherRole"] = json!("CAPTAIN");
        bad["UNLocationCode"] = json!("LA");
        bad["eventLocation"]["UNLocationCode"] = json!("USLGB");
        bad["eventClassifierCode"] = json!("GUESS");
        bad["operationsEventTypeCode"] = json!("FLY");
        bad["facilityTypeCode"] = json!("DOCK");
        bad["eventDateTime"] = json!("2026-12-01 06:00");
        bad["delayReasonCode"] = json!("WEATHER");
        bad.as_object_mut().unwrap().remove("carrierServiceCode");
        let p = parse(json!([sample(), bad, 42]).to_string().as_bytes());
        let got: Vec<String> = p.problems.iter().map(|x| x.location.clone()).collect();
        assert_eq!(
            got,
            vec![
                "$[1].publisherRole",
                "$[1].vesselIMONumber",
                "$[1].vessel.vesselIMONumber",
                "$[1].carrierServiceCode",
                "$[1].UNLocationCode",
                "$[1].eventLocation.UNLocationCode",
                "$[1].eventClassifierCode",
                "$[1].operationsEventTypeCode",
                "$[1].facilityTypeCode",
                "$[1].eventDateTime",
                "$[1].delayReasonCode",
                "$[2]",
            ]
        );
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.read, 3);
        assert!(p.problems[1].message.contains("check digit"));
        assert!(p.problems[9].message.contains("offset"));
    }

    #[test]
    fn files_may_be_json_lines() {
        let mut bad = sample();
        bad["eventClassifierCode"] = json!("X");
        let text = format!("{}\n\n{}\n", sample(), bad);
        let p = parse_file(&text);
        assert_eq!(p.read, 2);
        assert_eq!(p.records[0].path, "line 1");
        assert_eq!(p.problems[0].location, "line 3.eventClassifierCode");
        assert_eq!(
            parse_file(&json!([sample()]).to_string()).records[0].path,
            "$[0]"
        );
    }

    #[test]
    fn not_json_is_one_problem() {
        let p = parse(b"{\"publisher\": ");
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].location, "$");
    }
}

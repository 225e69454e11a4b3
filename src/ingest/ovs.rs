//! DCSA Operational Vessel Schedules 3.0 (`ovs/v3`): `ServiceSchedule` → `VesselSchedule` →
//! `TransportCall` → `Timestamp`. Read from a JSON array (what a carrier posts to us) and
//! written in the same shape (what we publish at `GET /dcsa/ovs/v3/service-schedules`).
//!
//! OVS 3.0 itself defines only the GET; we accept the same document as a POST so that what one
//! system posts, another can read back.

use super::json::Fields;
use super::{Parsed, Problem};
use crate::config::is_locode;
use crate::domain::port_call::imo_is_valid;
use crate::domain::{Classifier, EventType, FacilityType, PortCall, PortCallEvent, Vessel};
use crate::storage::Service;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// OVS 3.0 port-call status codes (reference data `portcallstatuscodes-v300.csv`).
const STATUS_CODES: [&str; 8] = [
    "OMIT", "BLNK", "ADHO", "PHOT", "PHIN", "SLID", "ROTC", "CUTR",
];
/// Status codes that mean the vessel will not call.
const NOT_CALLING: [&str; 2] = ["OMIT", "BLNK"];

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSchedule {
    pub carrier_service_name: String,
    pub carrier_service_code: String,
    pub vessel_schedules: Vec<VesselSchedule>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VesselSchedule {
    #[serde(rename = "vesselOperatorSMDGLinerCode")]
    pub vessel_operator_smdg_liner_code: String,
    #[serde(rename = "vesselIMONumber")]
    pub vessel_imo_number: String,
    pub vessel_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vessel_call_sign: Option<String>,
    pub is_dummy_vessel: bool,
    pub transport_calls: Vec<TransportCall>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransportCall {
    pub transport_call_reference: String,
    pub carrier_import_voyage_number: String,
    pub carrier_export_voyage_number: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<String>,
    pub timestamps: Vec<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Location {
    /// `FACS` with a terminal, `UNLO` without.
    #[serde(rename = "locationType")]
    pub location_type: String,
    #[serde(rename = "UNLocationCode")]
    pub un_location_code: String,
    #[serde(rename = "facilitySMDGCode", skip_serializing_if = "Option::is_none")]
    pub facility_smdg_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timestamp {
    pub event_type_code: String,
    pub event_classifier_code: String,
    pub event_date_time: String,
}

/// Our calls as OVS service schedules: grouped by service, then vessel, calls in the order given.
pub fn publish(
    calls: &[PortCall],
    services: &[Service],
    vessels: &HashMap<String, Vessel>,
) -> Vec<ServiceSchedule> {
    let mut out: Vec<ServiceSchedule> = Vec::new();
    for call in calls {
        let name = services
            .iter()
            .find(|s| s.carrier == call.carrier && s.code == call.service)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| call.service.clone());
        let i = match out
            .iter()
            .position(|s| s.carrier_service_code == call.service && s.carrier_service_name == name)
        {
            Some(i) => i,
            None => {
                out.push(ServiceSchedule {
                    carrier_service_name: name,
                    carrier_service_code: call.service.clone(),
                    vessel_schedules: vec![],
                });
                out.len() - 1
            }
        };
        let schedules = &mut out[i].vessel_schedules;
        let j = match schedules.iter().position(|v| {
            v.vessel_imo_number == call.vessel_imo
                && v.vessel_operator_smdg_liner_code == call.carrier
        }) {
            Some(j) => j,
            None => {
                let vessel = vessels.get(&call.vessel_imo);
                schedules.push(VesselSchedule {
                    vessel_operator_smdg_liner_code: call.carrier.clone(),
                    vessel_imo_number: call.vessel_imo.clone(),
                    vessel_name: vessel.map(|v| v.name.clone()).unwrap_or_default(),
                    vessel_call_sign: vessel.and_then(|v| v.call_sign.clone()),
                    is_dummy_vessel: false,
                    transport_calls: vec![],
                });
                schedules.len() - 1
            }
        };
        schedules[j].transport_calls.push(transport_call(call));
    }
    out
}

fn transport_call(call: &PortCall) -> TransportCall {
    let t = &call.times;
    let stamp = |event: &str, classifier: &str, at: Option<DateTime<Utc>>| {
        at.map(|at| Timestamp {
            event_type_code: event.into(),
            event_classifier_code: classifier.into(),
            event_date_time: at.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    };
    TransportCall {
        transport_call_reference: call.call_ref.clone(),
        carrier_import_voyage_number: call.import_voyage.clone(),
        carrier_export_voyage_number: call.export_voyage.clone(),
        location: Location {
            location_type: if call.terminal.is_some() {
                "FACS"
            } else {
                "UNLO"
            }
            .into(),
            un_location_code: call.port.clone(),
            facility_smdg_code: call.terminal.clone(),
        },
        status_code: t.omitted.then(|| "OMIT".into()),
        timestamps: [
            stamp("ARRI", "PLN", t.planned_arrival),
            stamp("ARRI", "EST", t.estimated_arrival),
            stamp("ARRI", "ACT", t.actual_berth_arrival),
            stamp("DEPA", "PLN", t.planned_departure),
            stamp("DEPA", "EST", t.estimated_departure),
            stamp("DEPA", "ACT", t.actual_departure),
        ]
        .into_iter()
        .flatten()
        .collect(),
    }
}

/// One OVS timestamp as posted.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleStamp {
    pub event_type: EventType,
    pub classifier: Classifier,
    pub at: DateTime<Utc>,
    pub delay_reason: Option<String>,
    pub remark: Option<String>,
}

/// One transport call as posted, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledCall {
    pub path: String,
    pub carrier: String,
    pub service_code: String,
    pub service_name: String,
    pub vessel: Vessel,
    pub port: String,
    pub terminal: Option<String>,
    pub import_voyage: String,
    pub export_voyage: Option<String>,
    pub omitted: bool,
    pub timestamps: Vec<ScheduleStamp>,
}

impl ScheduledCall {
    pub fn call_ref(&self) -> String {
        format!("{}-{}-{}", self.port, self.vessel.imo, self.import_voyage)
    }

    /// The call's timestamps as events; an omitted call also gets an `OMIT`, placed at its
    /// earliest time so that a re-sent schedule is the same event.
    pub fn events(&self, received_at: DateTime<Utc>) -> Vec<PortCallEvent> {
        let event =
            |event_type, classifier, at, delay_reason: &Option<String>, remark: &Option<String>| {
                PortCallEvent {
                    call_ref: self.call_ref(),
                    source: "ovs".into(),
                    publisher: self.carrier.clone(),
                    classifier,
                    event_type,
                    facility_type: FacilityType::Unspecified,
                    event_time: at,
                    issued_at: None,
                    received_at,
                    delay_reason: delay_reason.clone(),
                    remark: remark.clone(),
                }
            };
        let mut events: Vec<PortCallEvent> = self
            .timestamps
            .iter()
            .map(|t| event(t.event_type, t.classifier, t.at, &t.delay_reason, &t.remark))
            .collect();
        if let (true, Some(first)) = (self.omitted, self.timestamps.iter().map(|t| t.at).min()) {
            events.push(event(EventType::Omit, Classifier::Pln, first, &None, &None));
        }
        events
    }
}

/// Parses a JSON array of `ServiceSchedule`s; `read` counts transport calls. Also returns how
/// many vessel schedules were of dummy vessels (placeholders without an IMO number), not read.
pub fn parse(body: &[u8]) -> (Parsed<ScheduledCall>, usize) {
    let mut out = Parsed::default();
    let mut dummies = 0;
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            out.problems
                .push(Problem::new("$", format!("not JSON: {e}")));
            return (out, 0);
        }
    };
    let Some(services) = value.as_array() else {
        out.problems.push(Problem::new(
            "$",
            "expected a JSON array of ServiceSchedule objects",
        ));
        return (out, 0);
    };
    for (i, service) in services.iter().enumerate() {
        let path = format!("$[{i}]");
        let Some(object) = service.as_object() else {
            out.problems
                .push(Problem::new(&path, "expected a ServiceSchedule object"));
            continue;
        };
        let mut f = Fields::new(&path, object);
        let service_name = f.text("carrierServiceName", 50, true);
        let service_code = f.text("carrierServiceCode", 11, true);
        let vessel_schedules = object
            .get("vesselSchedules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        out.problems.append(&mut f.problems);
        let (Some(service_name), Some(service_code)) = (service_name, service_code) else {
            continue;
        };
        for (j, schedule) in vessel_schedules.iter().enumerate() {
            let path = format!("{path}.vesselSchedules[{j}]");
            let Some(object) = schedule.as_object() else {
                out.problems
                    .push(Problem::new(&path, "expected a VesselSchedule object"));
                continue;
            };
            let mut f = Fields::new(&path, object);
            let carrier = f.text("vesselOperatorSMDGLinerCode", 10, true);
            match object.get("isDummyVessel") {
                Some(Value::Bool(true)) => {
                    dummies += 1;
                    continue;
                }
                Some(Value::Bool(false)) => {}
                _ => f.problem("isDummyVessel", "required: true or false"),
            }
            let imo = f.text("vesselIMONumber", 7, true);
            if let Some(imo) = imo.as_deref().filter(|i| !imo_is_valid(i)) {
                f.problem(
                    "vesselIMONumber",
                    format!("'{imo}' is not an IMO number (7 digits, the last a check digit)"),
                );
            }
            let name = f.text("vesselName", 35, false);
            let call_sign = f.text("vesselCallSign", 10, false);
            let calls = object
                .get("transportCalls")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            out.problems.append(&mut f.problems);
            let (Some(carrier), Some(imo)) = (carrier, imo) else {
                continue;
            };
            let vessel = Vessel {
                name: name.unwrap_or_else(|| format!("IMO {imo}")),
                imo,
                mmsi: None,
                call_sign,
                operator: Some(carrier.clone()),
                teu_capacity: None,
            };
            for (k, call) in calls.iter().enumerate() {
                out.read += 1;
                let path = format!("{path}.transportCalls[{k}]");
                match transport_call_in(&path, call) {
                    Ok(mut c) => {
                        c.carrier = carrier.clone();
                        c.service_code = service_code.clone();
                        c.service_name = service_name.clone();
                        c.vessel = vessel.clone();
                        out.records.push(c);
                    }
                    Err(mut problems) => out.problems.append(&mut problems),
                }
            }
        }
    }
    (out, dummies)
}

fn transport_call_in(path: &str, value: &Value) -> Result<ScheduledCall, Vec<Problem>> {
    let Some(object) = value.as_object() else {
        return Err(vec![Problem::new(path, "expected a TransportCall object")]);
    };
    let mut f = Fields::new(path, object);
    f.text("transportCallReference", 100, true);
    let import_voyage = f.text("carrierImportVoyageNumber", 50, true);
    let export_voyage = f.text("carrierExportVoyageNumber", 50, false);
    let (mut port, mut terminal) = (None, None);
    match object.get("location").and_then(Value::as_object) {
        Some(location) => {
            let location_path = format!("{path}.location");
            let mut l = Fields::new(&location_path, location);
            port = l.text("UNLocationCode", 5, true).map(|p| p.to_uppercase());
            if let Some(p) = port.as_deref().filter(|p| !is_locode(p)) {
                l.problem(
                    "UNLocationCode",
                    format!("'{p}' is not a UN/LOCODE (e.g. USLAX)"),
                );
            }
            terminal = l.text("facilitySMDGCode", 6, false);
            f.problems.append(&mut l.problems);
        }
        None => f.problem("location", "required: an object with UNLocationCode"),
    }
    let mut statuses: Vec<String> = f.text("statusCode", 4, false).into_iter().collect();
    if let Some(list) = object.get("statusCodes").and_then(Value::as_array) {
        statuses.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for s in statuses
        .iter()
        .filter(|s| !STATUS_CODES.contains(&s.as_str()))
    {
        f.problem(
            "statusCode",
            format!("'{s}' is not one of {}", STATUS_CODES.join(", ")),
        );
    }
    let mut timestamps = Vec::new();
    for (i, stamp) in object
        .get("timestamps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let stamp_path = format!("{path}.timestamps[{i}]");
        let Some(stamp) = stamp.as_object() else {
            f.problems
                .push(Problem::new(&stamp_path, "expected a Timestamp object"));
            continue;
        };
        let mut s = Fields::new(&stamp_path, stamp);
        let event_type = s.code(
            "eventTypeCode",
            |c| EventType::from_code(c).filter(|e| matches!(e, EventType::Arri | EventType::Depa)),
            &["ARRI", "DEPA"],
        );
        let classifier = s.code(
            "eventClassifierCode",
            |c| Classifier::from_code(c).filter(|c| *c != Classifier::Req),
            &["PLN", "EST", "ACT"],
        );
        let at = s.date_time("eventDateTime", true);
        let delay = s.text("delayReasonCode", 3, false);
        let remark = s.text("changeRemark", 250, false);
        f.problems.append(&mut s.problems);
        if let (Some(e), Some(c), Some(at)) = (event_type, classifier, at) {
            timestamps.push(ScheduleStamp {
                event_type: e,
                classifier: c,
                at,
                delay_reason: delay,
                remark,
            });
        }
    }
    let omitted = statuses.iter().any(|s| NOT_CALLING.contains(&s.as_str()));
    if omitted && timestamps.is_empty() {
        f.problem(
            "timestamps",
            "an omitted call needs at least one timestamp to place it",
        );
    }
    if !f.problems.is_empty() {
        return Err(f.problems);
    }
    Ok(ScheduledCall {
        path: path.to_owned(),
        carrier: String::new(),
        service_code: String::new(),
        service_name: String::new(),
        vessel: Vessel {
            imo: String::new(),
            name: String::new(),
            mmsi: None,
            call_sign: None,
            operator: None,
            teu_capacity: None,
        },
        port: port.expect("checked above"),
        terminal,
        import_voyage: import_voyage.expect("checked above"),
        export_voyage,
        omitted,
        timestamps,
    })
}

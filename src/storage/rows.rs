//! Row types between SQL and the domain, and the column lists that go with them.

use crate::accounts::{User, UserRole};
use crate::auth::{ApiToken, Role};
use crate::domain::accuracy::{ForecastKind, IssuedForecast};
use crate::domain::forecast::Band;
use crate::domain::{
    CallTimes, Classifier, EventType, FacilityType, MonthlyStats, Port, PortCall, PortCallEvent,
    Terminal, TeuMoves, Vessel,
};
use chrono::{DateTime, Utc};

pub const PORT_COLUMNS: &str = "locode, name, time_zone";
pub const TERMINAL_COLUMNS: &str =
    "port_locode, code, name, berths, gang_moves_per_hour, daily_capacity_teu";
pub const VESSEL_COLUMNS: &str = "imo, name, mmsi, call_sign, operator_code, teu_capacity";
pub const TIME_COLUMNS: &str = "omitted, planned_arrival, estimated_arrival, requested_arrival, \
    actual_anchorage_arrival, actual_berth_arrival, planned_departure, estimated_departure, actual_departure";
pub const PORT_CALL_COLUMNS: &str =
    "call_ref, port_locode, terminal_code, vessel_imo, carrier_code, \
    service_code, import_voyage, export_voyage, omitted, planned_arrival, estimated_arrival, \
    requested_arrival, actual_anchorage_arrival, actual_berth_arrival, planned_departure, \
    estimated_departure, actual_departure, best_arrival, exp_discharge_laden_teu, \
    exp_discharge_empty_teu, exp_load_laden_teu, exp_load_empty_teu, act_discharge_laden_teu, \
    act_discharge_empty_teu, act_load_laden_teu, act_load_empty_teu, rail_share";
pub const EVENT_COLUMNS: &str =
    "call_ref, source, publisher, classifier, event_type, facility_type, \
    event_time, issued_at, received_at, delay_reason, remark";
pub const TOKEN_COLUMNS: &str = "id, prefix, role, label, created_at, last_used_at, revoked_at";
pub const ISSUED_COLUMNS: &str =
    "port_locode, kind, series, issue, target, horizon, as_of, method, p10, p50, p90, reproduced, issued_at";
pub const STATS_COLUMNS: &str =
    "port_locode, month, loaded_imports, loaded_exports, empty_imports, empty_exports, empties, total_teu";

#[derive(sqlx::FromRow)]
pub struct PortRow {
    locode: String,
    name: String,
    time_zone: String,
}

impl From<PortRow> for Port {
    fn from(r: PortRow) -> Self {
        Port {
            locode: r.locode,
            name: r.name,
            time_zone: r.time_zone,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct TerminalRow {
    port_locode: String,
    code: String,
    name: String,
    berths: i32,
    gang_moves_per_hour: f64,
    daily_capacity_teu: f64,
}

impl From<TerminalRow> for Terminal {
    fn from(r: TerminalRow) -> Self {
        Terminal {
            port: r.port_locode,
            code: r.code,
            name: r.name,
            berths: r.berths,
            gang_moves_per_hour: r.gang_moves_per_hour,
            daily_capacity_teu: r.daily_capacity_teu,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct VesselRow {
    imo: String,
    name: String,
    mmsi: Option<String>,
    call_sign: Option<String>,
    operator_code: Option<String>,
    teu_capacity: Option<i32>,
}

impl From<VesselRow> for Vessel {
    fn from(r: VesselRow) -> Self {
        Vessel {
            imo: r.imo,
            name: r.name,
            mmsi: r.mmsi,
            call_sign: r.call_sign,
            operator: r.operator_code,
            teu_capacity: r.teu_capacity,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct TimesRow {
    omitted: bool,
    planned_arrival: Option<DateTime<Utc>>,
    estimated_arrival: Option<DateTime<Utc>>,
    requested_arrival: Option<DateTime<Utc>>,
    actual_anchorage_arrival: Option<DateTime<Utc>>,
    actual_berth_arrival: Option<DateTime<Utc>>,
    planned_departure: Option<DateTime<Utc>>,
    estimated_departure: Option<DateTime<Utc>>,
    actual_departure: Option<DateTime<Utc>>,
}

impl From<TimesRow> for CallTimes {
    fn from(r: TimesRow) -> Self {
        CallTimes {
            planned_arrival: r.planned_arrival,
            estimated_arrival: r.estimated_arrival,
            requested_arrival: r.requested_arrival,
            actual_anchorage_arrival: r.actual_anchorage_arrival,
            actual_berth_arrival: r.actual_berth_arrival,
            planned_departure: r.planned_departure,
            estimated_departure: r.estimated_departure,
            actual_departure: r.actual_departure,
            omitted: r.omitted,
        }
    }
}

/// A call's reference with its times.
#[derive(sqlx::FromRow)]
pub struct CallTimesRow {
    pub call_ref: String,
    #[sqlx(flatten)]
    pub times: TimesRow,
}

#[derive(sqlx::FromRow)]
pub struct PortCallRow {
    call_ref: String,
    port_locode: String,
    terminal_code: Option<String>,
    vessel_imo: String,
    carrier_code: String,
    service_code: String,
    import_voyage: String,
    export_voyage: String,
    #[sqlx(flatten)]
    times: TimesRow,
    exp_discharge_laden_teu: f64,
    exp_discharge_empty_teu: f64,
    exp_load_laden_teu: f64,
    exp_load_empty_teu: f64,
    act_discharge_laden_teu: Option<f64>,
    act_discharge_empty_teu: Option<f64>,
    act_load_laden_teu: Option<f64>,
    act_load_empty_teu: Option<f64>,
    rail_share: f64,
}

impl From<PortCallRow> for PortCall {
    fn from(r: PortCallRow) -> Self {
        // Actual moves are stored all four or none.
        let actual = match (
            r.act_discharge_laden_teu,
            r.act_discharge_empty_teu,
            r.act_load_laden_teu,
            r.act_load_empty_teu,
        ) {
            (Some(dl), Some(de), Some(ll), Some(le)) => Some(TeuMoves {
                discharge_laden: dl,
                discharge_empty: de,
                load_laden: ll,
                load_empty: le,
            }),
            _ => None,
        };
        PortCall {
            call_ref: r.call_ref,
            port: r.port_locode,
            terminal: r.terminal_code,
            vessel_imo: r.vessel_imo,
            carrier: r.carrier_code,
            service: r.service_code,
            import_voyage: r.import_voyage,
            export_voyage: r.export_voyage,
            times: r.times.into(),
            expected: TeuMoves {
                discharge_laden: r.exp_discharge_laden_teu,
                discharge_empty: r.exp_discharge_empty_teu,
                load_laden: r.exp_load_laden_teu,
                load_empty: r.exp_load_empty_teu,
            },
            actual,
            rail_share: r.rail_share,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    call_ref: String,
    source: String,
    publisher: String,
    classifier: String,
    event_type: String,
    facility_type: String,
    event_time: DateTime<Utc>,
    issued_at: Option<DateTime<Utc>>,
    received_at: DateTime<Utc>,
    delay_reason: Option<String>,
    remark: Option<String>,
}

impl TryFrom<EventRow> for PortCallEvent {
    type Error = sqlx::Error;

    fn try_from(r: EventRow) -> Result<Self, Self::Error> {
        fn code<T>(parsed: Option<T>, column: &str, value: &str) -> Result<T, sqlx::Error> {
            parsed.ok_or_else(|| {
                sqlx::Error::Decode(format!("{column}: unknown code '{value}'").into())
            })
        }
        Ok(PortCallEvent {
            classifier: code(
                Classifier::from_code(&r.classifier),
                "classifier",
                &r.classifier,
            )?,
            event_type: code(
                EventType::from_code(&r.event_type),
                "event_type",
                &r.event_type,
            )?,
            facility_type: code(
                FacilityType::from_code(&r.facility_type),
                "facility_type",
                &r.facility_type,
            )?,
            call_ref: r.call_ref,
            source: r.source,
            publisher: r.publisher,
            event_time: r.event_time,
            issued_at: r.issued_at,
            received_at: r.received_at,
            delay_reason: r.delay_reason,
            remark: r.remark,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct StatsRow {
    port_locode: String,
    month: String,
    loaded_imports: f64,
    loaded_exports: f64,
    empty_imports: Option<f64>,
    empty_exports: Option<f64>,
    empties: f64,
    total_teu: f64,
}

impl From<StatsRow> for MonthlyStats {
    fn from(r: StatsRow) -> Self {
        MonthlyStats {
            port: r.port_locode,
            month: r.month,
            loaded_imports: r.loaded_imports,
            loaded_exports: r.loaded_exports,
            empty_imports: r.empty_imports,
            empty_exports: r.empty_exports,
            empties: r.empties,
            total_teu: r.total_teu,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    id: i64,
    prefix: String,
    role: String,
    label: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn into_token(self, ports: Vec<String>) -> Result<ApiToken, sqlx::Error> {
        let role = Role::from_code(&self.role).ok_or_else(|| {
            sqlx::Error::Decode(format!("role: unknown code '{}'", self.role).into())
        })?;
        Ok(ApiToken {
            id: self.id,
            prefix: self.prefix,
            role,
            label: self.label,
            ports,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct IssuedRow {
    port_locode: String,
    kind: String,
    series: String,
    issue: String,
    target: String,
    horizon: i32,
    as_of: DateTime<Utc>,
    method: String,
    p10: f64,
    p50: f64,
    p90: f64,
    reproduced: bool,
    issued_at: DateTime<Utc>,
}

impl TryFrom<IssuedRow> for IssuedForecast {
    type Error = sqlx::Error;

    fn try_from(r: IssuedRow) -> Result<Self, sqlx::Error> {
        let kind = ForecastKind::from_code(&r.kind).ok_or_else(|| {
            sqlx::Error::Decode(format!("kind: unknown code '{}'", r.kind).into())
        })?;
        Ok(IssuedForecast {
            port: r.port_locode,
            kind,
            series: r.series,
            issue: r.issue,
            target: r.target,
            horizon: r.horizon,
            as_of: r.as_of,
            method: r.method,
            band: Band {
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
            },
            reproduced: r.reproduced,
            issued_at: r.issued_at,
        })
    }
}

pub const USER_COLUMNS: &str =
    "id, email, role, organisation_id, session_epoch, created_at, disabled_at";

#[derive(sqlx::FromRow)]
pub struct UserRow {
    id: i64,
    email: String,
    role: String,
    organisation_id: Option<i64>,
    session_epoch: i64,
    created_at: DateTime<Utc>,
    disabled_at: Option<DateTime<Utc>>,
    password_hash: String,
}

impl UserRow {
    pub fn into_user_and_hash(self) -> Result<(User, String), sqlx::Error> {
        let role = UserRole::from_code(&self.role).ok_or_else(|| {
            sqlx::Error::Decode(format!("role: unknown code '{}'", self.role).into())
        })?;
        Ok((
            User {
                id: self.id,
                email: self.email,
                role,
                organisation_id: self.organisation_id,
                session_epoch: self.session_epoch,
                created_at: self.created_at,
                disabled_at: self.disabled_at,
            },
            self.password_hash,
        ))
    }
}

pub const CALL_WEEK_COLUMNS: &str =
    "iso_year, iso_week, carrier_code, service_code, terminal_code, \
    berthed, scored, on_time, delay_minutes, anchored, wait_tenths, max_wait_tenths";

/// One weekly rollup cell (see `domain::rollup`).
#[derive(sqlx::FromRow)]
pub struct CallWeekRow {
    iso_year: i32,
    iso_week: i32,
    carrier_code: String,
    service_code: String,
    terminal_code: String,
    berthed: i64,
    scored: i64,
    on_time: i64,
    delay_minutes: i64,
    anchored: i64,
    wait_tenths: i64,
    max_wait_tenths: i64,
}

impl From<CallWeekRow> for crate::domain::rollup::WeekCell {
    fn from(r: CallWeekRow) -> Self {
        crate::domain::rollup::WeekCell {
            week: crate::domain::IsoWeek {
                year: r.iso_year,
                week: r.iso_week as u32,
            },
            carrier: r.carrier_code,
            service: r.service_code,
            terminal: r.terminal_code,
            berthed: r.berthed,
            scored: r.scored,
            on_time: r.on_time,
            delay_minutes: r.delay_minutes,
            anchored: r.anchored,
            wait_tenths: r.wait_tenths,
            max_wait_tenths: r.max_wait_tenths,
        }
    }
}

pub const BERTH_COLUMNS: &str = "port_locode, carrier_code, service_code, terminal_code, \
    omitted, planned_arrival, actual_anchorage_arrival, actual_berth_arrival";

/// What the weekly rollups read of a call (see `domain::rollup::Berth`).
#[derive(sqlx::FromRow)]
pub struct BerthRow {
    pub port_locode: String,
    carrier_code: String,
    service_code: String,
    terminal_code: Option<String>,
    omitted: bool,
    planned_arrival: Option<DateTime<Utc>>,
    actual_anchorage_arrival: Option<DateTime<Utc>>,
    actual_berth_arrival: Option<DateTime<Utc>>,
}

impl<'a> From<&'a BerthRow> for crate::domain::rollup::Berth<'a> {
    fn from(r: &'a BerthRow) -> Self {
        crate::domain::rollup::Berth {
            carrier: &r.carrier_code,
            service: &r.service_code,
            terminal: r.terminal_code.as_deref(),
            omitted: r.omitted,
            planned_arrival: r.planned_arrival,
            actual_anchorage_arrival: r.actual_anchorage_arrival,
            actual_berth_arrival: r.actual_berth_arrival,
        }
    }
}

//! What the server sends to pages: plain, serialisable, already formatted where formatting is
//! the server's business (numbers stay numbers; the SVG chart is drawn on the server).
//! Public pages get only aggregates: nothing here identifies one shipper's cargo.

use serde::{Deserialize, Serialize};

/// Horizons the public page offers, in weeks.
pub const HORIZONS: [u32; 2] = [3, 6];
pub const DEFAULT_HORIZON: u32 = 3;
pub const MAX_HORIZON: u32 = 8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorView {
    pub port: String,
    pub port_name: String,
    pub time_zone: String,
    /// When the figures were computed, in the port's local time, e.g. "2026-11-29 04:51 PST".
    pub as_of_local: String,
    pub weeks: Vec<WeekRow>,
    /// The monthly and full-year forecast; `None` until the port's statistics are imported.
    pub monthly: Option<MonthlyView>,
    /// The import/export balance over the last twelve months of statistics.
    pub balance: Option<TrailingRatio>,
    pub en_route: u32,
    pub at_anchor: u32,
    pub at_berth: u32,
    /// The week chart, drawn on the server (plotters, SVG).
    pub chart_svg: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekRow {
    /// `YYYY-Www`.
    pub iso_week: String,
    /// Monday, `YYYY-MM-DD`.
    pub start: String,
    /// The median of the outlook (P50), and its P10-P90 band.
    pub import_teu: f64,
    pub p10: f64,
    pub p90: f64,
    /// Expected vessel arrivals (a mean over the outlook's draws, rounded).
    pub vessels: u32,
    pub year_ago_teu: Option<f64>,
    pub wow_pct: Option<f64>,
    pub yoy_pct: Option<f64>,
}

/// Weeks the outlook page offers, and its default.
pub const OUTLOOK_WEEKS: [u32; 3] = [3, 6, 8];
pub const DEFAULT_OUTLOOK_WEEKS: u32 = 6;

/// The weekly outlook by terminal and carrier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutlookView {
    pub port: String,
    pub port_name: String,
    pub time_zone: String,
    /// RFC 3339 UTC, to the minute, and the same in the port's local time.
    pub as_of: String,
    pub as_of_local: String,
    pub weeks: Vec<WeekRow>,
    /// Per week (as `weeks`): expected import TEU, laden and by rail.
    pub expected: Vec<crate::domain::split::Split>,
    pub terminals: Vec<GroupRow>,
    pub carriers: Vec<GroupRow>,
    /// The band with the same weeks a year earlier; expected TEU stacked by terminal.
    pub chart_svg: String,
    pub terminals_svg: String,
}

/// One terminal's or carrier's expected import TEU in each week shown, and its split over them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub key: String,
    pub name: String,
    pub weekly_teu: Vec<f64>,
    pub total: crate::domain::split::Split,
}

/// Labour planning for port staff: gangs per terminal and shift for the coming days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabourView {
    pub port: String,
    pub port_name: String,
    pub time_zone: String,
    pub as_of_local: String,
    pub shifts: Vec<crate::domain::labour::Shift>,
    /// How much more than stated the moves of 1 call in 10 turn out (the P90 of actual over
    /// stated moves of the last half year's calls; at least 1).
    pub p90_factor: f64,
    pub terminals: Vec<TerminalLabour>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TerminalLabour {
    pub code: String,
    pub name: String,
    pub gang_moves_per_hour: f64,
    pub daily_capacity_teu: f64,
    pub days: Vec<LabourDay>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabourDay {
    /// `YYYY-MM-DD`, local.
    pub date: String,
    pub over_capacity: bool,
    /// In the order of the view's shifts.
    pub shifts: Vec<crate::domain::labour::ShiftNeed>,
}

/// A cargo owner's page: the volume of the carriers and services its organisation follows,
/// their ETA changes since the last visit, and the user's watchlist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnerView {
    pub port: String,
    pub port_name: String,
    pub time_zone: String,
    pub as_of_local: String,
    pub organisation: String,
    /// `MSK` (every service) or `MSK:TP6`.
    pub follows: Vec<String>,
    /// The previous visit, local; `None` on the first.
    pub since_local: Option<String>,
    /// Column order of the weeks' terminals.
    pub terminals: Vec<String>,
    pub weeks: Vec<OwnerWeekRow>,
    pub changed: Vec<OwnerCall>,
    pub watchlist: Vec<WatchRow>,
    /// What may be added to the watchlist: (IMO, vessel name) and (CARRIER:SERVICE, label).
    pub vessel_options: Vec<(String, String)>,
    pub service_options: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnerWeekRow {
    pub iso_week: String,
    /// Monday, `YYYY-MM-DD`.
    pub start: String,
    pub import_teu: f64,
    pub vessels: usize,
    /// In the order of the view's terminals.
    pub by_terminal: Vec<f64>,
}

/// A coming call as an owner follows it, with its ETA history (local times).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnerCall {
    pub call_ref: String,
    pub vessel: String,
    pub imo: String,
    pub carrier: String,
    pub service: String,
    pub voyage: String,
    pub terminal: String,
    pub import_teu: f64,
    pub eta: String,
    /// The ETA at the previous visit (empty: none then).
    pub eta_before: String,
    /// (known at, ETA), oldest first.
    pub history: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchRow {
    /// `vessel` or `service`.
    pub kind: String,
    pub key: String,
    pub label: String,
    pub calls: Vec<OwnerCall>,
}

/// What `/admin` lists: never a password hash or a token's secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub users: Vec<AdminUser>,
    pub organisations: Vec<AdminOrganisation>,
    pub tokens: Vec<AdminToken>,
    pub ports: Vec<AdminPort>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminUser {
    pub email: String,
    pub role: String,
    pub organisation: String,
    pub created: String,
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOrganisation {
    pub name: String,
    pub follows: String,
    pub users: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminToken {
    pub id: i64,
    pub prefix: String,
    pub role: String,
    pub label: String,
    pub ports: String,
    pub created: String,
    /// Empty: never used.
    pub last_used: String,
    /// Empty: in force.
    pub revoked: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminPort {
    pub locode: String,
    pub name: String,
    pub time_zone: String,
    pub shifts: String,
    pub terminals: Vec<crate::domain::Terminal>,
}

/// Congestion: the queue at anchor now and waiting times by week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CongestionView {
    pub port: String,
    pub port_name: String,
    pub as_of_local: String,
    pub weeks: u32,
    pub queue: Vec<QueueRow>,
    pub trend: Vec<crate::domain::congestion::WeekWaits>,
    /// Mean wait of the calls that anchored over the last four whole weeks, in hours.
    pub recent_mean_wait_hours: Option<f64>,
    pub trend_svg: String,
}

/// A ship at anchor now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub vessel: String,
    pub carrier: String,
    pub terminal: String,
    /// Local time it anchored.
    pub anchored: String,
    pub waiting_hours: f64,
}

/// Schedule reliability over the last weeks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityView {
    pub port: String,
    pub port_name: String,
    pub as_of_local: String,
    /// Calls that berthed in this many weeks before now count.
    pub weeks: u32,
    pub on_time_hours: f64,
    pub port_wide: Option<crate::domain::reliability::Reliability>,
    /// Carrier rows have the carrier's code as key; service rows "carrier service".
    pub carriers: Vec<crate::domain::reliability::Reliability>,
    pub services: Vec<crate::domain::reliability::Reliability>,
    pub trend: Vec<crate::domain::reliability::Reliability>,
    /// On-time share by week (SVG).
    pub trend_svg: String,
}

/// The arrivals list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArrivalsView {
    pub port: String,
    pub port_name: String,
    pub time_zone: String,
    pub as_of_local: String,
    pub query: crate::domain::arrivals::ArrivalsQuery,
    pub rows: Vec<ArrivalRow>,
    /// Calls matching the query, the page shown (1-based) and how many pages there are.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// What the filters offer: (code, name).
    pub terminals: Vec<(String, String)>,
    pub carriers: Vec<String>,
    pub services: Vec<(String, String)>,
}

/// One call in the arrivals list; times in the port's local time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArrivalRow {
    pub call_ref: String,
    pub vessel: String,
    pub imo: String,
    pub carrier: String,
    pub service: String,
    pub voyage: String,
    pub terminal: String,
    /// Status code (`en_route`) and how people say it ("en route").
    pub status: String,
    pub status_label: String,
    pub scheduled: String,
    pub latest: String,
    /// "14 h late", "on schedule"; empty when there is nothing to compare.
    pub change: String,
    pub discharge_teu: f64,
    pub load_teu: f64,
}

/// The import/export balance page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BalanceView {
    pub port: String,
    pub port_name: String,
    /// Every month with statistics, oldest first.
    pub months: Vec<crate::domain::balance::BalanceMonth>,
    pub years: Vec<crate::domain::balance::YearTotals>,
    /// "exports down on a year earlier in 21 of the last 22 months", when there is a run.
    pub export_run: Option<String>,
    pub trailing: Option<TrailingRatio>,
    /// Loaded imports, loaded exports and empties by month; the ratio by month (SVG).
    pub volumes_svg: String,
    pub ratio_svg: String,
}

/// Loaded imports per loaded export over the months `from`-`to` (up to twelve).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrailingRatio {
    pub ratio: f64,
    pub from: String,
    pub to: String,
}

impl TrailingRatio {
    /// "3.9 loaded imports for every loaded export (Nov 2025 to Oct 2026)".
    pub fn sentence(&self) -> String {
        format!(
            "{:.1} loaded imports for every loaded export ({} to {})",
            self.ratio,
            month_label(&self.from),
            month_label(&self.to)
        )
    }
}

/// The monthly forecast as the public page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthlyView {
    /// The latest month with statistics, `YYYY-MM`.
    pub as_of: String,
    /// The model of each series and why, in a sentence.
    pub method: String,
    pub months: Vec<MonthRow>,
    pub year: i32,
    pub year_actual_to_date: f64,
    pub year_total: BandView,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    pub total_teu: BandView,
    pub loaded_imports: BandView,
    pub loaded_exports: BandView,
}

/// P10, P50 and P90 of a forecast figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BandView {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// The accuracy page: what was forecast against what happened, by horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccuracyView {
    pub port: String,
    pub port_name: String,
    pub as_of_local: String,
    pub weekly: SeriesAccuracyView,
    pub monthly: Vec<SeriesAccuracyView>,
    pub yearly: SeriesAccuracyView,
    /// Forecasts made a week ahead against what arrived, drawn on the server.
    pub chart_svg: String,
    /// Whether the chart has points (it needs weeks that have ended since the first issue).
    pub chart_points: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesAccuracyView {
    /// The API's name of the series, e.g. `total_teu`.
    pub series: String,
    /// What people call it, e.g. "Total TEU".
    pub label: String,
    pub issues: usize,
    pub reproduced_issues: usize,
    pub first_issue: Option<String>,
    pub latest_issue: Option<String>,
    pub horizons: Vec<HorizonRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HorizonRow {
    pub horizon: i32,
    /// "this week", "1 week ahead", "3 months ahead", …
    pub label: String,
    pub forecasts: usize,
    pub mape_pct: f64,
    pub bias_pct: f64,
    pub coverage_pct: f64,
}

/// How far ahead, as people say it.
pub fn horizon_label(horizon: i32, unit: &str, current: &str) -> String {
    match horizon {
        0 => current.to_string(),
        1 => format!("1 {unit} ahead"),
        h => format!("{h} {unit}s ahead"),
    }
}

/// `2026-11` -> "Nov 2026".
pub fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match month.split_once('-').map(|(y, m)| (y, m.parse::<usize>())) {
        Some((y, Ok(m @ 1..=12))) => format!("{} {y}", NAMES[m - 1]),
        _ => month.to_string(),
    }
}

/// Unsigned percentage with one decimal.
pub fn share(x: f64) -> String {
    format!("{x:.1}\u{a0}%")
}

/// The outlook page's weeks: one it offers, else its default.
pub fn outlook_weeks(requested: Option<u32>) -> u32 {
    requested
        .filter(|w| OUTLOOK_WEEKS.contains(w))
        .unwrap_or(DEFAULT_OUTLOOK_WEEKS)
}

/// Clamps a requested horizon into what the page supports.
pub fn horizon(requested: Option<u32>) -> u32 {
    requested.unwrap_or(DEFAULT_HORIZON).clamp(1, MAX_HORIZON)
}

/// 1234567.4 -> "1,234,567".
pub fn teu(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Signed percentage with one decimal, or an em dash when there is nothing to compare with.
pub fn pct(x: Option<f64>) -> String {
    match x {
        // A no-break space keeps number and sign together in narrow table cells.
        Some(p) if p > 0.0 => format!("+{p:.1}\u{a0}%"),
        Some(p) => format!("{p:.1}\u{a0}%"),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(teu(1234567.4), "1,234,567");
        assert_eq!(teu(999.5), "1,000");
        assert_eq!(teu(-4200.0), "-4,200");
        assert_eq!(pct(Some(25.0)), "+25.0\u{a0}%");
        assert_eq!(pct(Some(-3.04)), "-3.0\u{a0}%");
        assert_eq!(pct(None), "—");
        assert_eq!(horizon(Some(40)), 8);
        assert_eq!(horizon(None), 3);
        assert_eq!(month_label("2026-11"), "Nov 2026");
        assert_eq!(month_label("2026-13"), "2026-13");
        assert_eq!(horizon_label(0, "week", "this week"), "this week");
        assert_eq!(horizon_label(1, "week", "this week"), "1 week ahead");
        assert_eq!(horizon_label(12, "month", "-"), "12 months ahead");
        assert_eq!(share(79.96), "80.0\u{a0}%");
    }
}

/// The API's reference, as the docs page shows it (made from the OpenAPI document).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiDocsView {
    pub title: String,
    pub version: String,
    pub description: String,
    pub endpoints: Vec<ApiEndpoint>,
    pub schemas: Vec<ApiSchema>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiEndpoint {
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: String,
    /// Needs a provider's bearer token.
    pub secured: bool,
    pub params: Vec<ApiField>,
    /// Content type and what it holds.
    pub body: Option<(String, String)>,
    pub responses: Vec<ApiResponse>,
}

/// A parameter or a schema's field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiField {
    pub name: String,
    /// `path`, `query`; empty for a schema's field.
    pub location: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiResponse {
    pub status: String,
    pub description: String,
    /// The schema's name (a link to it), or how the body is shaped.
    pub schema: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiSchema {
    pub name: String,
    pub description: String,
    pub fields: Vec<ApiField>,
}

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
    pub import_teu: f64,
    pub vessels: u32,
    pub year_ago_teu: Option<f64>,
    pub wow_pct: Option<f64>,
    pub yoy_pct: Option<f64>,
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
    }
}

//! Read path of labour planning: the port's calls at berth over the coming days → each call's
//! moves over its berth time → gangs per terminal and shift (`domain::labour`).

use crate::domain::labour::{
    over_capacity, parse_shifts, shift_needs, BerthWork, DEFAULT_SHIFTS, TEU_PER_MOVE,
};
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{LabourDay, LabourView, TerminalLabour};
use chrono::{DateTime, Duration, Utc};

/// Days planned, from today.
pub const DAYS: u32 = 14;
/// A call's stay at berth when its schedule names no departure.
const DEFAULT_STAY: Duration = Duration::hours(24);
/// How far back a call that arrived may still be at berth.
const STILL_AT_BERTH: Duration = Duration::days(3);
/// How far back calls teach how stated moves turn out.
const LEARN_FROM: Duration = Duration::days(182);

/// The 90th percentile of `ratios` (at least 1: a reserve never plans below the statement).
fn p90(mut ratios: Vec<f64>) -> f64 {
    if ratios.is_empty() {
        return 1.0;
    }
    ratios.sort_by(f64::total_cmp);
    let at = ((ratios.len() as f64) * 0.9).ceil() as usize;
    ratios[at.saturating_sub(1).min(ratios.len() - 1)].max(1.0)
}

pub async fn labour(
    store: &dyn Storage,
    port: &str,
    now: DateTime<Utc>,
) -> Result<LabourView, AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let terminals = store.terminals(&port.locode).await?;
    // One read: the half year that teaches the reserve and the days planned.
    let calls = store
        .port_calls_arriving(
            &port.locode,
            now - LEARN_FROM,
            now + Duration::days(i64::from(DAYS) + 1),
        )
        .await?;
    let factor = p90(calls
        .iter()
        .filter(|c| c.times.best_arrival().is_some_and(|a| a < now))
        .filter_map(|c| {
            let actual = c.actual.as_ref()?;
            let stated = c.expected.discharge() + c.expected.load();
            (stated > 0.0).then(|| (actual.discharge() + actual.load()) / stated)
        })
        .collect());
    let work: Vec<BerthWork> = calls
        .iter()
        .filter(|c| {
            c.times
                .best_arrival()
                .is_some_and(|a| a >= now - STILL_AT_BERTH)
        })
        .filter(|c| !c.times.omitted && c.times.actual_departure.is_none())
        .filter_map(|c| {
            let terminal = c.terminal.clone()?;
            let from = c.times.actual_berth_arrival.or(c.times.latest_eta())?;
            let to = c
                .times
                .estimated_departure
                .or(c.times.planned_departure)
                .filter(|to| *to > from)
                .unwrap_or(from + DEFAULT_STAY);
            let moves = (c.expected.discharge() + c.expected.load()) / TEU_PER_MOVE;
            Some(BerthWork {
                terminal,
                from,
                to,
                moves,
                moves_p90: moves * factor,
            })
        })
        .collect();
    let pattern = store.port_shifts(&port.locode).await?;
    // What `set_port_shifts` stores is checked first; a pattern written by hand in the
    // database that does not read falls back to the default, and says so in the log.
    let shifts = parse_shifts(pattern.as_deref().unwrap_or(DEFAULT_SHIFTS)).unwrap_or_else(|e| {
        tracing::warn!(port = %port.locode, error = %e, "shift pattern unreadable");
        parse_shifts(DEFAULT_SHIFTS).unwrap_or_default()
    });
    let first = now.with_timezone(&tz).date_naive();
    let rates: Vec<(String, f64)> = terminals
        .iter()
        .map(|t| (t.code.clone(), t.gang_moves_per_hour))
        .collect();
    let needs = shift_needs(&work, &rates, &shifts, first, DAYS, &tz);
    let terminals = terminals
        .into_iter()
        .map(|t| {
            let over = over_capacity(&needs, &t.code, t.daily_capacity_teu);
            let days = (0..DAYS)
                .map(|d| {
                    let date = first + Duration::days(i64::from(d));
                    LabourDay {
                        date: date.to_string(),
                        over_capacity: over.contains(&date),
                        shifts: needs
                            .iter()
                            .filter(|n| n.terminal == t.code && n.date == date)
                            .cloned()
                            .collect(),
                    }
                })
                .collect();
            TerminalLabour {
                code: t.code,
                name: t.name,
                gang_moves_per_hour: t.gang_moves_per_hour,
                daily_capacity_teu: t.daily_capacity_teu,
                days,
            }
        })
        .collect();
    Ok(LabourView {
        port: port.locode,
        port_name: port.name,
        time_zone: port.time_zone,
        as_of_local: super::local_stamp(now, &tz),
        shifts,
        p90_factor: (factor * 100.0).round() / 100.0,
        terminals,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_reserve_factor_is_the_ninetieth_percentile_and_never_below_one() {
        let ratios: Vec<f64> = (1..=10).map(|i| 0.8 + f64::from(i) * 0.04).collect();
        // 0.84 … 1.20: the 9th of 10 is 1.16.
        assert!((super::p90(ratios) - 1.16).abs() < 1e-9);
        assert_eq!(super::p90(vec![0.7, 0.8, 0.9]), 1.0);
        assert_eq!(super::p90(vec![]), 1.0);
    }
}

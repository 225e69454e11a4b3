//! Read path of the `/outlook` page: the weekly outlook (one read, one run of the draws) →
//! its band, split laden/empty and rail/local, by terminal and by carrier.

use super::outlook::{GroupSplit, OutlookCache};
use crate::chart;
use crate::domain::split::Split;
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{GroupRow, OutlookView, WeekRow};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

pub async fn outlook_view(
    store: &dyn Storage,
    cache: &OutlookCache,
    port: &str,
    weeks: u32,
    now: DateTime<Utc>,
) -> Result<OutlookView, AppError> {
    let (port, tz) = super::known_port(store, port).await?;
    let names: HashMap<String, String> = store
        .terminals(&port.locode)
        .await?
        .into_iter()
        .map(|t| (t.code, t.name))
        .collect();
    let n = weeks as usize;
    let outlook = cache.weekly_at(store, &port.locode, now, n).await?;

    let rows: Vec<WeekRow> = outlook.weeks.iter().map(super::week_row).collect();
    let expected = outlook.weeks.iter().map(|w| w.expected).collect();
    let terminal_name = |key: &str| match names.get(key) {
        Some(name) => format!("{name} ({key})"),
        None if key == crate::domain::outlook::NO_TERMINAL => "No terminal named".into(),
        None => key.to_string(),
    };
    let terminals = group_rows(
        outlook.weeks.iter().map(|w| w.by_terminal.as_slice()),
        terminal_name,
    );
    let carriers = group_rows(
        outlook.weeks.iter().map(|w| w.by_carrier.as_slice()),
        str::to_string,
    );
    let labels: Vec<String> = rows
        .iter()
        .map(|w| format!("{} ({})", &w.iso_week[5..], &w.start[5..]))
        .collect();
    let stacked: Vec<(String, Vec<f64>)> = terminals
        .iter()
        .map(|t| (t.key.clone(), t.weekly_teu.clone()))
        .collect();
    Ok(OutlookView {
        chart_svg: chart::weekly_imports_svg(
            &rows,
            &format!("Import TEU by ISO week, {}", port.name),
        ),
        terminals_svg: chart::stacked_svg(
            &format!("Expected import TEU by terminal, {}", port.name),
            (&labels, "ISO week (Monday)"),
            "Expected import TEU",
            &stacked,
        ),
        port: port.locode,
        port_name: port.name,
        time_zone: port.time_zone,
        as_of: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        as_of_local: super::local_stamp(now, &tz),
        weeks: rows,
        expected,
        terminals,
        carriers,
    })
}

/// One row per group found in any week, with its TEU in each week and its split over all of
/// them; largest first.
fn group_rows<'a>(
    weeks: impl Iterator<Item = &'a [GroupSplit]>,
    name: impl Fn(&str) -> String,
) -> Vec<GroupRow> {
    let weeks: Vec<&[GroupSplit]> = weeks.collect();
    let mut rows: Vec<GroupRow> = Vec::new();
    for (i, week) in weeks.iter().enumerate() {
        for g in week.iter() {
            let at = match rows.iter().position(|r| r.key == g.key) {
                Some(at) => at,
                None => {
                    rows.push(GroupRow {
                        key: g.key.clone(),
                        name: name(&g.key),
                        weekly_teu: vec![0.0; weeks.len()],
                        total: Split::default(),
                    });
                    rows.len() - 1
                }
            };
            rows[at].weekly_teu[i] += g.split.teu;
            rows[at].total.add(g.split);
        }
    }
    rows.sort_by(|a, b| {
        b.total
            .teu
            .total_cmp(&a.total.teu)
            .then_with(|| a.key.cmp(&b.key))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(key: &str, teu: f64, laden: f64, rail: f64) -> GroupSplit {
        GroupSplit {
            key: key.into(),
            split: Split { teu, laden, rail },
        }
    }

    #[test]
    fn groups_add_up_over_weeks_largest_first() {
        let w1 = vec![g("APMT", 100.0, 80.0, 10.0), g("YTI", 50.0, 50.0, 0.0)];
        let w2 = vec![g("YTI", 200.0, 150.0, 20.0)];
        let rows = group_rows([w1.as_slice(), w2.as_slice()].into_iter(), |k| {
            format!("T {k}")
        });
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, "YTI");
        assert_eq!(rows[0].name, "T YTI");
        assert_eq!(rows[0].weekly_teu, vec![50.0, 200.0]);
        assert_eq!(
            rows[0].total,
            Split {
                teu: 250.0,
                laden: 200.0,
                rail: 20.0
            }
        );
        assert_eq!(rows[1].weekly_teu, vec![100.0, 0.0]);
    }
}

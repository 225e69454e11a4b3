//! Read path of the import/export balance: the port's monthly statistics → the domain's
//! balance → the page's view (with its charts) and the downloads.

use crate::chart;
use crate::domain::balance::{
    balance_months, export_run, trailing_ratio, yearly_totals, BalanceMonth, YearTotals,
};
use crate::error::AppError;
use crate::storage::Storage;
use crate::view_model::{BalanceView, TrailingRatio};

/// The balance of `port` as data: what the page and the API show.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BalanceReport {
    pub port: String,
    /// Every month with statistics, oldest first.
    pub months: Vec<BalanceMonth>,
    pub years: Vec<YearTotals>,
    /// Loaded imports per loaded export over the last (up to) twelve months.
    pub trailing: Option<TrailingRatio>,
    /// "exports down on a year earlier in 21 of the last 22 months", when there is a run.
    pub export_run: Option<String>,
}

/// `404` for a port this instance does not hold; a port without statistics gets an empty
/// report (the page says how to import them).
pub async fn report(
    store: &dyn Storage,
    port: &str,
) -> Result<(BalanceReport, crate::domain::Port), AppError> {
    let (port, _) = super::known_port(store, port).await?;
    let months = balance_months(&store.monthly_stats(&port.locode).await?);
    let report = BalanceReport {
        port: port.locode.clone(),
        years: yearly_totals(&months),
        trailing: trailing(&months),
        export_run: export_run(&months).map(|r| r.sentence()),
        months,
    };
    Ok((report, port))
}

pub async fn balance(store: &dyn Storage, port: &str) -> Result<BalanceView, AppError> {
    let (report, port) = report(store, port).await?;
    let months = &report.months;
    let labels: Vec<String> = months.iter().map(|m| m.month.clone()).collect();
    let volumes_svg = chart::lines_svg(
        &format!(
            "Loaded imports, loaded exports and empties by month, {}",
            port.name
        ),
        (&labels, "Month"),
        "TEU",
        &[
            (
                "Loaded imports",
                months.iter().map(|m| m.loaded_imports).collect(),
            ),
            (
                "Loaded exports",
                months.iter().map(|m| m.loaded_exports).collect(),
            ),
            ("Empties", months.iter().map(|m| m.empties).collect()),
        ],
    );
    let ratio_svg = chart::lines_svg(
        &format!("Loaded imports per loaded export, {}", port.name),
        (&labels, "Month"),
        "Imports per export",
        &[(
            "Loaded imports per loaded export",
            months.iter().map(|m| m.ratio.unwrap_or(0.0)).collect(),
        )],
    );
    Ok(BalanceView {
        export_run: report.export_run,
        trailing: report.trailing,
        years: report.years,
        port: port.locode,
        port_name: port.name,
        months: report.months,
        volumes_svg,
        ratio_svg,
    })
}

/// The one number of the public page.
pub fn trailing(months: &[crate::domain::balance::BalanceMonth]) -> Option<TrailingRatio> {
    trailing_ratio(months).map(|(ratio, from, to)| TrailingRatio { ratio, from, to })
}

/// The balance as CSV, one row a month.
pub fn balance_rows(view: &BalanceView) -> Vec<Vec<String>> {
    let mut rows = vec![[
        "month",
        "loaded_imports",
        "loaded_exports",
        "empties",
        "imports_per_export",
        "exports_yoy_pct",
    ]
    .map(String::from)
    .to_vec()];
    let num = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
    for m in &view.months {
        rows.push(vec![
            m.month.clone(),
            m.loaded_imports.to_string(),
            m.loaded_exports.to_string(),
            m.empties.to_string(),
            num(m.ratio),
            num(m.exports_yoy_pct),
        ]);
    }
    rows
}

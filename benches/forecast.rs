//! Forecasting benchmark (not a test): on the demo port's monthly statistics, the time to
//! choose and fit every model for one port (the four series, each backtested over its last
//! year, then fitted and simulated), and each model's backtest error by horizon.
//! Run with `cargo bench --features ssr --bench forecast`.

use portsignal::demo::{self, DemoOptions};
use portsignal::domain::forecast::{backtest_port, monthly_forecast, Month, SERIES};
use std::time::Instant;

fn main() {
    let opts = DemoOptions {
        seed: 1,
        as_of: "2026-11-29T12:00:00Z".parse().unwrap(),
    };
    let stats = demo::generate(&opts).monthly_stats;
    let first = Month::parse(&stats.first().unwrap().month).unwrap();
    let last = Month::parse(&stats.last().unwrap().month).unwrap();
    println!(
        "demo port: {} months of statistics, {first} to {last}",
        stats.len()
    );

    // Warm up once, then time repeated runs.
    let forecast = monthly_forecast(&stats, None, 6).unwrap();
    let runs = 20;
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let f = monthly_forecast(&stats, None, 6).unwrap();
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(f, forecast, "the same inputs give the same forecast");
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "choose + fit + simulate all models for one port (4 series, 6 months): median {:.1} ms, min {:.1} ms over {runs} runs",
        times[runs / 2],
        times[0]
    );
    for m in &forecast.methods {
        println!("  {}: {} ({})", m.series, m.model, m.reason);
    }

    // Backtest every model after each month from the 25th to the last but one.
    let from = first.offset(24);
    let to = last.offset(-1);
    for (index, (series, _)) in SERIES.iter().enumerate() {
        println!("\n{series}: forecasts after each month {from} to {to}");
        println!(
            "{:<18} {:>9} {:>9} {:>9} {:>9}",
            "model", "1 ahead", "3 ahead", "6 ahead", "cover 1-6"
        );
        for m in backtest_port(&stats, index, from, to, 6).unwrap() {
            let at = |h: usize| {
                m.horizons
                    .iter()
                    .find(|s| s.horizon == h)
                    .map_or("-".to_owned(), |s| format!("{:.1}%", s.mape))
            };
            let (covered, n) = m.horizons.iter().fold((0.0, 0), |(c, n), s| {
                (c + s.coverage * s.forecasts as f64, n + s.forecasts)
            });
            println!(
                "{:<18} {:>9} {:>9} {:>9} {:>8.0}%",
                format!("{}{}", m.model, if m.chosen { " *" } else { "" }),
                at(1),
                at(3),
                at(6),
                covered / n.max(1) as f64 * 100.0
            );
        }
    }
    println!("\nMAPE by months ahead; cover = share of actuals inside P10-P90; * = chosen");
}

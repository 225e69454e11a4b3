use super::*;
use crate::domain::MonthlyStats;

/// A year of shape: a Lunar New Year dip in February, a peak from August to October.
fn season(month0: usize) -> f64 {
    [
        0.0, -0.18, -0.08, 0.0, 0.02, 0.03, 0.05, 0.12, 0.1, 0.08, -0.02, -0.04,
    ][month0 % 12]
}

/// Deterministic noise in -1..1 (a fixed sequence, so the tests need no seed).
fn wobble(t: usize) -> f64 {
    ((t as f64 * 12.9898).sin() * 43_758.545).fract()
}

fn series(n: usize, level: impl Fn(usize) -> f64, noise: f64) -> Vec<f64> {
    (0..n)
        .map(|t| level(t) * (1.0 + season(t)) * (1.0 + noise * wobble(t)))
        .collect()
}

#[test]
fn months_read_count_and_print() {
    let m = Month::parse("2025-11").unwrap();
    assert_eq!(m.offset(2).to_string(), "2026-01");
    assert_eq!(m.offset(-11).to_string(), "2024-12");
    assert_eq!(Month::parse("2026-01").unwrap().since(m), 2);
    for bad in ["2025-13", "2025-00", "25-01", "2025-1", "2025/01", ""] {
        assert_eq!(Month::parse(bad), None, "{bad}");
    }
}

#[test]
fn band_percentiles_of_0_to_100_are_10_50_90() {
    let mut values: Vec<f64> = (0..=100).rev().map(f64::from).collect();
    assert_eq!(
        Band::of(&mut values),
        Band {
            p10: 10.0,
            p50: 50.0,
            p90: 90.0
        }
    );
}

#[test]
fn short_histories_fall_back_and_say_so() {
    let flat = vec![100.0; 40];
    let c = choose(&flat[..7]);
    assert_eq!(c.model, Model::Naive);
    assert!(c.reason.contains("7 months"), "{}", c.reason);
    let c = choose(&flat[..20]);
    assert_eq!(c.model, Model::SeasonalNaive);
    assert!(c.reason.contains("fitted from 24"), "{}", c.reason);
    assert_eq!(c.backtest_mape, None);
    let c = choose(&flat[..30]);
    assert!(c.backtest_mape.is_some(), "{}", c.reason);
}

#[test]
fn a_purely_seasonal_series_is_recovered() {
    let history = series(48, |_| 700_000.0, 0.0);
    let f = forecast_series(&history, 12, 0..12, 1);
    assert_eq!(f.choice.backtest_mape.map(|m| m < 0.01), Some(true));
    for (h, band) in f.months.iter().enumerate() {
        let truth = 700_000.0 * (1.0 + season(48 + h));
        assert!(
            (band.p50 - truth).abs() / truth < 0.005,
            "month {h}: {band:?} against {truth}"
        );
    }
}

#[test]
fn a_level_shift_is_followed() {
    // Three years about 600,000 a month, then a lasting step up by a quarter.
    let history = series(48, |t| if t < 36 { 600_000.0 } else { 750_000.0 }, 0.01);
    let f = forecast_series(&history, 6, 0..6, 1);
    for (h, band) in f.months.iter().enumerate() {
        let truth = 750_000.0 * (1.0 + season(48 + h));
        assert!(
            (band.p50 - truth).abs() / truth < 0.06,
            "{:?} month {h}: {band:?} against {truth}",
            f.choice
        );
    }
}

#[test]
fn bands_widen_with_horizon_and_hold_the_median() {
    let history = series(48, |t| 500_000.0 + 2_000.0 * t as f64, 0.04);
    let f = forecast_series(&history, 18, 0..0, 3);
    let width = |b: &Band| b.p90 - b.p10;
    assert!(f.months.iter().all(|b| b.p10 <= b.p50 && b.p50 <= b.p90));
    assert!(width(&f.months[0]) > 0.0);
    assert!(
        width(&f.months[17]) > width(&f.months[0]),
        "{:?} against {:?}",
        f.months[17],
        f.months[0]
    );
    assert!(width(&f.months[11]) >= width(&f.months[0]));
}

#[test]
fn the_same_inputs_give_the_same_forecast() {
    let history = series(40, |_| 500_000.0, 0.05);
    assert_eq!(
        forecast_series(&history, 6, 0..3, 9),
        forecast_series(&history, 6, 0..3, 9)
    );
}

#[test]
fn backtest_of_a_noiseless_series_has_no_error_and_noise_is_covered_near_80_percent() {
    let clean = series(48, |_| 800_000.0, 0.0);
    let scores = backtest(&clean, Model::SeasonalNaive, 24..48, 3, 1);
    assert_eq!(scores.len(), 3);
    assert!(scores.iter().all(|s| s.mape < 1e-9 && s.bias.abs() < 1e-9));
    assert_eq!(scores[0].forecasts, 24);
    assert_eq!(scores[2].forecasts, 22);

    let noisy = series(120, |_| 800_000.0, 0.05);
    let scores = backtest(&noisy, Model::SeasonalNaive, 24..120, 1, 1);
    assert!(
        (0.6..=0.97).contains(&scores[0].coverage),
        "coverage {}",
        scores[0].coverage
    );
}

fn stats(from: Month, values: &[f64]) -> Vec<MonthlyStats> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| MonthlyStats {
            port: "USLAX".into(),
            month: from.offset(i as i64).to_string(),
            loaded_imports: v * 0.45,
            loaded_exports: v * 0.12,
            empty_imports: None,
            empty_exports: None,
            empties: v * 0.43,
            total_teu: *v,
        })
        .collect()
}

#[test]
fn as_of_never_lets_later_months_in() {
    let jan2023 = Month::parse("2023-01").unwrap();
    let all = stats(jan2023, &series(40, |_| 800_000.0, 0.03));
    let as_of = Month::parse("2025-06").unwrap();
    let cut: Vec<MonthlyStats> = all.iter().take(30).cloned().collect();
    let mut changed = all.clone();
    for later in &mut changed[30..] {
        later.total_teu *= 3.0;
        later.loaded_imports = 1.0;
    }
    let from_all = monthly_forecast(&all, Some(as_of), 6).unwrap();
    assert_eq!(from_all, monthly_forecast(&cut, Some(as_of), 6).unwrap());
    assert_eq!(
        from_all,
        monthly_forecast(&changed, Some(as_of), 6).unwrap()
    );
    assert_eq!(from_all.months[0].month.to_string(), "2025-07");
    assert_eq!(from_all.history_from, jan2023);
}

#[test]
fn the_year_is_actual_to_date_plus_the_forecast_rest() {
    let jan2023 = Month::parse("2023-01").unwrap();
    let values = series(30, |_| 800_000.0, 0.0);
    let all = stats(jan2023, &values);
    let f = monthly_forecast(&all, None, 3).unwrap();
    assert_eq!(f.as_of.to_string(), "2025-06");
    assert_eq!(f.year.year, 2025);
    let to_date: f64 = values[24..30].iter().sum();
    assert!((f.year.actual_to_date - to_date).abs() < 1e-6);
    // A clean series: the rest of 2025 is its season again.
    let rest: f64 = (30..36).map(|t| 800_000.0 * (1.0 + season(t))).sum();
    let expected = to_date + rest;
    assert!(
        (f.year.total_teu.p50 - expected).abs() / expected < 0.005,
        "{:?} against {expected}",
        f.year
    );
    assert!(f.year.total_teu.p10 <= f.year.total_teu.p50);

    // As of December, the year is the next one, all of it forecast.
    let f = monthly_forecast(&all, Some(Month::parse("2024-12").unwrap()), 3).unwrap();
    assert_eq!((f.year.year, f.year.actual_to_date), (2025, 0.0));
}

#[test]
fn stale_statistics_are_forecast_through_to_as_of_and_gaps_cut_the_history() {
    let jan2023 = Month::parse("2023-01").unwrap();
    let mut all = stats(jan2023, &series(30, |_| 800_000.0, 0.0));
    let f = monthly_forecast(&all, Some(Month::parse("2025-09").unwrap()), 2).unwrap();
    assert_eq!(f.months[0].month.to_string(), "2025-10");
    let truth = 800_000.0 * (1.0 + season(33));
    assert!((f.months[0].total_teu.p50 - truth).abs() / truth < 0.005);

    all.remove(5);
    let f = monthly_forecast(&all, None, 2).unwrap();
    assert_eq!(f.history_from.to_string(), "2023-07");
    assert!(f.method.contains("24 months of history"), "{}", f.method);
}

#[test]
fn no_statistics_is_an_error_that_names_as_of() {
    let e = monthly_forecast(&[], Some(Month::parse("2025-01").unwrap()), 6).unwrap_err();
    assert_eq!(e.to_string(), "no monthly statistics up to 2025-01");
}

//! Charts, drawn on the server by plotters as SVG. Text is laid out with a font compiled into
//! the binary (DejaVu Sans), so labels fit the same on a bare server as on a desktop.

use crate::queries::accuracy::ScoredPoint;
use crate::view_model::{teu, WeekRow};
use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::element::ErrorBarOrientV;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::Once;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0x8b);
const BAND: RGBColor = RGBColor(0x11, 0x11, 0x11);
const SECOND: RGBColor = RGBColor(0xd9, 0x7a, 0x1f);

/// Charts drawn already, by their inputs: a page asked again with the same figures gets the
/// same SVG without plotting it again. Ingest forgets them all ([`forget_charts`]); the number
/// kept is bounded, the oldest generation dropped when it is full.
pub struct ChartCache {
    kept: std::sync::Mutex<std::collections::HashMap<Vec<u8>, std::sync::Arc<str>>>,
    capacity: usize,
}

impl ChartCache {
    pub fn new(capacity: usize) -> Self {
        ChartCache {
            kept: Default::default(),
            capacity,
        }
    }

    /// The chart for `inputs`, drawn by `draw` if it is not kept.
    pub fn get_or_draw(
        &self,
        inputs: &impl serde::Serialize,
        draw: impl FnOnce() -> String,
    ) -> String {
        let Ok(key) = serde_json::to_vec(inputs) else {
            return draw();
        };
        if let Some(svg) = self
            .kept
            .lock()
            .expect("chart cache not poisoned")
            .get(&key)
        {
            metrics::counter!("portsignal_chart_cache_total", "result" => "hit").increment(1);
            return svg.to_string();
        }
        metrics::counter!("portsignal_chart_cache_total", "result" => "miss").increment(1);
        let svg = draw();
        let mut kept = self.kept.lock().expect("chart cache not poisoned");
        if kept.len() >= self.capacity {
            kept.clear();
        }
        kept.insert(key, svg.as_str().into());
        svg
    }

    pub fn forget(&self) {
        self.kept.lock().expect("chart cache not poisoned").clear();
    }

    pub fn len(&self) -> usize {
        self.kept.lock().expect("chart cache not poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

static CHARTS: std::sync::LazyLock<ChartCache> = std::sync::LazyLock::new(|| ChartCache::new(512));

/// Forgets every chart drawn: their figures may have changed.
pub fn forget_charts() {
    CHARTS.forget();
}

fn register_font() {
    REGISTER.call_once(|| {
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            tracing::error!("the embedded chart font could not be loaded");
        }
    });
}

/// A chart over consecutive periods (weeks), one slot each, on a value axis.
type Periods<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordf64>>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// What a period chart shows around its series.
struct Frame<'t> {
    title: &'t str,
    /// One label per period.
    labels: Vec<String>,
    y: std::ops::Range<f64>,
    y_desc: &'t str,
    x_desc: &'t str,
    legend: SeriesLabelPosition,
}

/// Draws the frame (caption, axes with units, labels) and `series` in it, as accessible SVG.
fn period_chart(frame: Frame<'_>, series: impl FnOnce(&mut Periods<'_, '_>) -> Drawn) -> String {
    register_font();
    let mut svg = String::new();
    let n = frame.labels.len();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        let drawn = (|| -> Drawn {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(frame.title, ("sans-serif", 16))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(84)
                // A segmented 0..k has k + 1 slots: one per period.
                .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), frame.y.clone())?;
            let label = |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    frame.labels.get(*i).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .y_labels(6)
                .light_line_style(TRANSPARENT)
                .x_labels(n.min(14))
                .x_label_formatter(&label)
                .y_label_formatter(&|y| {
                    if frame.y.end < 100.0 {
                        format!("{y:.1}")
                    } else {
                        teu(*y)
                    }
                })
                .y_desc(frame.y_desc)
                .x_desc(frame.x_desc)
                .label_style(("sans-serif", 13))
                .draw()?;
            series(&mut chart)?;
            chart
                .configure_series_labels()
                .position(frame.legend)
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.2))
                .label_font(("sans-serif", 13))
                .draw()?;
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            tracing::error!(error = %e, "chart drawing failed");
        }
    }
    accessible(svg, frame.title)
}

/// A P50 with its P10-P90 whisker in one period.
fn whisker(
    i: usize,
    p10: f64,
    p50: f64,
    p90: f64,
    width: u32,
) -> ErrorBar<SegmentValue<usize>, f64, ErrorBarOrientV<SegmentValue<usize>, f64>> {
    ErrorBar::new_vertical(
        SegmentValue::CenterOf(i),
        p10,
        p50,
        p90,
        BAND.filled().stroke_width(2),
        width,
    )
}

/// A line with a marker at each point, in the secondary colour.
fn marked_line(
    chart: &mut Periods<'_, '_>,
    points: Vec<(SegmentValue<usize>, f64)>,
    name: &str,
) -> Drawn {
    chart
        .draw_series(LineSeries::new(points.clone(), SECOND.stroke_width(2)))?
        .label(name)
        .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], SECOND.stroke_width(2)));
    chart.draw_series(
        points
            .into_iter()
            .map(|p| Circle::new(p, 3, SECOND.filled())),
    )?;
    Ok(())
}

/// Import TEU per week as bars (P50) with P10-P90 whiskers, and the same week a year earlier
/// as a line.
/// Drawn once for the same inputs (see [`ChartCache`]).
pub fn weekly_imports_svg(weeks: &[WeekRow], title: &str) -> String {
    CHARTS.get_or_draw(&("weekly_imports_svg", (weeks, title)), || {
        draw_weekly_imports_svg(weeks, title)
    })
}

fn draw_weekly_imports_svg(weeks: &[WeekRow], title: &str) -> String {
    let ymax = weeks
        .iter()
        .flat_map(|w| [Some(w.p90), w.year_ago_teu])
        .flatten()
        .fold(0.0f64, f64::max)
        .max(1.0)
        * 1.15;
    let frame = Frame {
        title,
        labels: weeks
            .iter()
            .map(|w| format!("{} ({})", &w.iso_week[5..], &w.start[5..]))
            .collect(),
        y: 0.0..ymax,
        y_desc: "Import TEU",
        x_desc: "ISO week (Monday)",
        legend: SeriesLabelPosition::UpperRight,
    };
    period_chart(frame, |chart| {
        chart
            .draw_series(
                Histogram::vertical(chart)
                    .style(BAR.filled())
                    .margin(14)
                    .data(weeks.iter().enumerate().map(|(i, w)| (i, w.import_teu))),
            )?
            .label("Expected import TEU (P50)")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], BAR.filled()));
        chart
            .draw_series(
                weeks
                    .iter()
                    .enumerate()
                    .map(|(i, w)| whisker(i, w.p10, w.import_teu, w.p90, 14)),
            )?
            .label("P10-P90: 8 in 10 outcomes")
            .legend(|(x, y)| {
                PathElement::new([(x + 6, y - 6), (x + 6, y + 6)], BAND.stroke_width(2))
            });
        let year_ago = weeks
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.year_ago_teu.map(|t| (SegmentValue::CenterOf(i), t)))
            .collect();
        marked_line(chart, year_ago, "Same week a year earlier")
    })
}

/// Forecasts (P50 dot, P10-P90 whisker) beside what happened (line), one per period.
/// Drawn once for the same inputs (see [`ChartCache`]).
pub fn forecast_vs_actual_svg(points: &[ScoredPoint], title: &str) -> String {
    CHARTS.get_or_draw(&("forecast_vs_actual_svg", (points, title)), || {
        draw_forecast_vs_actual_svg(points, title)
    })
}

fn draw_forecast_vs_actual_svg(points: &[ScoredPoint], title: &str) -> String {
    let values = points.iter().flat_map(|p| [p.p10, p.p90, p.actual]);
    let ymax = values.clone().fold(0.0f64, f64::max).max(1.0) * 1.1;
    let ymin = values.fold(f64::INFINITY, f64::min).min(ymax) * 0.9;
    let frame = Frame {
        title,
        labels: points
            .iter()
            .map(|p| p.target.get(5..).unwrap_or(&p.target).to_string())
            .collect(),
        y: ymin..ymax,
        y_desc: "Import TEU",
        x_desc: "ISO week",
        legend: SeriesLabelPosition::UpperLeft,
    };
    period_chart(frame, |chart| {
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| whisker(i, p.p10, p.p50, p.p90, 8)),
            )?
            .label("Forecast a week ahead: P50 and P10-P90")
            .legend(|(x, y)| {
                PathElement::new([(x + 6, y - 6), (x + 6, y + 6)], BAND.stroke_width(2))
            });
        let actual = points
            .iter()
            .enumerate()
            .map(|(i, p)| (SegmentValue::CenterOf(i), p.actual))
            .collect();
        marked_line(chart, actual, "Actual import TEU")
    })
}

/// Colours told apart also by readers with the common colour-vision deficiencies (Okabe-Ito).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0xf0, 0xe4, 0x42),
    RGBColor(0x55, 0x55, 0x55),
];

/// Stacked bars over periods: each named series (`values[i]` in period `i`) one colour, the
/// first at the bottom.
/// Drawn once for the same inputs (see [`ChartCache`]).
pub fn stacked_svg(
    title: &str,
    (labels, x_desc): (&[String], &str),
    y_desc: &str,
    series: &[(String, Vec<f64>)],
) -> String {
    CHARTS.get_or_draw(
        &("stacked_svg", (title, (labels, x_desc), y_desc, series)),
        || draw_stacked_svg(title, (labels, x_desc), y_desc, series),
    )
}

fn draw_stacked_svg(
    title: &str,
    (labels, x_desc): (&[String], &str),
    y_desc: &str,
    series: &[(String, Vec<f64>)],
) -> String {
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| series.iter().filter_map(|(_, v)| v.get(i)).sum())
        .collect();
    // Head room for the legend, a line a series, above the tallest bar.
    let room = 1.15 + 0.07 * series.len() as f64;
    let ymax = totals.iter().copied().fold(0.0f64, f64::max).max(1.0) * room;
    let frame = Frame {
        title,
        labels: labels.to_vec(),
        y: 0.0..ymax,
        y_desc,
        x_desc,
        legend: SeriesLabelPosition::UpperRight,
    };
    period_chart(frame, |chart| {
        let mut base = vec![0.0; labels.len()];
        for ((name, values), colour) in series.iter().zip(PALETTE.iter().cycle()) {
            let colour = *colour;
            let bars: Vec<Rectangle<(SegmentValue<usize>, f64)>> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let (from, to) = (base[i], base[i] + v);
                    base[i] = to;
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), from),
                            (SegmentValue::Exact(i + 1), to),
                        ],
                        colour.filled(),
                    );
                    bar.set_margin(0, 0, 14, 14);
                    bar
                })
                .collect();
            chart
                .draw_series(bars)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled())
                });
        }
        Ok(())
    })
}

/// Lines over periods (`x_desc`: "Month", "ISO week"), one per named series, in the house
/// colours.
/// Drawn once for the same inputs (see [`ChartCache`]).
pub fn lines_svg(
    title: &str,
    (labels, x_desc): (&[String], &str),
    y_desc: &str,
    series: &[(&str, Vec<f64>)],
) -> String {
    CHARTS.get_or_draw(
        &("lines_svg", (title, (labels, x_desc), y_desc, series)),
        || draw_lines_svg(title, (labels, x_desc), y_desc, series),
    )
}

fn draw_lines_svg(
    title: &str,
    (labels, x_desc): (&[String], &str),
    y_desc: &str,
    series: &[(&str, Vec<f64>)],
) -> String {
    const COLOURS: [RGBColor; 3] = [BAR, SECOND, RGBColor(0x6b, 0x77, 0x83)];
    let ymax = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0f64, f64::max)
        .max(1.0)
        * 1.12;
    let frame = Frame {
        title,
        labels: labels.to_vec(),
        y: 0.0..ymax,
        y_desc,
        x_desc,
        legend: SeriesLabelPosition::LowerLeft,
    };
    period_chart(frame, |chart| {
        for ((name, values), colour) in series.iter().zip(COLOURS.iter().cycle()) {
            let colour = *colour;
            let points = values
                .iter()
                .enumerate()
                .map(|(i, v)| (SegmentValue::CenterOf(i), *v));
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 12, y)], colour.stroke_width(2))
                });
        }
        Ok(())
    })
}

/// Lets the SVG scale with its container and names it for screen readers (the numbers
/// themselves are in the table beside it).
fn accessible(svg: String, title: &str) -> String {
    let title = title.replace('&', "&amp;").replace('<', "&lt;");
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{title}\" preserveAspectRatio=\"xMidYMid meet\" "),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_drawn_once_for_the_same_inputs_until_forgotten() {
        let cache = ChartCache::new(3);
        let drawn = std::cell::Cell::new(0);
        let draw = |svg: &str| {
            drawn.set(drawn.get() + 1);
            svg.to_string()
        };
        let a = ("lines", "Title", vec![1.0, 2.0]);
        assert_eq!(
            cache.get_or_draw(&a, || draw("<svg>a</svg>")),
            "<svg>a</svg>"
        );
        assert_eq!(
            cache.get_or_draw(&a, || draw("<svg>other</svg>")),
            "<svg>a</svg>"
        );
        assert_eq!(drawn.get(), 1, "kept, not drawn again");
        let b = ("lines", "Title", vec![1.0, 2.5]);
        assert_eq!(
            cache.get_or_draw(&b, || draw("<svg>b</svg>")),
            "<svg>b</svg>"
        );
        assert_eq!(drawn.get(), 2, "other figures, another chart");
        cache.forget();
        assert!(cache.is_empty());
        assert_eq!(
            cache.get_or_draw(&a, || draw("<svg>a2</svg>")),
            "<svg>a2</svg>"
        );
        assert_eq!(drawn.get(), 3);
        // Bounded: the fourth chart starts a new generation.
        for i in 0..4 {
            cache.get_or_draw(&("n", i), || draw("x"));
        }
        assert!(cache.len() <= 3);
    }

    #[test]
    fn a_kept_chart_is_the_chart_drawn() {
        let labels: Vec<String> = ["2026-W47", "2026-W48"].map(String::from).into();
        let series = [("Mean wait", vec![3.5, 4.0])];
        let fresh = draw_lines_svg("Kept chart test", (&labels, "ISO week"), "Hours", &series);
        let first = lines_svg("Kept chart test", (&labels, "ISO week"), "Hours", &series);
        let again = lines_svg("Kept chart test", (&labels, "ISO week"), "Hours", &series);
        assert_eq!(first, fresh);
        assert_eq!(again, fresh);
    }

    fn row(week: &str, t: f64, ago: Option<f64>) -> WeekRow {
        WeekRow {
            iso_week: week.into(),
            start: "2026-11-23".into(),
            import_teu: t,
            p10: t * 0.9,
            p90: t * 1.1,
            vessels: 10,
            year_ago_teu: ago,
            wow_pct: None,
            yoy_pct: None,
        }
    }

    #[test]
    fn draws_bars_labels_and_year_ago_line() {
        let svg = weekly_imports_svg(
            &[
                row("2026-W48", 80000.0, Some(70000.0)),
                row("2026-W49", 90000.0, None),
            ],
            "Imports",
        );
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Imports\""),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains("viewBox"));
        // Labels are laid out with the embedded font and written as text.
        let texts: Vec<String> = svg
            .split("<text")
            .skip(1)
            .map(|t| {
                t.split_once('>')
                    .unwrap()
                    .1
                    .split('<')
                    .next()
                    .unwrap()
                    .trim()
                    .to_owned()
            })
            .collect();
        for expected in [
            "W48 (11-23)",
            "W49 (11-23)",
            "80,000",
            "Import TEU",
            "Same week a year earlier",
            "P10-P90: 8 in 10 outcomes",
        ] {
            assert!(
                texts.iter().any(|t| t == expected),
                "{expected} missing from {texts:?}"
            );
        }
        // Two bars (filled rects in the bar colour).
        assert_eq!(
            svg.matches("fill=\"#1F5F8B\"").count(),
            3,
            "two bars and a legend swatch"
        );
    }

    #[test]
    fn one_week_draws_one_bar() {
        let svg = weekly_imports_svg(&[row("2026-W48", 80000.0, None)], "One");
        let bars = svg.matches("fill=\"#1F5F8B\"").count();
        assert_eq!(bars, 2, "one bar and a legend swatch");
        assert!(svg.contains("W48 (11-23)"));
    }

    #[test]
    fn forecast_against_actual_draws_a_whisker_and_a_point_per_week() {
        let point = |week: &str, p50: f64, actual: f64| ScoredPoint {
            target: week.into(),
            issue: "2026-11-02".into(),
            p10: p50 * 0.9,
            p50,
            p90: p50 * 1.1,
            actual,
        };
        let svg = forecast_vs_actual_svg(
            &[
                point("2026-W45", 90_000.0, 85_000.0),
                point("2026-W46", 95_000.0, 99_000.0),
                point("2026-W47", 92_000.0, 91_000.0),
            ],
            "Record",
        );
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Record\""));
        for label in ["W45", "W46", "W47", "Actual import TEU", "Import TEU"] {
            assert!(
                svg.contains(&format!(">{label}<")) || svg.contains(label),
                "{label}"
            );
        }
        // Per week: the forecast's P50 dot (dark) and the actual's marker (amber).
        let dots = |colour: &str| {
            svg.split("<circle")
                .skip(1)
                .filter(|c| c.contains(&format!("fill=\"{colour}\"")))
                .count()
        };
        assert_eq!((dots("#111111"), dots("#D97A1F")), (3, 3));
    }
}

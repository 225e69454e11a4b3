//! Charts, drawn on the server by plotters as SVG. Text is laid out with a font compiled into
//! the binary (DejaVu Sans), so labels fit the same on a bare server as on a desktop.

use crate::view_model::{teu, WeekRow};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::Once;

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0x8b);
const YEAR_AGO: RGBColor = RGBColor(0xd9, 0x7a, 0x1f);

fn register_font() {
    REGISTER.call_once(|| {
        if plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_err() {
            tracing::error!("the embedded chart font could not be loaded");
        }
    });
}

/// Import TEU per week as bars, with the same week a year earlier as a line.
pub fn weekly_imports_svg(weeks: &[WeekRow], title: &str) -> String {
    register_font();
    let mut svg = String::new();
    let n = weeks.len();
    let ymax = weeks
        .iter()
        .flat_map(|w| [Some(w.import_teu), w.year_ago_teu])
        .flatten()
        .fold(0.0f64, f64::max)
        .max(1.0)
        * 1.15;
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(title, ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(84)
                // A segmented 0..k has k + 1 slots: one per week.
                .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0.0..ymax)?;
            let label = |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => weeks
                    .get(*i)
                    .map(|w| format!("{} ({})", &w.iso_week[5..], &w.start[5..]))
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            };
            chart
                .configure_mesh()
                .disable_x_mesh()
                .y_labels(6)
                .light_line_style(TRANSPARENT)
                .x_labels(n)
                .x_label_formatter(&label)
                .y_label_formatter(&|y| teu(*y))
                .y_desc("Import TEU")
                .x_desc("ISO week (Monday)")
                .label_style(("sans-serif", 13))
                .draw()?;
            chart
                .draw_series(
                    Histogram::vertical(&chart)
                        .style(BAR.filled())
                        .margin(14)
                        .data(weeks.iter().enumerate().map(|(i, w)| (i, w.import_teu))),
                )?
                .label("Expected import TEU")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], BAR.filled()));
            let year_ago: Vec<_> = weeks
                .iter()
                .enumerate()
                .filter_map(|(i, w)| w.year_ago_teu.map(|t| (SegmentValue::CenterOf(i), t)))
                .collect();
            chart
                .draw_series(LineSeries::new(year_ago.clone(), YEAR_AGO.stroke_width(2)))?
                .label("Same week a year earlier")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], YEAR_AGO.stroke_width(2)));
            chart.draw_series(
                year_ago
                    .into_iter()
                    .map(|p| Circle::new(p, 4, YEAR_AGO.filled())),
            )?;
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
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
    accessible(svg, title)
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

    fn row(week: &str, t: f64, ago: Option<f64>) -> WeekRow {
        WeekRow {
            iso_week: week.into(),
            start: "2026-11-23".into(),
            import_teu: t,
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
}

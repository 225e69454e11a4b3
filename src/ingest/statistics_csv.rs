//! Monthly statistics as CSV, the way ports publish them.
//!
//! Columns by header name, in any order: `month` (YYYY-MM), `loaded_imports`, `loaded_exports`
//! required; `empty_imports`, `empty_exports`, `empties` (all empties, when a port publishes only
//! that) and `total_teu` optional. Values are TEU and may have decimals (and thousands
//! separators, quoted). Where the parts and a total are both given, they must agree within 1 TEU.

use super::{Parsed, Problem};
use crate::domain::MonthlyStats;
use std::collections::HashMap;
use std::io::Read;

const REQUIRED: [&str; 3] = ["month", "loaded_imports", "loaded_exports"];
const OPTIONAL: [&str; 4] = ["empty_imports", "empty_exports", "empties", "total_teu"];
/// Parts and totals may differ by rounding, not more.
const TOLERANCE_TEU: f64 = 1.0;
/// No port moves ten million TEU in a month (the largest move about four).
const MAX_MONTH_TEU: f64 = 10_000_000.0;

pub fn parse(port: &str, input: impl Read) -> Parsed<MonthlyStats> {
    let mut out = Parsed::default();
    let mut reader = super::csv_reader(input);
    let column = match super::csv_columns(&mut reader, &REQUIRED, &OPTIONAL) {
        Ok(c) => c,
        Err(problems) => return Parsed { problems, ..out },
    };

    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, record) in super::csv_rows(&mut reader, &mut out) {
        let mut problems = Vec::new();
        let cell = |name: &str| super::csv_cell(&column, &record, name);
        let mut teu = |name: &str| -> Option<f64> {
            let raw = cell(name)?;
            match parse_teu(raw) {
                Ok(v) => Some(v),
                Err(expected) => {
                    problems.push(Problem::new(
                        format!("row {row}, column {name}"),
                        format!("'{raw}' is not {expected}"),
                    ));
                    None
                }
            }
        };
        let loaded_imports = teu("loaded_imports");
        let loaded_exports = teu("loaded_exports");
        let empty_imports = teu("empty_imports");
        let empty_exports = teu("empty_exports");
        let empties_given = teu("empties");
        let total_given = teu("total_teu");
        let month = match cell("month").map(parse_month) {
            Some(Ok(m)) => Some(m),
            Some(Err(())) => {
                problems.push(Problem::new(
                    format!("row {row}, column month"),
                    format!(
                        "'{}' is not a month as YYYY-MM",
                        cell("month").unwrap_or_default()
                    ),
                ));
                None
            }
            None => {
                problems.push(Problem::new(
                    format!("row {row}, column month"),
                    "a month (YYYY-MM) is required",
                ));
                None
            }
        };
        for (name, v) in [
            ("loaded_imports", loaded_imports),
            ("loaded_exports", loaded_exports),
        ] {
            if v.is_none() && cell(name).is_none() {
                problems.push(Problem::new(
                    format!("row {row}, column {name}"),
                    "a TEU figure is required",
                ));
            }
        }
        if !problems.is_empty() {
            out.problems.append(&mut problems);
            continue;
        }
        let (month, li, le) = (
            month.unwrap(),
            loaded_imports.unwrap(),
            loaded_exports.unwrap(),
        );

        // Empties: both parts, or the combined figure (from which one given part fixes the other).
        let (ei, ee, empties) = match (empty_imports, empty_exports, empties_given) {
            (Some(i), Some(e), given) => {
                if let Some(g) = given.filter(|g| (g - (i + e)).abs() > TOLERANCE_TEU) {
                    problems.push(Problem::new(
                        format!("row {row}, column empties"),
                        format!(
                            "{g} does not match empty_imports + empty_exports = {}",
                            i + e
                        ),
                    ));
                }
                (Some(i), Some(e), i + e)
            }
            (Some(i), None, Some(g)) => (Some(i), Some(g - i), g),
            (None, Some(e), Some(g)) => (Some(g - e), Some(e), g),
            (None, None, Some(g)) => (None, None, g),
            _ => {
                problems.push(Problem::new(
                    format!("row {row}"),
                    "empties unknown: give empty_imports and empty_exports, or empties",
                ));
                (None, None, 0.0)
            }
        };
        for (name, v) in [("empty_imports", ei), ("empty_exports", ee)] {
            if v.is_some_and(|v| v < -TOLERANCE_TEU) {
                problems.push(Problem::new(
                    format!("row {row}, column {name}"),
                    "the parts given exceed empties: expected a non-negative figure",
                ));
            }
        }
        let parts = li + le + empties;
        if let Some(t) = total_given.filter(|t| (t - parts).abs() > TOLERANCE_TEU) {
            problems.push(Problem::new(
                format!("row {row}, column total_teu"),
                format!(
                    "{t} does not match the sum of its parts, {parts} (within {TOLERANCE_TEU} TEU)"
                ),
            ));
        }
        if let Some(first) = seen.insert(month.clone(), row) {
            problems.push(Problem::new(
                format!("row {row}, column month"),
                format!("{month} already given in row {first}"),
            ));
        }
        if !problems.is_empty() {
            out.problems.append(&mut problems);
            continue;
        }
        out.records.push(MonthlyStats {
            port: port.to_owned(),
            month,
            loaded_imports: li,
            loaded_exports: le,
            empty_imports: ei.map(|v| v.max(0.0)),
            empty_exports: ee.map(|v| v.max(0.0)),
            empties,
            total_teu: total_given.unwrap_or(parts),
        });
    }
    out
}

fn parse_month(raw: &str) -> Result<String, ()> {
    let (y, m) = raw.split_once('-').ok_or(())?;
    let year: i32 = y.parse().map_err(|_| ())?;
    let month: u32 = m.parse().map_err(|_| ())?;
    if y.len() != 4 || m.len() != 2 || !(1990..=2100).contains(&year) || !(1..=12).contains(&month)
    {
        return Err(());
    }
    Ok(format!("{year:04}-{month:02}"))
}

fn parse_teu(raw: &str) -> Result<f64, &'static str> {
    let v: f64 = raw
        .replace(',', "")
        .parse()
        .map_err(|_| "a number of TEU")?;
    if !v.is_finite() || v < 0.0 {
        return Err("a non-negative number of TEU");
    }
    if v > MAX_MONTH_TEU {
        return Err("a plausible monthly figure (at most 10,000,000 TEU)");
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Parsed<MonthlyStats> {
        parse("USLAX", s.as_bytes())
    }

    #[test]
    fn reads_columns_in_any_order_with_decimals_and_separators() {
        let p = parse_str(
            "loaded_exports,month,loaded_imports,empty_imports,empty_exports,total_teu\n\
             107000.5,2026-09,\"455,000.25\",12000,250000,824000.75\n",
        );
        assert_eq!(p.problems, vec![]);
        assert_eq!(
            p.records,
            vec![MonthlyStats {
                port: "USLAX".into(),
                month: "2026-09".into(),
                loaded_imports: 455_000.25,
                loaded_exports: 107_000.5,
                empty_imports: Some(12_000.0),
                empty_exports: Some(250_000.0),
                empties: 262_000.0,
                total_teu: 824_000.75,
            }]
        );
    }

    #[test]
    fn combined_empties_keep_the_split_unknown_or_derive_the_missing_part() {
        let p = parse_str(
            "month,loaded_imports,loaded_exports,empties\n2026-09,400000,100000,300000\n",
        );
        assert_eq!(p.records[0].empty_imports, None);
        assert_eq!(p.records[0].empties, 300_000.0);
        assert_eq!(p.records[0].total_teu, 800_000.0);
        let p = parse_str("month,loaded_imports,loaded_exports,empties,empty_imports\n2026-09,400000,100000,300000,5000\n");
        assert_eq!(p.records[0].empty_exports, Some(295_000.0));
    }

    #[test]
    fn every_problem_is_reported_with_row_and_column() {
        let p = parse_str(
            "month,loaded_imports,loaded_exports,empty_imports,empty_exports,total_teu\n\
             2026-13,400000,100000,1000,2000,503000\n\
             2026-10,-5,abc,1000,2000,\n\
             2026-11,400000,100000,1000,2000,999999\n\
             2026-12,400000,100000,,,\n\
             2026-11,400000,100000,1000,2000,503000\n\
             2027-01,400000,100000,1000,2000,503000.9\n",
        );
        let got: Vec<String> = p.problems.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            got,
            vec![
                "row 2, column month: '2026-13' is not a month as YYYY-MM",
                "row 3, column loaded_imports: '-5' is not a non-negative number of TEU",
                "row 3, column loaded_exports: 'abc' is not a number of TEU",
                "row 4, column total_teu: 999999 does not match the sum of its parts, 503000 (within 1 TEU)",
                "row 5: empties unknown: give empty_imports and empty_exports, or empties",
                "row 6, column month: 2026-11 already given in row 4",
            ]
        );
        assert_eq!(p.read, 6);
        // Only the last row is good: within 1 TEU of its parts.
        assert_eq!(p.records.len(), 1);
        assert_eq!(p.records[0].month, "2027-01");
    }

    #[test]
    fn header_problems_stop_before_the_rows() {
        let p = parse_str("month,loaded_imports,exports\n2026-01,1,2\n");
        let got: Vec<String> = p.problems.iter().map(|x| x.to_string()).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("row 1, column 3: unknown column 'exports'"));
        assert_eq!(got[1], "row 1: missing required column 'loaded_exports'");
        assert_eq!(p.read, 0);
    }
}

//! `portsignal demo --scale national`: the container ports of one country, for trying
//! portsignal at the size of a national port community system (about twenty ports, a million
//! port calls, twenty million events).
//!
//! Each port is made of copies of the demo port's cast (its services as further loops, `TP6`,
//! `TP6B`, …), each copy from its own seed, its TEU scaled so that the port moves about its
//! real yearly volume. Carriers send an ETA every day of the last sixteen before arrival, as JIT feeds do.
//! Everything goes in through the same write steps as imports, one copy at a time, so memory
//! stays flat however large the run.

use super::{generate_with, load_calls, load_setup, load_statistics, DemoOptions, LoadError};
use crate::domain::port_call::imo_check_digit;
use crate::domain::{MonthlyStats, Port, TeuMoves};
use crate::storage::{Batch, Storage};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

/// UN/LOCODE, name, time zone, and about how many million TEU the port moves a year.
pub const PORTS: [(&str, &str, &str, f64); 20] = [
    ("USLAX", "Port of Los Angeles", "America/Los_Angeles", 9.9),
    ("USLGB", "Port of Long Beach", "America/Los_Angeles", 9.6),
    (
        "USNYC",
        "Port of New York and New Jersey",
        "America/New_York",
        8.7,
    ),
    ("USSAV", "Port of Savannah", "America/New_York", 5.7),
    ("USHOU", "Port Houston", "America/Chicago", 4.1),
    ("USORF", "Port of Virginia", "America/New_York", 3.7),
    ("USCHS", "Port of Charleston", "America/New_York", 2.8),
    ("USOAK", "Port of Oakland", "America/Los_Angeles", 2.2),
    ("USSEA", "Port of Seattle", "America/Los_Angeles", 1.8),
    ("USTIW", "Port of Tacoma", "America/Los_Angeles", 1.5),
    ("USJAX", "JAXPORT Jacksonville", "America/New_York", 1.3),
    ("USSJU", "Port of San Juan", "America/Puerto_Rico", 1.3),
    ("USMIA", "PortMiami", "America/New_York", 1.1),
    ("USPEF", "Port Everglades", "America/New_York", 1.1),
    ("USBAL", "Port of Baltimore", "America/New_York", 1.1),
    ("USPHL", "Port of Philadelphia", "America/New_York", 0.75),
    ("USMOB", "Port of Mobile", "America/Chicago", 0.6),
    ("USMSY", "Port of New Orleans", "America/Chicago", 0.6),
    ("USILM", "Port of Wilmington", "America/New_York", 0.35),
    ("USBOS", "Port of Boston", "America/New_York", 0.3),
];

/// The demo port's cast moves about this many million TEU a year.
const CAST_TEU_YEAR: f64 = 9.0;

/// An ETA every day of the last sixteen before arrival (about twenty events a call).
pub const DAILY_ETAS: [i64; 16] = [16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

#[derive(Clone, Copy, Debug)]
pub struct NationalOptions {
    pub seed: u64,
    pub as_of: DateTime<Utc>,
    /// How many of [`PORTS`], largest first.
    pub ports: usize,
    /// About how many port calls in all.
    pub calls: usize,
}

/// What a run stored.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Loaded {
    pub ports: usize,
    pub copies_per_port: usize,
    pub port_calls: usize,
    pub events: usize,
    pub months: usize,
}

/// The loop letter of copy `copy`: none for the first, then `B`, `C`, … and numbers past `Z`.
fn loop_suffix(copy: usize) -> String {
    match copy {
        0 => String::new(),
        1..=25 => char::from(b'A' + copy as u8).to_string(),
        n => format!("{}", n + 1),
    }
}

/// A valid IMO number not in `taken`, from `imo` upwards.
fn free_imo(imo: &str, taken: &HashSet<String>) -> String {
    let mut six: u32 = imo[..6].parse().unwrap_or(900_000);
    loop {
        let digits: Vec<u32> = format!("{six:06}")
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let candidate = format!("{six:06}{}", imo_check_digit(&digits));
        if !taken.contains(&candidate) {
            return candidate;
        }
        six = if six >= 999_999 { 900_000 } else { six + 1 };
    }
}

fn scaled(m: TeuMoves, f: f64) -> TeuMoves {
    let r = |x: f64| (x * f * 100.0).round() / 100.0;
    TeuMoves {
        discharge_laden: r(m.discharge_laden),
        discharge_empty: r(m.discharge_empty),
        load_laden: r(m.load_laden),
        load_empty: r(m.load_empty),
    }
}

/// Copy `copy` of the demo port's cast, moved to `port`: services renamed for the loop, every
/// vessel given an IMO number no other copy has used (`taken` grows), TEU scaled by `scale`.
pub fn rehome(
    mut batch: Batch,
    port: &Port,
    copy: usize,
    scale: f64,
    taken: &mut HashSet<String>,
) -> Batch {
    let suffix = loop_suffix(copy);
    let mut imos: HashMap<String, String> = HashMap::new();
    for v in &mut batch.vessels {
        let imo = if taken.contains(&v.imo) {
            free_imo(&v.imo, taken)
        } else {
            v.imo.clone()
        };
        taken.insert(imo.clone());
        imos.insert(v.imo.clone(), imo.clone());
        v.imo = imo;
    }
    let call_ref = |old: &str| -> String {
        // `USLAX-<imo>-<voyage>E`, as the demo names its calls.
        let mut parts = old.splitn(3, '-');
        let (_, imo, voyage) = (parts.next(), parts.next(), parts.next());
        let imo = imo.map(|i| imos.get(i).cloned().unwrap_or_else(|| i.to_string()));
        format!(
            "{}-{}-{}",
            port.locode,
            imo.unwrap_or_default(),
            voyage.unwrap_or_default()
        )
    };
    for c in &mut batch.port_calls {
        c.call_ref = call_ref(&c.call_ref);
        c.vessel_imo = imos.get(&c.vessel_imo).cloned().unwrap_or_default();
        c.port = port.locode.clone();
        c.service = format!("{}{suffix}", c.service);
        c.expected = scaled(c.expected, scale);
        c.actual = c.actual.map(|a| scaled(a, scale));
    }
    for e in &mut batch.events {
        e.call_ref = call_ref(&e.call_ref);
    }
    for s in &mut batch.services {
        s.code = format!("{}{suffix}", s.code);
        if !suffix.is_empty() {
            s.name = format!("{} (loop {suffix})", s.name);
        }
    }
    let home = batch.ports.first().map(|p| p.locode.clone());
    for t in &mut batch.terminals {
        t.port = port.locode.clone();
        if home.as_deref() != Some(port.locode.as_str()) {
            t.name = format!("{} terminal {}", port.name, t.code);
        }
    }
    for m in &mut batch.monthly_stats {
        m.port = port.locode.clone();
        let r = |x: f64| (x * scale * 100.0).round() / 100.0;
        m.loaded_imports = r(m.loaded_imports);
        m.loaded_exports = r(m.loaded_exports);
        m.empty_imports = m.empty_imports.map(r);
        m.empty_exports = m.empty_exports.map(r);
        m.empties = r(m.empties);
        m.total_teu = r(m.total_teu);
    }
    batch.ports = vec![port.clone()];
    batch
}

/// Adds `more` to the month totals in `into`.
fn add_months(into: &mut BTreeMap<String, MonthlyStats>, more: Vec<MonthlyStats>) {
    for m in more {
        match into.get_mut(&m.month) {
            None => {
                into.insert(m.month.clone(), m);
            }
            Some(t) => {
                let sum = |a: f64, b: f64| ((a + b) * 100.0).round() / 100.0;
                t.loaded_imports = sum(t.loaded_imports, m.loaded_imports);
                t.loaded_exports = sum(t.loaded_exports, m.loaded_exports);
                t.empty_imports = t.empty_imports.zip(m.empty_imports).map(|(a, b)| sum(a, b));
                t.empty_exports = t.empty_exports.zip(m.empty_exports).map(|(a, b)| sum(a, b));
                t.empties = sum(t.empties, m.empties);
                t.total_teu = sum(t.total_teu, m.total_teu);
            }
        }
    }
}

/// Generates and stores the national demo; `progress` hears the calls stored so far and
/// about how many there will be.
pub async fn load(
    store: &dyn Storage,
    opts: NationalOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Loaded, LoadError> {
    let ports = &PORTS[..opts.ports.clamp(1, PORTS.len())];
    let copy_opts = |port: usize, copy: usize| DemoOptions {
        seed: opts.seed ^ (((port as u64) << 32) | copy as u64),
        as_of: opts.as_of,
    };
    let generate = |(port, copy): (usize, usize)| {
        let o = copy_opts(port, copy);
        tokio::task::spawn_blocking(move || generate_with(&o, &DAILY_ETAS))
    };
    let first = generate((0, 0))
        .await
        .expect("the generator does not panic");
    let per_copy = first.port_calls.len().max(1);
    let copies = (opts.calls as f64 / (ports.len() * per_copy) as f64)
        .round()
        .max(1.0) as usize;
    let expected = ports.len() * copies * per_copy;
    let mut taken = HashSet::new();
    let mut loaded = Loaded {
        ports: ports.len(),
        copies_per_port: copies,
        ..Loaded::default()
    };
    let order: Vec<(usize, usize)> = (0..ports.len())
        .flat_map(|p| (0..copies).map(move |c| (p, c)))
        .collect();
    let mut ready = Some(first);
    let mut pending: Option<tokio::task::JoinHandle<Batch>> = None;
    let mut months = BTreeMap::new();
    for (i, &(p, copy)) in order.iter().enumerate() {
        let batch = match ready.take() {
            Some(b) => b,
            None => pending
                .take()
                .expect("the next copy is under way")
                .await
                .expect("the generator does not panic"),
        };
        // The next copy is generated while this one is stored.
        pending = order.get(i + 1).map(|&next| generate(next));
        let (locode, name, tz, teu_year) = ports[p];
        let port = Port {
            locode: locode.into(),
            name: name.into(),
            time_zone: tz.into(),
        };
        let scale = teu_year / (CAST_TEU_YEAR * copies as f64);
        let batch = rehome(batch, &port, copy, scale, &mut taken);
        load_setup(store, &batch).await?;
        load_calls(store, &batch).await?;
        loaded.port_calls += batch.port_calls.len();
        loaded.events += batch.events.len();
        add_months(&mut months, batch.monthly_stats);
        progress(loaded.port_calls, expected);
        if copy + 1 == copies {
            let port_months: Vec<MonthlyStats> =
                std::mem::take(&mut months).into_values().collect();
            loaded.months += port_months.len();
            load_statistics(store, std::slice::from_ref(&port), &port_months).await?;
        }
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imo_numbers_stay_valid_and_unique() {
        let mut taken: HashSet<String> = ["9074729".to_string()].into();
        let next = free_imo("9074729", &taken);
        assert_ne!(next, "9074729");
        assert!(crate::domain::port_call::imo_is_valid(&next), "{next}");
        assert!(next.starts_with("907473"));
        taken.insert(next.clone());
        assert_ne!(free_imo("9074729", &taken), next);
        assert_eq!(loop_suffix(0), "");
        assert_eq!(loop_suffix(1), "B");
        assert_eq!(loop_suffix(25), "Z");
        assert_eq!(loop_suffix(26), "27");
    }

    #[test]
    fn a_copy_moves_to_its_port_with_its_calls_stats_and_events_in_step() {
        let opts = DemoOptions {
            seed: 7,
            as_of: "2026-11-29T12:00:00Z".parse().unwrap(),
        };
        let original = generate_with(&opts, &DAILY_ETAS);
        let port = Port {
            locode: "USSAV".into(),
            name: "Port of Savannah".into(),
            time_zone: "America/New_York".into(),
        };
        // The same vessels again, as a second copy at the same port would bring.
        let mut taken: HashSet<String> = original.vessels.iter().map(|v| v.imo.clone()).collect();
        let copy = rehome(original.clone(), &port, 2, 0.25, &mut taken);
        assert_eq!(copy.ports, vec![port.clone()]);
        let imos: HashSet<&str> = copy.vessels.iter().map(|v| v.imo.as_str()).collect();
        assert!(original
            .vessels
            .iter()
            .all(|v| !imos.contains(v.imo.as_str())));
        let refs: HashSet<&str> = copy
            .port_calls
            .iter()
            .map(|c| c.call_ref.as_str())
            .collect();
        assert_eq!(refs.len(), copy.port_calls.len(), "call references unique");
        for c in &copy.port_calls {
            assert!(c.call_ref.starts_with("USSAV-"), "{}", c.call_ref);
            assert!(imos.contains(c.vessel_imo.as_str()));
            assert!(c.call_ref.contains(&c.vessel_imo));
            assert!(c.service.ends_with('C'), "{}", c.service);
        }
        assert!(copy
            .events
            .iter()
            .all(|e| refs.contains(e.call_ref.as_str())));
        assert!(copy.terminals.iter().all(|t| t.port == "USSAV"));
        // A quarter of the TEU, in the calls and in the statistics alike.
        let discharged = |b: &Batch| -> f64 {
            b.port_calls
                .iter()
                .filter_map(|c| c.actual)
                .map(|a| a.discharge())
                .sum()
        };
        let ratio = discharged(&copy) / discharged(&original);
        assert!((ratio - 0.25).abs() < 1e-4, "{ratio}");
        let imports = |b: &Batch| -> f64 { b.monthly_stats.iter().map(|m| m.loaded_imports).sum() };
        assert!((imports(&copy) / imports(&original) - 0.25).abs() < 1e-4);
        // Daily ETAs: about twenty events for a call that has happened.
        let per_call = original.events.len() as f64 / original.port_calls.len() as f64;
        assert!(per_call > 15.0, "{per_call} events a call");
    }
}

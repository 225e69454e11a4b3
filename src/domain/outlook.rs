//! The weekly import outlook with bands (see DESIGN.md, "Forecasting, in brief"): each coming
//! call's import TEU is placed in weeks by the chance that it arrives in each, given how far off
//! the ETAs of its service (else its carrier, else the port) have been at the same lead time.
//! Each draw also drops a call with the chance that a call still scheduled that far ahead was
//! cancelled later (blank sailings, from the port's past calls), and scales its stated discharge
//! as the service's past calls turned out against theirs. The draws give each week's
//! P10/P50/P90.

use super::forecast::Band;
use super::port_call::{CallTimes, PortCall, PortCallEvent};
pub use super::split::Split;
use super::week::IsoWeek;
use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// Draws of every call's arrival.
pub const DRAWS: usize = 1000;
/// A class of misses is used once it holds this many; else the next wider one.
const MIN_MISSES: usize = 20;

/// How far off one estimate of arrival was.
#[derive(Clone, Debug, PartialEq)]
pub struct EtaMiss {
    pub carrier: String,
    pub service: String,
    /// How long before the arrival it estimated the estimate was issued, in hours.
    pub lead_hours: f64,
    /// Actual arrival minus the estimate, in hours (positive: late).
    pub miss_hours: f64,
}

/// Lead-time classes: under 3 days, under a week, under two weeks, further.
fn lead_class(hours: f64) -> usize {
    match hours {
        h if h < 72.0 => 0,
        h if h < 168.0 => 1,
        h if h < 336.0 => 2,
        _ => 3,
    }
}

/// The misses of past estimates, sorted into the classes a coming call is matched by.
#[derive(Debug, Default)]
pub struct MissHistory {
    by_service: HashMap<(String, String, usize), Vec<f64>>,
    by_carrier: HashMap<(String, usize), Vec<f64>>,
    by_lead: HashMap<usize, Vec<f64>>,
}

impl MissHistory {
    pub fn new(misses: &[EtaMiss]) -> Self {
        let mut h = MissHistory::default();
        for m in misses {
            let class = lead_class(m.lead_hours);
            h.by_service
                .entry((m.carrier.clone(), m.service.clone(), class))
                .or_default()
                .push(m.miss_hours);
            h.by_carrier
                .entry((m.carrier.clone(), class))
                .or_default()
                .push(m.miss_hours);
            h.by_lead.entry(class).or_default().push(m.miss_hours);
        }
        h
    }

    /// The misses a call of `carrier`/`service` with an ETA `lead_hours` ahead may expect: the
    /// narrowest class with enough of them. Empty when there is no history at all.
    fn for_call(&self, carrier: &str, service: &str, lead_hours: f64) -> &[f64] {
        let class = lead_class(lead_hours);
        self.by_service
            .get(&(carrier.to_owned(), service.to_owned(), class))
            .filter(|v| v.len() >= MIN_MISSES)
            .or_else(|| {
                self.by_carrier
                    .get(&(carrier.to_owned(), class))
                    .filter(|v| v.len() >= MIN_MISSES)
            })
            .or_else(|| self.by_lead.get(&class))
            .map_or(&[], Vec::as_slice)
    }
}

/// What past calls teach about volume: how their discharge turned out against what was stated
/// (by service, else the port), and how far ahead of arrival cancelled calls were cancelled.
#[derive(Debug, Default)]
pub struct VolumeHistory {
    by_service: HashMap<String, Vec<f64>>,
    port: Vec<f64>,
    /// Calls due before `as_of`.
    due: usize,
    /// For each of them that was cancelled: hours before its arrival the cancellation came.
    cancel_leads: Vec<f64>,
}

/// How many hours before its arrival a call's cancellation was received, if it was by `as_of`.
pub fn cancellation_lead(
    call: &PortCall,
    events: &[&PortCallEvent],
    as_of: DateTime<Utc>,
) -> Option<f64> {
    use super::EventType;
    let received = events
        .iter()
        .filter(|e| matches!(e.event_type, EventType::Omit | EventType::Canc))
        .map(|e| e.received_at)
        .filter(|r| *r <= as_of)
        .min()?;
    let due = call.times.planned_arrival.or(call.times.latest_eta())?;
    Some(((due - received).num_minutes() as f64 / 60.0).max(0.0))
}

impl VolumeHistory {
    /// From calls as known at `as_of`, each with its [`cancellation_lead`]: each departed call
    /// with stated and actual moves gives a ratio (actual over stated discharge); calls due
    /// before `as_of` give the cancellations.
    pub fn new<'a>(
        calls: impl IntoIterator<Item = (&'a PortCall, Option<f64>)>,
        as_of: DateTime<Utc>,
    ) -> Self {
        let mut h = VolumeHistory::default();
        for (c, cancel_lead) in calls {
            let was_due = c
                .times
                .planned_arrival
                .or(c.times.latest_eta())
                .is_some_and(|t| t < as_of);
            if was_due {
                h.due += 1;
                h.cancel_leads.extend(cancel_lead);
            }
            let departed = c.times.actual_departure.is_some_and(|d| d <= as_of);
            let stated = c.expected.discharge();
            if let (true, Some(actual)) = (departed && stated > 0.0, c.actual.as_ref()) {
                let ratio = actual.discharge() / stated;
                h.by_service
                    .entry(c.service.clone())
                    .or_default()
                    .push(ratio);
                h.port.push(ratio);
            }
        }
        h
    }

    /// The chance that a call still scheduled `lead_hours` before its arrival is cancelled
    /// later: of the past calls still scheduled at that lead, the share cancelled after it.
    pub fn cancel_chance(&self, lead_hours: f64) -> f64 {
        let later = self
            .cancel_leads
            .iter()
            .filter(|l| **l < lead_hours)
            .count();
        let scheduled = self.due - (self.cancel_leads.len() - later);
        if scheduled == 0 {
            0.0
        } else {
            later as f64 / scheduled as f64
        }
    }

    /// The ratios a call of `service` may expect: its service's when there are enough, else
    /// the port's; empty (no change) without history.
    fn ratios(&self, service: &str) -> &[f64] {
        self.by_service
            .get(service)
            .filter(|v| v.len() >= MIN_MISSES)
            .map_or(&self.port, |v| v)
    }
}

/// Everything the outlook learns from the past: timing and volume.
#[derive(Debug, Default)]
pub struct History {
    pub misses: MissHistory,
    pub volume: VolumeHistory,
}

impl From<MissHistory> for History {
    fn from(misses: MissHistory) -> Self {
        History {
            misses,
            volume: VolumeHistory::default(),
        }
    }
}

/// A call as it was known at `as_of`: its times folded from the events received by then (a
/// schedule's times are events too), and its actual moves only once its departure had been
/// reported by then, so a past outlook can be reproduced and scored. (Stated moves are kept as
/// they are stored now: a schedule's revisions are not versioned.)
pub fn known_at(call: &PortCall, events: &[&PortCallEvent], as_of: DateTime<Utc>) -> PortCall {
    let times = CallTimes::folded(
        CallTimes::default(),
        events.iter().copied().filter(|e| e.received_at <= as_of),
    );
    PortCall {
        actual: call.actual.filter(|_| times.actual_departure.is_some()),
        times,
        ..call.clone()
    }
}

/// How far off each arrival estimate (or plan) of a call was, once its actual arrival at berth
/// was known by `as_of`; only estimates issued before that arrival count.
pub fn eta_misses(
    call: &PortCall,
    events: &[&PortCallEvent],
    as_of: DateTime<Utc>,
) -> Vec<EtaMiss> {
    use super::{Classifier, EventType, FacilityType};
    let at_berth = |e: &&&PortCallEvent| {
        e.event_type == EventType::Arri
            && matches!(
                e.facility_type,
                FacilityType::Brth | FacilityType::Unspecified
            )
            && e.received_at <= as_of
    };
    let Some(actual) = events
        .iter()
        .filter(at_berth)
        .filter(|e| e.classifier == Classifier::Act)
        .map(|e| e.event_time)
        .max()
    else {
        return Vec::new();
    };
    events
        .iter()
        .filter(at_berth)
        .filter(|e| matches!(e.classifier, Classifier::Est | Classifier::Pln))
        .filter_map(|e| {
            let issued = e.issued_at.unwrap_or(e.received_at);
            (issued < actual).then(|| EtaMiss {
                carrier: call.carrier.clone(),
                service: call.service.clone(),
                lead_hours: (e.event_time - issued).num_minutes() as f64 / 60.0,
                miss_hours: (actual - e.event_time).num_minutes() as f64 / 60.0,
            })
        })
        .collect()
}

/// Each service's mean utilisation: discharged TEU over vessel capacity, over its calls that
/// departed by `as_of` with their moves and the vessel's capacity known.
pub fn service_utilisation(
    calls: &[PortCall],
    capacity: impl Fn(&str) -> Option<f64>,
    as_of: DateTime<Utc>,
) -> HashMap<String, f64> {
    let mut sums: HashMap<&str, (f64, usize)> = HashMap::new();
    for c in calls {
        let departed = c.times.actual_departure.is_some_and(|d| d <= as_of);
        let (Some(moves), Some(cap)) = (c.actual.as_ref(), capacity(&c.vessel_imo)) else {
            continue;
        };
        if departed && cap > 0.0 {
            let entry = sums.entry(c.service.as_str()).or_default();
            entry.0 += moves.discharge() / cap;
            entry.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(service, (sum, n))| (service.to_owned(), sum / n as f64))
        .collect()
}

/// One coming week.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekBand {
    pub week: IsoWeek,
    pub import_teu: Band,
    /// Expected import TEU leaving by on-dock rail.
    pub rail_teu: f64,
    /// Expected number of vessels arriving.
    pub vessels: f64,
    /// Expected import TEU (the mean of the draws) with its laden part and its rail part.
    pub expected: Split,
    /// The same by terminal (`-` for calls without one) and by carrier, largest first.
    pub by_terminal: Vec<(String, Split)>,
    pub by_carrier: Vec<(String, Split)>,
}

/// Groups' splits (`keys[i]` has `splits[i]`), largest first (then by key), rounded; groups
/// with nothing expected in the week are left out.
fn ranked(keys: &[&str], splits: Vec<Split>) -> Vec<(String, Split)> {
    let mut out: Vec<(String, Split)> = keys
        .iter()
        .zip(splits)
        .map(|(k, v)| (k.to_string(), v.rounded()))
        .filter(|(_, v)| v.teu > 0.0)
        .collect();
    out.sort_by(|a, b| b.1.teu.total_cmp(&a.1.teu).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Adds `split` to `key`'s group in `groups` (kept ranked).
pub fn add_to_group(groups: &mut Vec<(String, Split)>, key: &str, split: Split) {
    match groups.iter_mut().find(|(k, _)| k == key) {
        Some((_, s)) => s.add(split),
        None => groups.push((key.to_string(), split)),
    }
    groups.sort_by(|a, b| b.1.teu.total_cmp(&a.1.teu).then_with(|| a.0.cmp(&b.0)));
}

impl WeekBand {
    /// Adds what has already arrived in the week (`split`, from `terminal` and `carrier`).
    pub fn add_arrived(&mut self, split: Split, terminal: &str, carrier: &str) {
        self.expected.add(split);
        add_to_group(&mut self.by_terminal, terminal, split);
        add_to_group(&mut self.by_carrier, carrier, split);
    }
}

/// How a call without a terminal is listed.
pub const NO_TERMINAL: &str = "-";

/// A coming call's import TEU: its stated discharge, else its vessel's capacity times the
/// service's past utilisation (discharged TEU over capacity), else nothing.
pub fn import_teu(
    call: &PortCall,
    capacity: Option<f64>,
    utilisation: &HashMap<String, f64>,
) -> f64 {
    let stated = call.expected.discharge();
    if stated > 0.0 {
        return stated;
    }
    match (capacity, utilisation.get(&call.service)) {
        (Some(c), Some(u)) => c * u,
        _ => 0.0,
    }
}

/// A call not yet arrived, with what its draws sample from.
struct Coming<'a> {
    eta: DateTime<Utc>,
    misses: &'a [f64],
    ratios: &'a [f64],
    cancel: f64,
    teu: f64,
    rail_teu: f64,
    /// The call's split for a ratio of 1, and its groups.
    split: Split,
    /// Indexes into the terminals and carriers listed.
    terminal: usize,
    carrier: usize,
}

/// The index of `key` in `keys`, added when new.
fn index_of<'a>(keys: &mut Vec<&'a str>, key: &'a str) -> usize {
    keys.iter().position(|k| *k == key).unwrap_or_else(|| {
        keys.push(key);
        keys.len() - 1
    })
}

/// The `weeks` ISO weeks (in `tz`) from the one holding `as_of`: for each, the band of import
/// TEU from calls not yet arrived by `as_of` (omitted ones excluded), their expected rail TEU
/// and expected vessel count. `teu` gives each call's import TEU (see [`import_teu`]).
pub fn weekly_outlook<Tz: TimeZone>(
    calls: &[PortCall],
    teu: impl Fn(&PortCall) -> f64,
    history: &History,
    tz: &Tz,
    as_of: DateTime<Utc>,
    weeks: usize,
    seed: u64,
) -> Vec<WeekBand> {
    let first = IsoWeek::at(as_of, tz);
    let week_index = |at: DateTime<Utc>| {
        let w = IsoWeek::at(at, tz);
        let offset = (w.start() - first.start()).num_days().div_euclid(7);
        usize::try_from(offset).ok().filter(|i| *i < weeks)
    };
    let waiting = || {
        calls
            .iter()
            .filter(|c| !c.times.omitted && c.times.actual_berth_arrival.is_none())
    };
    // Calls whose discharge is an estimate from capacity are split as the stated ones are.
    let (laden, stated) = waiting().fold((0.0, 0.0), |(l, s), c| {
        (l + c.expected.discharge_laden, s + c.expected.discharge())
    });
    let laden_share = if stated > 0.0 { laden / stated } else { 1.0 };
    let (mut terminals, mut carriers) = (Vec::new(), Vec::new());
    let coming: Vec<Coming> = waiting()
        .filter_map(|c| {
            let eta = c.times.latest_eta()?;
            let lead = (eta - as_of).num_minutes() as f64 / 60.0;
            let misses = history
                .misses
                .for_call(&c.carrier, &c.service, lead.max(0.0));
            // Ratios correct stated moves; an estimate from capacity is not one.
            let ratios = if c.expected.discharge() > 0.0 {
                history.volume.ratios(&c.service)
            } else {
                &[]
            };
            let cancel = history.volume.cancel_chance(lead.max(0.0));
            let teu = teu(c);
            Some(Coming {
                eta,
                misses,
                ratios,
                cancel,
                teu,
                rail_teu: teu * c.rail_share,
                split: Split::of_call(c, teu, laden_share),
                terminal: index_of(&mut terminals, c.terminal.as_deref().unwrap_or(NO_TERMINAL)),
                carrier: index_of(&mut carriers, &c.carrier),
            })
        })
        .collect();

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // totals[week] holds that week's import TEU in each draw.
    let mut totals: Vec<Vec<f64>> = vec![Vec::with_capacity(DRAWS); weeks];
    let (mut rail, mut vessels) = (vec![0.0; weeks], vec![0.0; weeks]);
    // Per week, the expected split by terminal and by carrier (sums over draws, divided later).
    let mut by_terminal = vec![vec![Split::default(); terminals.len()]; weeks];
    let mut by_carrier = vec![vec![Split::default(); carriers.len()]; weeks];
    for _ in 0..DRAWS {
        let mut draw = vec![0.0; weeks];
        for Coming {
            eta,
            misses,
            ratios,
            cancel,
            teu,
            rail_teu,
            split,
            terminal,
            carrier,
        } in &coming
        {
            let miss = misses.choose(&mut rng).copied().unwrap_or(0.0);
            let ratio = ratios.choose(&mut rng).copied().unwrap_or(1.0);
            if rng.gen::<f64>() < *cancel {
                continue;
            }
            // A vessel already due cannot arrive before now.
            let arrival = (*eta + Duration::minutes((miss * 60.0) as i64)).max(as_of);
            if let Some(w) = week_index(arrival) {
                draw[w] += teu * ratio;
                rail[w] += rail_teu * ratio / DRAWS as f64;
                vessels[w] += 1.0 / DRAWS as f64;
                let share = split.scaled(ratio / DRAWS as f64);
                by_terminal[w][*terminal].add(share);
                by_carrier[w][*carrier].add(share);
            }
        }
        for (week, teu) in totals.iter_mut().zip(draw) {
            week.push(teu);
        }
    }
    totals
        .into_iter()
        .zip(by_terminal.into_iter().zip(by_carrier))
        .enumerate()
        .map(|(i, (mut draws, (in_terminals, in_carriers)))| {
            let mut expected = Split::default();
            in_terminals.iter().for_each(|s| expected.add(*s));
            WeekBand {
                week: first.offset(i as i64),
                import_teu: Band::of(&mut draws),
                rail_teu: rail[i].round(),
                vessels: (vessels[i] * 10.0).round() / 10.0,
                expected: expected.rounded(),
                by_terminal: ranked(&terminals, in_terminals),
                by_carrier: ranked(&carriers, in_carriers),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;

//! What a week's expected import volume is made of: laden or empty, leaving by on-dock rail or
//! locally by truck. Shared by the outlook (server) and the pages that show it.

use super::port_call::PortCall;
use serde::{Deserialize, Serialize};

/// Expected import TEU, the laden part of it (the rest is empty) and the part leaving by
/// on-dock rail (the rest is local, by truck).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Split {
    pub teu: f64,
    pub laden: f64,
    pub rail: f64,
}

impl Split {
    pub fn empty(&self) -> f64 {
        self.teu - self.laden
    }

    pub fn local(&self) -> f64 {
        self.teu - self.rail
    }

    pub fn add(&mut self, other: Split) {
        self.teu += other.teu;
        self.laden += other.laden;
        self.rail += other.rail;
    }

    pub fn scaled(self, by: f64) -> Split {
        Split {
            teu: self.teu * by,
            laden: self.laden * by,
            rail: self.rail * by,
        }
    }

    pub fn rounded(self) -> Split {
        Split {
            teu: self.teu.round(),
            laden: self.laden.round(),
            rail: self.rail.round(),
        }
    }

    /// What a call brings: `teu` import TEU split as its moves say (`laden_share` when they say
    /// nothing, an estimate from capacity), `rail_share` of it by rail.
    pub fn of_call(call: &PortCall, teu: f64, laden_share: f64) -> Split {
        let moves = call.actual.as_ref().unwrap_or(&call.expected);
        let stated = moves.discharge();
        let laden = if stated > 0.0 {
            teu * moves.discharge_laden / stated
        } else {
            teu * laden_share
        };
        Split {
            teu,
            laden,
            rail: teu * call.rail_share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TeuMoves;

    #[test]
    fn splits_as_the_moves_say_else_by_the_share_given() {
        let mut call = PortCall::planned("C1", "MSK", chrono::Utc::now());
        call.expected = TeuMoves {
            discharge_laden: 300.0,
            discharge_empty: 100.0,
            load_laden: 50.0,
            load_empty: 0.0,
        };
        call.rail_share = 0.25;
        // 800 TEU expected (ratio 2 on the stated 400): 3/4 laden, 1/4 by rail.
        let s = Split::of_call(&call, 800.0, 0.5);
        assert_eq!((s.teu, s.laden, s.rail), (800.0, 600.0, 200.0));
        assert_eq!((s.empty(), s.local()), (200.0, 600.0));
        // Actual moves, once reported, decide the split.
        call.actual = Some(TeuMoves {
            discharge_laden: 100.0,
            discharge_empty: 100.0,
            ..TeuMoves::default()
        });
        assert_eq!(Split::of_call(&call, 200.0, 0.9).laden, 100.0);
        // Nothing stated: the share given.
        call.actual = None;
        call.expected = TeuMoves::default();
        assert_eq!(Split::of_call(&call, 1000.0, 0.9).laden, 900.0);
    }
}

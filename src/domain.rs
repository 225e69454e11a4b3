//! The port's world as plain data, and the maths over it. No IO, no async, no SQL:
//! everything here is a pure function with unit tests that use hand-checkable numbers.

#[cfg(feature = "ssr")]
pub mod accuracy;
pub mod arrivals;
pub mod balance;
pub mod congestion;
// Forecasting draws sample paths with the server's seeded generator; pages get its results.
#[cfg(feature = "ssr")]
pub mod forecast;
pub mod indicator;
pub mod labour;
#[cfg(feature = "ssr")]
pub mod outlook;
#[cfg(feature = "ssr")]
pub mod owner;
pub mod port_call;
pub mod reliability;
pub mod rollup;
pub mod split;
pub mod week;

pub use port_call::{
    CallTimes, Classifier, EventType, FacilityType, MonthlyStats, Port, PortCall, PortCallEvent,
    Terminal, TeuMoves, Vessel, VesselStatus,
};
pub use week::IsoWeek;

//! The demo port's fixed cast: the Port of Los Angeles' container terminals and the carriers
//! and services that call there. Names are real; figures are round, public-order-of-magnitude.

pub const PORT: (&str, &str, &str) = ("USLAX", "Port of Los Angeles", "America/Los_Angeles");

pub struct TerminalSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub berths: i32,
    pub gang_moves_per_hour: f64,
    pub daily_capacity_teu: f64,
    /// Share of discharged TEU leaving by on-dock rail.
    pub rail_share: f64,
}

pub const TERMINALS: &[TerminalSpec] = &[
    TerminalSpec {
        code: "APMT",
        name: "APM Terminals Pier 400",
        berths: 4,
        gang_moves_per_hour: 28.0,
        daily_capacity_teu: 18_000.0,
        rail_share: 0.32,
    },
    TerminalSpec {
        code: "FMS",
        name: "Fenix Marine Services",
        berths: 3,
        gang_moves_per_hour: 27.0,
        daily_capacity_teu: 12_000.0,
        rail_share: 0.28,
    },
    TerminalSpec {
        code: "TRAPAC",
        name: "TraPac Los Angeles",
        berths: 3,
        gang_moves_per_hour: 30.0,
        daily_capacity_teu: 10_000.0,
        rail_share: 0.22,
    },
    TerminalSpec {
        code: "YTI",
        name: "Yusen Terminals",
        berths: 3,
        gang_moves_per_hour: 26.0,
        daily_capacity_teu: 9_000.0,
        rail_share: 0.18,
    },
    TerminalSpec {
        code: "EVERPORT",
        name: "Everport Terminal Services",
        berths: 3,
        gang_moves_per_hour: 26.0,
        daily_capacity_teu: 9_000.0,
        rail_share: 0.20,
    },
    TerminalSpec {
        code: "WBCT",
        name: "West Basin Container Terminal",
        berths: 4,
        gang_moves_per_hour: 25.0,
        daily_capacity_teu: 11_000.0,
        rail_share: 0.25,
    },
    TerminalSpec {
        code: "PCT",
        name: "Pacific Container Terminal",
        berths: 3,
        gang_moves_per_hour: 29.0,
        daily_capacity_teu: 10_000.0,
        rail_share: 0.30,
    },
];

pub struct ServiceSpec {
    pub carrier: &'static str,
    pub carrier_name: &'static str,
    pub service: &'static str,
    pub service_name: &'static str,
    pub terminal: &'static str,
    /// TEU capacity range of the vessels on the loop.
    pub capacity: (i32, i32),
    pub vessel_prefix: &'static str,
    /// 1.0 is an average carrier; higher runs later and less predictably.
    pub lateness: f64,
}

macro_rules! services {
    ($(($c:literal, $cn:literal, $s:literal, $sn:literal, $t:literal, $lo:literal, $hi:literal, $p:literal, $late:literal)),+ $(,)?) => {
        pub const SERVICES: &[ServiceSpec] = &[$(ServiceSpec {
            carrier: $c, carrier_name: $cn, service: $s, service_name: $sn, terminal: $t,
            capacity: ($lo, $hi), vessel_prefix: $p, lateness: $late,
        }),+];
    };
}

services!(
    (
        "MSK",
        "Maersk",
        "TP6",
        "Transpacific 6",
        "APMT",
        13000,
        17000,
        "MAERSK",
        0.8
    ),
    (
        "MSC",
        "Mediterranean Shipping Company",
        "PRX",
        "Pearl River Express",
        "FMS",
        15000,
        24000,
        "MSC",
        1.0
    ),
    (
        "CMA",
        "CMA CGM",
        "PRX2",
        "Pearl River Express 2",
        "FMS",
        13000,
        20000,
        "CMA CGM",
        1.0
    ),
    (
        "COS",
        "COSCO Shipping Lines",
        "AAC",
        "Asia America Central",
        "PCT",
        13000,
        20000,
        "COSCO",
        1.1
    ),
    (
        "OOL",
        "OOCL",
        "PCC1",
        "Pacific China California 1",
        "PCT",
        11000,
        14000,
        "OOCL",
        1.0
    ),
    (
        "ONE",
        "Ocean Network Express",
        "PS3",
        "Pacific South 3",
        "YTI",
        10000,
        14000,
        "ONE",
        0.9
    ),
    (
        "HLC",
        "Hapag-Lloyd",
        "PS4",
        "Pacific South 4",
        "TRAPAC",
        10000,
        15000,
        "HAMBURG",
        0.9
    ),
    (
        "EMC",
        "Evergreen Marine",
        "TPS",
        "Transpacific South",
        "EVERPORT",
        11000,
        16000,
        "EVER",
        1.0
    ),
    (
        "YML",
        "Yang Ming",
        "PS5",
        "Pacific South 5",
        "WBCT",
        11000,
        14000,
        "YM",
        1.1
    ),
    (
        "HMM",
        "HMM",
        "PS1",
        "Pacific Southwest 1",
        "TRAPAC",
        10000,
        16000,
        "HMM",
        1.2
    ),
    (
        "ZIM",
        "ZIM",
        "ZX1",
        "ZIM Transpacific Express",
        "TRAPAC",
        7000,
        10000,
        "ZIM",
        1.3
    ),
    (
        "APL",
        "APL",
        "EX1",
        "Eagle Express 1",
        "APMT",
        9000,
        14000,
        "APL",
        1.0
    ),
    (
        "WHL",
        "Wan Hai Lines",
        "AA7",
        "Asia America 7",
        "WBCT",
        6000,
        13000,
        "WAN HAI",
        1.2
    ),
    (
        "SML",
        "SM Line",
        "PNS",
        "Pacific North South",
        "EVERPORT",
        6500,
        8600,
        "SM",
        1.3
    ),
    (
        "MAT",
        "Matson",
        "CLX",
        "China Long Beach Express",
        "PCT",
        3600,
        5000,
        "MATSON",
        0.6
    ),
    (
        "ANL",
        "ANL",
        "AAX",
        "Australia America Express",
        "FMS",
        4000,
        6000,
        "ANL",
        1.1
    ),
    (
        "TSL",
        "T.S. Lines",
        "AWC",
        "Asia West Coast",
        "WBCT",
        4200,
        7000,
        "TS",
        1.4
    ),
    (
        "KMT",
        "KMTC",
        "KPS",
        "Korea Pacific South",
        "YTI",
        4000,
        6500,
        "KMTC",
        1.2
    ),
    (
        "SIT",
        "SITC",
        "CPX",
        "China Pacific Express",
        "EVERPORT",
        4000,
        7000,
        "SITC",
        1.3
    ),
    (
        "PIL",
        "Pacific International Lines",
        "CWX",
        "China West Coast Express",
        "YTI",
        8000,
        12000,
        "KOTA",
        1.3
    ),
    (
        "ESL",
        "Emirates Shipping Line",
        "AGX",
        "America Gulf Express",
        "WBCT",
        5000,
        8000,
        "EMIRATES",
        1.4
    ),
    (
        "CNC",
        "CNC Line",
        "AS1",
        "Asia South 1",
        "APMT",
        4000,
        6000,
        "CNC",
        1.1
    ),
    (
        "SWR",
        "Swire Shipping",
        "PNX",
        "Pacific Northwest Express",
        "YTI",
        4000,
        5000,
        "SWIRE",
        1.2
    ),
    (
        "HAS",
        "Heung-A Line",
        "KCX",
        "Korea California Express",
        "TRAPAC",
        4000,
        5500,
        "HEUNG-A",
        1.2
    ),
    (
        "RCL",
        "RCL",
        "RTP",
        "Regional Transpacific",
        "EVERPORT",
        4000,
        6000,
        "RCL",
        1.3
    ),
);

/// Second words for vessel names, in loop order.
pub const VESSEL_NAMES: &[&str] = &[
    "HORIZON",
    "PIONEER",
    "AURORA",
    "MERIDIAN",
    "ZENITH",
    "VOYAGER",
    "TRIDENT",
    "ODYSSEY",
    "HARMONY",
    "SOVEREIGN",
    "LIBERTY",
    "PACIFIC",
    "ORION",
    "SERENITY",
    "VALIANT",
    "EMERALD",
];

-- portsignal schema, version 1 (SQLite). Keep in step with migrations/postgres/0001_init.sql.
-- Times are RFC 3339 text in UTC, so text order is time order.

CREATE TABLE ports (
    locode      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL
);

CREATE TABLE terminals (
    port_locode          TEXT NOT NULL REFERENCES ports(locode),
    code                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    berths               INTEGER NOT NULL,
    gang_moves_per_hour  REAL NOT NULL,
    daily_capacity_teu   REAL NOT NULL,
    PRIMARY KEY (port_locode, code)
);

CREATE TABLE carriers (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL
);

CREATE TABLE services (
    carrier_code  TEXT NOT NULL REFERENCES carriers(code),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    PRIMARY KEY (carrier_code, code)
);

CREATE TABLE vessels (
    imo           TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    mmsi          TEXT,
    call_sign     TEXT,
    operator_code TEXT,
    teu_capacity  INTEGER
);

CREATE TABLE port_calls (
    call_ref                  TEXT PRIMARY KEY,
    port_locode               TEXT NOT NULL REFERENCES ports(locode),
    terminal_code             TEXT,
    vessel_imo                TEXT NOT NULL REFERENCES vessels(imo),
    carrier_code              TEXT NOT NULL,
    service_code              TEXT NOT NULL,
    import_voyage             TEXT NOT NULL,
    export_voyage             TEXT NOT NULL,
    omitted                   BOOLEAN NOT NULL DEFAULT FALSE,
    planned_arrival           TEXT,
    estimated_arrival         TEXT,
    requested_arrival         TEXT,
    actual_anchorage_arrival  TEXT,
    actual_berth_arrival      TEXT,
    planned_departure         TEXT,
    estimated_departure       TEXT,
    actual_departure          TEXT,
    -- Actual berth arrival, else latest ETA: what weeks and ranges are cut by.
    best_arrival              TEXT,
    exp_discharge_laden_teu   REAL NOT NULL DEFAULT 0,
    exp_discharge_empty_teu   REAL NOT NULL DEFAULT 0,
    exp_load_laden_teu        REAL NOT NULL DEFAULT 0,
    exp_load_empty_teu        REAL NOT NULL DEFAULT 0,
    act_discharge_laden_teu   REAL,
    act_discharge_empty_teu   REAL,
    act_load_laden_teu        REAL,
    act_load_empty_teu        REAL,
    rail_share                REAL NOT NULL DEFAULT 0,
    FOREIGN KEY (carrier_code, service_code) REFERENCES services(carrier_code, code),
    FOREIGN KEY (port_locode, terminal_code) REFERENCES terminals(port_locode, code)
);
CREATE INDEX port_calls_by_arrival ON port_calls (port_locode, best_arrival);
CREATE UNIQUE INDEX port_calls_by_voyage ON port_calls (port_locode, vessel_imo, import_voyage);

-- Append-only log of what we were told; the unique key makes a re-sent event a no-op.
CREATE TABLE port_call_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    call_ref       TEXT NOT NULL REFERENCES port_calls(call_ref),
    source         TEXT NOT NULL,
    publisher      TEXT NOT NULL,
    classifier     TEXT NOT NULL CHECK (classifier IN ('PLN', 'EST', 'REQ', 'ACT')),
    event_type     TEXT NOT NULL CHECK (event_type IN ('ARRI', 'DEPA', 'STRT', 'CMPL', 'OMIT', 'CANC')),
    facility_type  TEXT NOT NULL DEFAULT '' CHECK (facility_type IN ('', 'PBPL', 'BRTH', 'ANCH')),
    event_time     TEXT NOT NULL,
    -- When the publisher issued it (DCSA eventCreatedDateTime), if it said.
    issued_at      TEXT,
    received_at    TEXT NOT NULL,
    delay_reason   TEXT,
    remark         TEXT
);
-- What makes two events the same event. The issue time is part of it, so an estimate that
-- returns to an earlier value is news; a message re-sent as it was is not.
CREATE UNIQUE INDEX port_call_events_identity ON port_call_events
    (call_ref, publisher, classifier, event_type, facility_type, event_time, COALESCE(issued_at, ''));
CREATE INDEX port_call_events_by_receipt ON port_call_events (received_at);

CREATE TRIGGER port_call_events_append_only BEFORE UPDATE ON port_call_events
BEGIN
    SELECT RAISE(ABORT, 'port_call_events is append-only');
END;

CREATE TABLE monthly_stats (
    port_locode     TEXT NOT NULL REFERENCES ports(locode),
    month           TEXT NOT NULL,
    loaded_imports  REAL NOT NULL,
    loaded_exports  REAL NOT NULL,
    -- NULL when the port publishes empties only as one figure.
    empty_imports   REAL,
    empty_exports   REAL,
    empties         REAL NOT NULL,
    total_teu       REAL NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (port_locode, month)
);

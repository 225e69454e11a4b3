-- portsignal schema, version 1 (PostgreSQL). Keep in step with migrations/sqlite/0001_init.sql.
-- Times are timestamptz.

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
    gang_moves_per_hour  DOUBLE PRECISION NOT NULL,
    daily_capacity_teu   DOUBLE PRECISION NOT NULL,
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
    planned_arrival           TIMESTAMPTZ,
    estimated_arrival         TIMESTAMPTZ,
    requested_arrival         TIMESTAMPTZ,
    actual_anchorage_arrival  TIMESTAMPTZ,
    actual_berth_arrival      TIMESTAMPTZ,
    planned_departure         TIMESTAMPTZ,
    estimated_departure       TIMESTAMPTZ,
    actual_departure          TIMESTAMPTZ,
    -- Actual berth arrival, else latest ETA: what weeks and ranges are cut by.
    best_arrival              TIMESTAMPTZ,
    exp_discharge_laden_teu   DOUBLE PRECISION NOT NULL DEFAULT 0,
    exp_discharge_empty_teu   DOUBLE PRECISION NOT NULL DEFAULT 0,
    exp_load_laden_teu        DOUBLE PRECISION NOT NULL DEFAULT 0,
    exp_load_empty_teu        DOUBLE PRECISION NOT NULL DEFAULT 0,
    act_discharge_laden_teu   DOUBLE PRECISION,
    act_discharge_empty_teu   DOUBLE PRECISION,
    act_load_laden_teu        DOUBLE PRECISION,
    act_load_empty_teu        DOUBLE PRECISION,
    rail_share                DOUBLE PRECISION NOT NULL DEFAULT 0,
    FOREIGN KEY (carrier_code, service_code) REFERENCES services(carrier_code, code),
    FOREIGN KEY (port_locode, terminal_code) REFERENCES terminals(port_locode, code)
);
CREATE INDEX port_calls_by_arrival ON port_calls (port_locode, best_arrival);
CREATE UNIQUE INDEX port_calls_by_voyage ON port_calls (port_locode, vessel_imo, import_voyage);

-- Append-only log of what we were told; the unique key makes a re-sent event a no-op.
CREATE TABLE port_call_events (
    id             BIGSERIAL PRIMARY KEY,
    call_ref       TEXT NOT NULL REFERENCES port_calls(call_ref),
    source         TEXT NOT NULL,
    publisher      TEXT NOT NULL,
    classifier     TEXT NOT NULL CHECK (classifier IN ('PLN', 'EST', 'REQ', 'ACT')),
    event_type     TEXT NOT NULL CHECK (event_type IN ('ARRI', 'DEPA', 'STRT', 'CMPL', 'OMIT', 'CANC')),
    facility_type  TEXT NOT NULL DEFAULT '' CHECK (facility_type IN ('', 'PBPL', 'BRTH', 'ANCH')),
    event_time     TIMESTAMPTZ NOT NULL,
    -- When the publisher issued it (DCSA eventCreatedDateTime), if it said.
    issued_at      TIMESTAMPTZ,
    received_at    TIMESTAMPTZ NOT NULL,
    delay_reason   TEXT,
    remark         TEXT
);
-- What makes two events the same event. The issue time is part of it, so an estimate that
-- returns to an earlier value is news; a message re-sent as it was is not.
CREATE UNIQUE INDEX port_call_events_identity ON port_call_events
    (call_ref, publisher, classifier, event_type, facility_type, event_time, COALESCE(issued_at, '-infinity'::timestamptz));
CREATE INDEX port_call_events_by_receipt ON port_call_events (received_at);

CREATE FUNCTION port_call_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'port_call_events is append-only';
END;
$$;
CREATE TRIGGER port_call_events_append_only BEFORE UPDATE ON port_call_events
    FOR EACH ROW EXECUTE FUNCTION port_call_events_append_only();

CREATE TABLE monthly_stats (
    port_locode     TEXT NOT NULL REFERENCES ports(locode),
    month           TEXT NOT NULL,
    loaded_imports  DOUBLE PRECISION NOT NULL,
    loaded_exports  DOUBLE PRECISION NOT NULL,
    -- NULL when the port publishes empties only as one figure.
    empty_imports   DOUBLE PRECISION,
    empty_exports   DOUBLE PRECISION,
    empties         DOUBLE PRECISION NOT NULL,
    total_teu       DOUBLE PRECISION NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (port_locode, month)
);

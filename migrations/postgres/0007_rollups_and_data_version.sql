-- Weekly rollups of berthed calls (domain::rollup), kept by the store in the transaction of
-- every write that moves a berth arrival: reliability and congestion read these sums.
CREATE TABLE call_weeks (
    port_locode      TEXT NOT NULL REFERENCES ports(locode),
    -- The week's Monday 00:00 in the port's zone, in UTC; iso_year and iso_week name it.
    week_start       TIMESTAMPTZ NOT NULL,
    iso_year         INTEGER NOT NULL,
    iso_week         INTEGER NOT NULL,
    carrier_code     TEXT NOT NULL,
    service_code     TEXT NOT NULL,
    -- Empty when the calls named no terminal.
    terminal_code    TEXT NOT NULL,
    berthed          BIGINT NOT NULL,
    scored           BIGINT NOT NULL,
    on_time          BIGINT NOT NULL,
    delay_minutes    BIGINT NOT NULL,
    anchored         BIGINT NOT NULL,
    wait_tenths      BIGINT NOT NULL,
    max_wait_tenths  BIGINT NOT NULL,
    PRIMARY KEY (port_locode, week_start, carrier_code, service_code, terminal_code)
);

-- The rollups' own read (calls berthed in a range), and status listings: calls not yet
-- departed are few, so "in this status now" starts from them (the queries write "not
-- departed" as this expression, no departure counting as one at the end of time; the
-- other columns let status counts be answered from the index alone).
CREATE INDEX port_calls_by_berth ON port_calls (port_locode, actual_berth_arrival);
CREATE INDEX port_calls_open ON port_calls (port_locode,
    COALESCE(actual_departure, '9999-12-31T23:59:59+00:00'), omitted, actual_anchorage_arrival,
    actual_berth_arrival, best_arrival);

-- Bumped by every write of what public pages show: cached pages are kept while it stands.
CREATE TABLE data_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);

-- Every forecast the system shows, as it was issued, so that its accuracy can be published:
-- one row per issue, target period and series. Rows are never updated: the first issue of a
-- key stands (re-issuing the same day or the same statistics month changes nothing).
CREATE TABLE issued_forecasts (
    port_locode  TEXT NOT NULL REFERENCES ports(locode),
    kind         TEXT NOT NULL CHECK (kind = 'weekly_import' OR kind = 'monthly' OR kind = 'yearly'),
    series       TEXT NOT NULL,
    -- The port's local date (weekly) or the last month of statistics used (monthly, yearly).
    issue        TEXT NOT NULL,
    -- YYYY-Www, YYYY-MM or YYYY.
    target       TEXT NOT NULL,
    horizon      INTEGER NOT NULL,
    as_of        TEXT NOT NULL,
    method       TEXT NOT NULL,
    p10          REAL NOT NULL,
    p50          REAL NOT NULL,
    p90          REAL NOT NULL,
    -- Reproduced after the fact from the data as known at as_of (a back-fill), not issued live.
    reproduced   BOOLEAN NOT NULL,
    issued_at    TEXT NOT NULL,
    PRIMARY KEY (port_locode, kind, issue, series, target)
);

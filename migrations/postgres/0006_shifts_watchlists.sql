-- A port's shift pattern (labour planning), a cargo owner's last visit (for "ETA changes
-- since your last visit") and watchlists of vessels and services.
ALTER TABLE ports ADD COLUMN shifts TEXT NOT NULL DEFAULT 'day 08-17, night 18-03, hoot 03-08';

ALTER TABLE users ADD COLUMN last_visit_at TIMESTAMPTZ;

CREATE TABLE watchlist (
    user_id   BIGINT NOT NULL REFERENCES users(id),
    -- 'vessel' (key: IMO number) or 'service' (key: CARRIER:SERVICE).
    kind      TEXT NOT NULL CHECK (kind IN ('vessel', 'service')),
    key       TEXT NOT NULL,
    added_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, kind, key)
);

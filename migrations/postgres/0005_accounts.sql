-- Accounts: organisations (a cargo owner's lists the carriers and services it follows), users
-- with an argon2id password hash, server-side sessions, and failed logins for throttling.
CREATE TABLE organisations (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE organisation_follows (
    organisation_id  BIGINT NOT NULL REFERENCES organisations(id),
    carrier_code     TEXT NOT NULL,
    -- '' follows every service of the carrier.
    service_code     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organisation_id, carrier_code, service_code)
);

CREATE TABLE users (
    id               BIGSERIAL PRIMARY KEY,
    -- Lower-case.
    email            TEXT NOT NULL UNIQUE,
    -- PHC string: the algorithm and its parameters travel with the hash.
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('owner', 'staff', 'admin')),
    organisation_id  BIGINT REFERENCES organisations(id),
    -- Raised by "log out everywhere" and password changes: older sessions end.
    session_epoch    BIGINT NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL,
    disabled_at      TIMESTAMPTZ
);

-- tower-sessions records, as JSON.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- One row per failed login, by account ('account:EMAIL') and by address ('address:IP').
CREATE TABLE login_failures (
    key  TEXT NOT NULL,
    at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

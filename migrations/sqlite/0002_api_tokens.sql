-- API tokens for data providers (and later admins). Only a SHA-256 of the secret is kept:
-- tokens carry 256 random bits, so a fast hash is enough and keeps each request cheap.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash    TEXT NOT NULL UNIQUE,
    -- The first characters of the token, to recognise it in lists and logs.
    prefix        TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('provider', 'admin')),
    label         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);

-- The ports a token may write for.
CREATE TABLE api_token_ports (
    token_id     INTEGER NOT NULL REFERENCES api_tokens(id),
    port_locode  TEXT NOT NULL REFERENCES ports(locode),
    PRIMARY KEY (token_id, port_locode)
);

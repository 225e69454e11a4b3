-- No query reads events by receipt time (a call's events are read through the identity index,
-- which call_ref leads), so every event insert kept port_call_events_by_receipt up for nothing.
-- (The SQLite twin of this migration also rewrites CHECKs that cost SQLite time; PostgreSQL's
-- IN-list checks are cheap and stay.)
DROP INDEX port_call_events_by_receipt;

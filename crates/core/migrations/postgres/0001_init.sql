-- liberation-gates store, version 1: append-only records with a checksum chain, the head
-- (last sequence number and checksum, updated in the same transaction as each append), and
-- state that changes in place.
CREATE TABLE lg_records (
    seq BIGINT PRIMARY KEY,
    stream TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    checksum TEXT NOT NULL,
    UNIQUE (stream, id)
);
CREATE TABLE lg_head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq BIGINT NOT NULL,
    checksum TEXT NOT NULL
);
INSERT INTO lg_head (one, seq, checksum)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE lg_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- liberation-gates store, version 2: the record count, kept apart from the records and the
-- head and written in the same transaction as each append, so that removing records and
-- rewriting the head to match is detected as tampering (issue 16.8).
CREATE TABLE lg_count (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n BIGINT NOT NULL
);
INSERT INTO lg_count (one, n) SELECT 1, seq FROM lg_head WHERE one = 1;

-- Casework (业务办理): a case is one application (or review, change, exit)
-- for one programme by one household or person; its events are the steps
-- taken, in order, never changed. The decision is the rules engine's
-- Decision as JSON, with the parameter versions it read. Dates are TEXT
-- 'YYYY-MM-DD', instants TEXT in UTC.

CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    program       TEXT    NOT NULL,
    variant       TEXT    NOT NULL DEFAULT '',
    kind          TEXT    NOT NULL DEFAULT 'application',
    household_id  INTEGER NOT NULL REFERENCES households (id),
    subject       TEXT    NOT NULL DEFAULT '',
    region_code   TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    accepted_on   TEXT,
    deadline      TEXT,
    step_deadline TEXT,
    deadline_at   TEXT,
    provisional   BOOLEAN NOT NULL DEFAULT FALSE,
    extended      BOOLEAN NOT NULL DEFAULT FALSE,
    notice_from   TEXT,
    decision      TEXT,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_region ON cases (region_code, state);
CREATE INDEX cases_household ON cases (household_id);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    seq        INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    from_state TEXT    NOT NULL,
    to_state   TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    fields     TEXT    NOT NULL DEFAULT '{}',
    UNIQUE (case_id, seq)
);

-- A repeated request with the same Idempotency-Key gets the first answer.
CREATE TABLE case_requests (
    actor_id   INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    case_id    INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    response   TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (actor_id, key)
);

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
    suspended_on  TEXT,
    suspended_days INTEGER NOT NULL DEFAULT 0,
    verify_result TEXT    NOT NULL DEFAULT '',
    decision      TEXT,
    decision_input TEXT,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0,
    kin_flag      BOOLEAN NOT NULL DEFAULT FALSE,
    kin_staff     TEXT    NOT NULL DEFAULT '[]'
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

-- 近亲属备案 (《低保办法》第11条): close relatives of assistance staff and
-- village cadres. An application by a household holding one is flagged at
-- acceptance: the county visits it (第20条) and the related officer may not
-- act on it.
CREATE TABLE kin_register (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL,
    id_number      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    relation       TEXT    NOT NULL,
    staff_name     TEXT    NOT NULL,
    staff_role     TEXT    NOT NULL,
    staff_username TEXT    NOT NULL DEFAULT '',
    valid_from     TEXT    NOT NULL,
    valid_to       TEXT,
    recorded_at    TEXT    NOT NULL,
    recorded_by    TEXT    NOT NULL
);
CREATE INDEX kin_register_id_number ON kin_register (id_number);
CREATE INDEX kin_register_region ON kin_register (region_code);

-- Enrolments (纳入): what a decision grants — or a programme granted
-- without application (免申即享) — from the month after the decision, with
-- the date of the next periodic review (第31条).
CREATE TABLE enrolments (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER REFERENCES cases (id),
    program      TEXT    NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    subject      TEXT    NOT NULL DEFAULT '',
    region_code  TEXT NOT NULL,
    amount_fen   BIGINT  NOT NULL DEFAULT 0,
    amount_kwh   INTEGER NOT NULL DEFAULT 0,
    period       TEXT    NOT NULL,
    first_month  TEXT    NOT NULL,
    next_review  TEXT,
    status       TEXT    NOT NULL DEFAULT 'active',
    stopped_from TEXT,
    granted      TEXT    NOT NULL,
    decision     TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL
);
CREATE INDEX enrolments_household ON enrolments (household_id, program);
CREATE INDEX enrolments_region ON enrolments (region_code, status);

-- Documents of a case (scans of the application, the signed visit form …):
-- the file lives in the data folder; the row says what it is and who
-- brought it. Downloads are audited.
CREATE TABLE case_documents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    uploaded_at  TEXT    NOT NULL,
    uploaded_by  TEXT    NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id);

-- One open case per household, programme, person and kind; one benefit in
-- payment per household, programme and person: enforced by the database,
-- so two clerks at once cannot both get through.
CREATE UNIQUE INDEX cases_open ON cases (household_id, program, subject, kind)
    WHERE state NOT IN ('approved', 'rejected', 'withdrawn', 'terminated', 'continued', 'stopped', 'phasing_out');
CREATE UNIQUE INDEX enrolments_in_payment ON enrolments (household_id, program, subject)
    WHERE status IN ('active', 'phasing_out');

-- Foundation: settings, regions, calendar, users and sessions, the audit log, jobs.
-- Instants are TEXT 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (UTC); dates TEXT 'YYYY-MM-DD';
-- region codes TEXT of 12 digits, '' for the whole country.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code        TEXT     NOT NULL,
    level       SMALLINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    name        TEXT     NOT NULL,
    parent_code TEXT,
    PRIMARY KEY (code, level)
);
CREATE INDEX regions_parent ON regions (parent_code, level);

CREATE TABLE region_attributes (
    code           TEXT     NOT NULL,
    level          SMALLINT NOT NULL,
    area           TEXT CHECK (area IN ('urban', 'rural')),
    hardship_class SMALLINT CHECK (hardship_class BETWEEN 1 AND 6),
    updated_at     TEXT     NOT NULL,
    updated_by     TEXT     NOT NULL,
    PRIMARY KEY (code, level),
    FOREIGN KEY (code, level) REFERENCES regions (code, level)
);

CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    entered_by TEXT NOT NULL
);

CREATE TABLE calendar_days (
    day  TEXT    PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
    kind TEXT    NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT    NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    region_code   TEXT    NOT NULL DEFAULT '',
    region_level  SMALLINT NOT NULL DEFAULT 0,
    password_hash TEXT    NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    locked_until  TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX users_region ON users (region_code);

CREATE TABLE login_failures (
    user_id INTEGER NOT NULL REFERENCES users (id),
    at      TEXT    NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (user_id, at);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('session', 'api')),
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    region_code TEXT    NOT NULL,
    summary     TEXT    NOT NULL,
    before_values TEXT  NOT NULL,
    after_values TEXT   NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_log_region ON audit_log (region_code, seq);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The head of the chain: the seq and hash of the last entry. Appending locks
-- this row, which keeps the sequence gapless under concurrent writers, and
-- verification compares the end of the log with it.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    region_code TEXT    NOT NULL DEFAULT '',
    params      TEXT    NOT NULL DEFAULT '{}',
    checkpoint  TEXT    NOT NULL DEFAULT '',
    result      TEXT    NOT NULL DEFAULT '',
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    message     TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_by  TEXT    NOT NULL,
    created_by_id   BIGINT  NOT NULL DEFAULT 0,
    created_by_role TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    heartbeat_at TEXT
);
CREATE INDEX jobs_status ON jobs (status, id);
CREATE INDEX jobs_region ON jobs (region_code, id);

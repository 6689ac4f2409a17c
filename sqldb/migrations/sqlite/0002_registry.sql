-- Household registry (家庭档案). Each dated fact has valid_from (and valid_to,
-- the first day it no longer applies; NULL while open) for valid time, and
-- recorded_at / superseded_at for transaction time: a correction sets
-- superseded_at on the old row and inserts a new one, so nothing recorded is
-- lost. households and persons hold the current state, for lists and search.

CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    region_code TEXT    NOT NULL,
    area        TEXT    NOT NULL CHECK (area IN ('urban', 'rural')),
    address     TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL CHECK (status IN ('active', 'pending', 'closed')),
    head_name   TEXT    NOT NULL DEFAULT '',
    members     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX households_region ON households (region_code, id);

CREATE TABLE household_versions (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    valid_from    TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    superseded_at TEXT,
    region_code   TEXT    NOT NULL,
    area          TEXT    NOT NULL,
    address       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL,
    bank_name     TEXT    NOT NULL DEFAULT '',
    bank_account  TEXT    NOT NULL DEFAULT '',
    bank_holder   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX household_versions_household ON household_versions (household_id, valid_from);

CREATE TABLE persons (
    id                  INTEGER PRIMARY KEY,
    id_number           TEXT    NOT NULL UNIQUE,
    id_rev              TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    sex                 TEXT    NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date          TEXT    NOT NULL,
    household_id        INTEGER REFERENCES households (id),
    relation            TEXT,
    region_code         TEXT    NOT NULL DEFAULT '',
    disability_category TEXT,
    disability_level    SMALLINT,
    death_date          TEXT,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX persons_name ON persons (name, region_code);
CREATE INDEX persons_id_rev ON persons (id_rev);
CREATE INDEX persons_household ON persons (household_id);

CREATE TABLE person_versions (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES persons (id),
    valid_from          TEXT    NOT NULL,
    recorded_at         TEXT    NOT NULL,
    recorded_by         TEXT    NOT NULL,
    superseded_at       TEXT,
    name                TEXT    NOT NULL,
    phone               TEXT    NOT NULL DEFAULT '',
    hukou_region        TEXT    NOT NULL DEFAULT '',
    disability_category TEXT,
    disability_level    SMALLINT,
    disability_cert     TEXT    NOT NULL DEFAULT '',
    serious_illness     TEXT    NOT NULL DEFAULT '',
    self_care           TEXT    NOT NULL DEFAULT '',
    schooling           TEXT    NOT NULL DEFAULT '',
    employment          TEXT    NOT NULL DEFAULT '',
    marital             TEXT    NOT NULL DEFAULT '',
    death_date          TEXT
);
CREATE INDEX person_versions_person ON person_versions (person_id, valid_from);

CREATE TABLE memberships (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    relation      TEXT    NOT NULL,
    valid_from    TEXT    NOT NULL,
    valid_to      TEXT,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE INDEX memberships_household ON memberships (household_id);
-- One person belongs to at most one active household: one open membership.
CREATE UNIQUE INDEX memberships_open ON memberships (person_id) WHERE valid_to IS NULL AND superseded_at IS NULL;

CREATE TABLE incomes (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    person_id     INTEGER REFERENCES persons (id),
    kind          TEXT    NOT NULL,
    amount        BIGINT  NOT NULL CHECK (amount >= 0),
    period        TEXT    NOT NULL CHECK (period IN ('month', 'year')),
    source        TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    valid_from    TEXT    NOT NULL,
    valid_to      TEXT,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE INDEX incomes_household ON incomes (household_id);

CREATE TABLE assets (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    person_id     INTEGER REFERENCES persons (id),
    kind          TEXT    NOT NULL,
    value         BIGINT  NOT NULL CHECK (value >= 0),
    description   TEXT    NOT NULL DEFAULT '',
    valid_from    TEXT    NOT NULL,
    valid_to      TEXT,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE INDEX assets_household ON assets (household_id);

CREATE TABLE expenses (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES households (id),
    person_id     INTEGER REFERENCES persons (id),
    kind          TEXT    NOT NULL,
    amount        BIGINT  NOT NULL CHECK (amount >= 0),
    note          TEXT    NOT NULL DEFAULT '',
    valid_from    TEXT    NOT NULL,
    valid_to      TEXT,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE INDEX expenses_household ON expenses (household_id);

CREATE TABLE supporters (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES persons (id),
    name                TEXT    NOT NULL,
    id_number           TEXT    NOT NULL DEFAULT '',
    relation            TEXT    NOT NULL,
    birth_date          TEXT,
    dibao               BOOLEAN NOT NULL DEFAULT FALSE,
    tekun               BOOLEAN NOT NULL DEFAULT FALSE,
    disability_category TEXT,
    disability_level    SMALLINT,
    monthly_income      BIGINT  NOT NULL DEFAULT 0 CHECK (monthly_income >= 0),
    imprisoned          BOOLEAN NOT NULL DEFAULT FALSE,
    incapacitated       BOOLEAN NOT NULL DEFAULT FALSE,
    valid_from          TEXT    NOT NULL,
    valid_to            TEXT,
    recorded_at         TEXT    NOT NULL,
    recorded_by         TEXT    NOT NULL,
    superseded_at       TEXT
);
CREATE INDEX supporters_person ON supporters (person_id);

CREATE TABLE parent_statuses (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons (id),
    parent        TEXT    NOT NULL CHECK (parent IN ('father', 'mother')),
    status        TEXT    NOT NULL,
    since         TEXT    NOT NULL,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL,
    superseded_at TEXT
);
CREATE INDEX parent_statuses_person ON parent_statuses (person_id);

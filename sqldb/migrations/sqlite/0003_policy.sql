-- Parameters of the rules (标准管理): one row per dated, regional value of a
-- parameter, with the document that set it. region is the prefix of the
-- subtree the row applies to ('' the whole country, '63', '370614' …); the
-- deepest region with a row in force wins. Rows are never updated or
-- deleted: a change is a new row, and a correction is a new row with the same
-- effective_from, recorded later. Dates are TEXT 'YYYY-MM-DD'; effective_to is
-- the first day the row no longer applies, NULL while open.

CREATE TABLE params (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    region         TEXT    NOT NULL DEFAULT '',
    value          TEXT    NOT NULL,
    effective_from TEXT    NOT NULL,
    effective_to   TEXT,
    recorded_at    TEXT    NOT NULL,
    recorded_by    TEXT    NOT NULL,
    doc_number     TEXT    NOT NULL DEFAULT '',
    doc_title      TEXT    NOT NULL DEFAULT '',
    doc_article    TEXT    NOT NULL DEFAULT '',
    doc_url        TEXT    NOT NULL DEFAULT '',
    demo           BOOLEAN NOT NULL DEFAULT FALSE,
    note           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX params_name_region ON params (name, region);

-- Covering indexes for the batch's bulk read of the registry as of a day
-- (sqldb/policy.go): each table is read in household (or person) order from
-- the index alone, without a lookup into the table for every row.
CREATE INDEX memberships_policy ON memberships (household_id, person_id, valid_from, valid_to, superseded_at, relation);
CREATE INDEX person_versions_policy ON person_versions (person_id, valid_from, superseded_at, id, disability_category, disability_level, serious_illness, death_date);
CREATE INDEX incomes_policy ON incomes (household_id, valid_from, valid_to, superseded_at, person_id, kind, amount, period);
CREATE INDEX expenses_policy ON expenses (household_id, valid_from, valid_to, superseded_at, person_id, kind, amount);
CREATE INDEX assets_policy ON assets (household_id, valid_from, valid_to, superseded_at, kind, value);
CREATE INDEX household_versions_policy ON household_versions (household_id, valid_from, superseded_at, id, region_code, area, status);

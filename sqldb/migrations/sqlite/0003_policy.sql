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

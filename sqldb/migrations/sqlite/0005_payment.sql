-- Money (资金发放): a payroll is one county's month of one programme; its
-- lines are the payments. A line is `due` from the moment it is written
-- until the bank's return says `paid` or `failed`; whether it may go to the
-- bank is its payroll's state (approved, not draft). The unique index
-- payments_once is the rule that an enrolment is paid at most once per
-- benefit month across all payrolls, back pay included: it covers every
-- line the bank has not returned as failed, so a second line for a month
-- cannot even be written, whatever the code does. Approving writes no
-- line (a million-row UPDATE a month would bloat the table on PostgreSQL).
-- payments has no foreign keys: it is the bulk table (a million lines a
-- month in a large county), its references are written only by the payroll
-- code in the transaction that holds what they point at, and the checks
-- cost three quarters of a payroll's write on PostgreSQL (measured,
-- docs/BENCHMARKS.md).

CREATE TABLE payrolls (
    id            INTEGER PRIMARY KEY,
    region_code   TEXT    NOT NULL,
    month         TEXT    NOT NULL,
    program       TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'draft',
    lines         INTEGER NOT NULL DEFAULT 0,
    persons       INTEGER NOT NULL DEFAULT 0,
    households    INTEGER NOT NULL DEFAULT 0,
    amount_fen    BIGINT  NOT NULL DEFAULT 0,
    lines_hash    TEXT    NOT NULL DEFAULT '',
    generated_at  TEXT    NOT NULL,
    generated_by  TEXT    NOT NULL,
    generator_id  INTEGER NOT NULL DEFAULT 0,
    approved_at   TEXT,
    approved_by   TEXT,
    exported_at   TEXT,
    reconciled_at TEXT,
    UNIQUE (region_code, month, program)
);

CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    payroll_id    INTEGER,
    enrolment_id  INTEGER,
    case_id       INTEGER,
    household_id  INTEGER NOT NULL,
    subject       TEXT    NOT NULL DEFAULT '',
    region_code   TEXT    NOT NULL,
    program       TEXT    NOT NULL,
    pay_month     TEXT    NOT NULL,
    benefit_month TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    amount_fen    BIGINT  NOT NULL,
    persons       INTEGER NOT NULL DEFAULT 1,
    payee         TEXT    NOT NULL DEFAULT '',
    bank_name     TEXT    NOT NULL DEFAULT '',
    bank_account  TEXT    NOT NULL DEFAULT '',
    retry_of      INTEGER,
    status        TEXT    NOT NULL DEFAULT 'due',
    bank_reason   TEXT    NOT NULL DEFAULT '',
    recovery_id   INTEGER
);
CREATE UNIQUE INDEX payments_once ON payments (enrolment_id, benefit_month) WHERE status IN ('due', 'paid');
CREATE UNIQUE INDEX payments_retried ON payments (retry_of) WHERE retry_of IS NOT NULL;
CREATE INDEX payments_payroll ON payments (payroll_id, id);
CREATE INDEX payments_enrolment ON payments (enrolment_id, benefit_month);
CREATE INDEX payments_case ON payments (case_id) WHERE case_id IS NOT NULL;
-- The failed lines waiting to be paid again, by programme and region.
CREATE INDEX payments_failed ON payments (program, region_code) WHERE status = 'failed';

-- 暂停发放: months an enrolment is not paid while something is settled.
-- Released with back pay, the held months are paid after all; released
-- without, they are not.
CREATE TABLE payment_holds (
    id           INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments (id),
    from_month   TEXT    NOT NULL,
    to_month     TEXT,
    reason       TEXT    NOT NULL,
    back_pay     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    released_at  TEXT,
    released_by  TEXT
);
CREATE INDEX payment_holds_enrolment ON payment_holds (enrolment_id);

-- A bank's file layout: the columns of the export, in order.
CREATE TABLE bank_templates (
    id          INTEGER PRIMARY KEY,
    bank_name   TEXT    NOT NULL UNIQUE,
    columns     TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    updated_by  TEXT    NOT NULL
);

-- A bank's return file, kept by its content hash: the same file twice is
-- recognised and changes nothing.
CREATE TABLE bank_returns (
    id          INTEGER PRIMARY KEY,
    payroll_id  INTEGER NOT NULL REFERENCES payrolls (id),
    sha256      TEXT    NOT NULL,
    filename    TEXT    NOT NULL,
    rows        INTEGER NOT NULL,
    paid        INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    paid_fen    BIGINT  NOT NULL,
    failed_fen  BIGINT  NOT NULL,
    problems    TEXT    NOT NULL,
    imported_at TEXT    NOT NULL,
    imported_by TEXT    NOT NULL,
    UNIQUE (payroll_id, sha256)
);

-- 追缴: money paid that was not owed — months after a death, or found
-- undue by a review (with the fine of 《暂行办法》第68条 where fraud is
-- decided). Its entries are the repayments and waivers.
CREATE TABLE recoveries (
    id           INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments (id),
    household_id INTEGER NOT NULL,
    region_code  TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    case_id      INTEGER REFERENCES cases (id),
    amount_fen   BIGINT  NOT NULL,
    fine_fen     BIGINT  NOT NULL DEFAULT 0,
    status       TEXT    NOT NULL DEFAULT 'open',
    opened_at    TEXT    NOT NULL,
    opened_by    TEXT    NOT NULL
);
CREATE INDEX recoveries_enrolment ON recoveries (enrolment_id);
CREATE INDEX recoveries_region ON recoveries (region_code, status);

CREATE TABLE recovery_entries (
    id          INTEGER PRIMARY KEY,
    recovery_id INTEGER NOT NULL REFERENCES recoveries (id),
    kind        TEXT    NOT NULL,
    amount_fen  BIGINT  NOT NULL,
    on_day      TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    created_by  TEXT    NOT NULL
);
CREATE INDEX recovery_entries_recovery ON recovery_entries (recovery_id);

-- 卡折代管 (《低保办法》第26条): who holds a recipient's card or passbook;
-- staff or a village committee holding one need a signed agreement on file.
CREATE TABLE card_custody (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    region_code  TEXT    NOT NULL,
    holder_kind  TEXT    NOT NULL,
    holder_name  TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    agreement    TEXT    NOT NULL DEFAULT '',
    agreement_on TEXT,
    valid_from   TEXT    NOT NULL,
    valid_to     TEXT,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL
);
CREATE INDEX card_custody_household ON card_custody (household_id);
CREATE INDEX card_custody_region ON card_custody (region_code);

-- When a phase-out (渐退) began, for the payroll's "渐退第 k/n 月".
ALTER TABLE enrolments ADD COLUMN phase_out_from TEXT;
-- The persons an enrolment's payment covers (the household's members, or
-- those covered alone under 单人保, or 1 for a person's benefit); 0 for
-- rows made before this column, read as the household's members.
ALTER TABLE enrolments ADD COLUMN persons INTEGER NOT NULL DEFAULT 0;

-- What reports count, kept as payrolls are approved and returns imported,
-- so that a year's report over a million recipients reads thousands of
-- rows, not twelve million. payment_totals add up by programme, month and
-- village; paid_holders say in which months of a year each household (or
-- person, for a person's benefit) was paid — bit m-1 for month m — so that
-- each is counted once over any period.
CREATE TABLE payment_totals (
    program      TEXT    NOT NULL,
    pay_month    TEXT    NOT NULL,
    region_code  TEXT    NOT NULL,
    lines        BIGINT  NOT NULL,
    person_times BIGINT  NOT NULL,
    amount_fen   BIGINT  NOT NULL,
    PRIMARY KEY (program, pay_month, region_code)
);

CREATE TABLE paid_holders (
    program      TEXT    NOT NULL,
    household_id BIGINT  NOT NULL,
    subject      TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    region_code  TEXT    NOT NULL,
    months       INTEGER NOT NULL,
    persons      INTEGER NOT NULL,
    PRIMARY KEY (program, household_id, subject, year)
);
CREATE INDEX paid_holders_report ON paid_holders (program, year, region_code, months, persons, household_id);

-- Economy (issue 10): the recorded money facts of each förbund's year, kept by the inline economy read model
-- inside the append transaction. Reports are SQL over these rows. Amounts are exact kronor (numeric), never floats.
-- No personal data: members, insatser, accounts and cost centres only.

CREATE TABLE econ_contributions (
    forbund_id  text NOT NULL,
    year        integer NOT NULL,
    member_id   text NOT NULL,
    member_kind text NOT NULL,
    member_name text NOT NULL,
    amount      numeric(16, 2) NOT NULL,
    PRIMARY KEY (forbund_id, year, member_id)
);

CREATE TABLE econ_other_income (
    forbund_id  text NOT NULL,
    year        integer NOT NULL,
    income_id   text NOT NULL,
    source      text NOT NULL,
    description text NOT NULL,
    amount      numeric(16, 2) NOT NULL,
    insats_id   text,
    PRIMARY KEY (forbund_id, year, income_id)
);

-- every revision of every year's budget, each with its lines; reports use the highest revision
CREATE TABLE econ_budget_revisions (
    forbund_id  text NOT NULL,
    year        integer NOT NULL,
    revision    integer NOT NULL,
    adopted_on  date NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (forbund_id, year, revision)
);

CREATE TABLE econ_budget_lines (
    forbund_id   text NOT NULL,
    year         integer NOT NULL,
    revision     integer NOT NULL,
    line_no      integer NOT NULL,
    line_type    text NOT NULL,
    insats_id    text,
    description  text NOT NULL,
    amount       numeric(16, 2) NOT NULL,
    planned_participants integer,
    PRIMARY KEY (forbund_id, year, revision, line_no)
);

-- one row per outcome entry; month or tertial; amount is the current one (after corrections), recorded_amount the first
CREATE TABLE econ_outcomes (
    forbund_id      text NOT NULL,
    year            integer NOT NULL,
    entry_id        text NOT NULL,
    month           integer,
    tertial         integer NOT NULL,
    line_type       text NOT NULL,
    insats_id       text,
    account         text NOT NULL,
    description     text NOT NULL,
    recorded_amount numeric(16, 2) NOT NULL,
    amount          numeric(16, 2) NOT NULL,
    source          text NOT NULL,
    import_id       text,
    import_row      integer,
    corrections     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (forbund_id, year, entry_id)
);
CREATE INDEX econ_outcomes_insats_idx ON econ_outcomes (insats_id, year);

CREATE TABLE econ_imports (
    forbund_id    text NOT NULL,
    year          integer NOT NULL,
    import_id     text NOT NULL,
    file_name     text NOT NULL,
    rows          integer NOT NULL,
    recorded      integer NOT NULL,
    unmapped_rows integer[] NOT NULL,
    PRIMARY KEY (forbund_id, year, import_id)
);

CREATE TABLE econ_years (
    forbund_id     text NOT NULL,
    year           integer NOT NULL,
    opening_equity numeric(16, 2),
    closed_on      date,
    income         numeric(16, 2),
    costs          numeric(16, 2),
    result         numeric(16, 2),
    closing_opening_equity numeric(16, 2),
    closing_equity numeric(16, 2),
    PRIMARY KEY (forbund_id, year)
);

CREATE TABLE econ_cost_centres (
    forbund_id  text NOT NULL,
    cost_centre text NOT NULL,
    line_type   text NOT NULL,
    insats_id   text,
    PRIMARY KEY (forbund_id, cost_centre)
);

-- Fact and dimension tables for period statistics, kept by the "statistics" projection
-- (Features/Statistics/Projection) and read by StatisticsService. Definitions: docs/statistics.md.
--
-- Every table is versioned by knowledge time. A row is one version of one fact: it was produced by
-- the event at (valid_from_tx, valid_from_pos), recorded at valid_from_at, and stayed current until
-- the event at (valid_to_tx, valid_to_pos) replaced or ended it (both null while current). Cursors
-- compare as (transaction id, position), the order of the projection's feed, so "the rows current
-- as of cursor C" is exactly what the projection held when its checkpoint was C. Nothing here is a
-- counter: every figure is counted from these rows at query time.
--
-- Enumerations are stored as the events' snake_case names ("non_binary", "social_assistance").

CREATE TABLE stats_insatser (
    insats_id          text    NOT NULL,
    forbund_id         text    NOT NULL, -- the förbund that registered it
    name               text    NOT NULL,
    kind               text    NOT NULL,
    follow_up          text    NOT NULL,
    kommuner           text[]  NOT NULL,
    start_date         date    NOT NULL,
    end_date           date,
    closed_on          date,
    target_min_age     integer NOT NULL,
    target_max_age     integer NOT NULL,
    planned_per_year   integer,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (insats_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_insatser_current ON stats_insatser (insats_id) WHERE valid_to_pos IS NULL;

CREATE TABLE stats_insats_transfers (
    insats_id          text NOT NULL,
    transferred_on     date NOT NULL,
    from_forbund_id    text NOT NULL,
    to_forbund_id      text NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (insats_id, transferred_on, valid_from_pos)
);
CREATE UNIQUE INDEX stats_insats_transfers_current ON stats_insats_transfers (insats_id, transferred_on) WHERE valid_to_pos IS NULL;

CREATE TABLE stats_insats_goals (
    insats_id          text    NOT NULL,
    goal_id            text    NOT NULL,
    metric             text    NOT NULL,
    comparison         text    NOT NULL,
    threshold          numeric NOT NULL, -- a percentage for share metrics
    goal_period        text    NOT NULL,
    description        text    NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (insats_id, goal_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_insats_goals_current ON stats_insats_goals (insats_id, goal_id) WHERE valid_to_pos IS NULL;

-- The insats's owner on a date: the förbund it was last transferred to on or before the date,
-- else the förbund that registered it. Reads current rows only (used while projecting).
CREATE FUNCTION stats_insats_owner_on(p_insats_id text, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT t.to_forbund_id FROM stats_insats_transfers t
          WHERE t.insats_id = p_insats_id AND t.valid_to_pos IS NULL AND t.transferred_on <= p_on
          ORDER BY t.transferred_on DESC LIMIT 1),
        (SELECT i.forbund_id FROM stats_insatser i WHERE i.insats_id = p_insats_id AND i.valid_to_pos IS NULL))
$$;

CREATE TABLE stats_forbund (
    forbund_id         text NOT NULL,
    name               text NOT NULL,
    registered_on      date NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (forbund_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_forbund_current ON stats_forbund (forbund_id) WHERE valid_to_pos IS NULL;

-- The förbund's current list of exit reasons; "positive" is its own mapping to a positive outcome.
CREATE TABLE stats_exit_reasons (
    forbund_id         text    NOT NULL,
    code               text    NOT NULL,
    category           text    NOT NULL,
    label              text    NOT NULL,
    positive           boolean NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (forbund_id, code, valid_from_pos)
);
CREATE UNIQUE INDEX stats_exit_reasons_current ON stats_exit_reasons (forbund_id, code) WHERE valid_to_pos IS NULL;

-- One row per predecessor: it continued as the successor from merged_on.
CREATE TABLE stats_forbund_mergers (
    predecessor_id     text NOT NULL,
    successor_id       text NOT NULL,
    merged_on          date NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (predecessor_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_forbund_mergers_current ON stats_forbund_mergers (predecessor_id) WHERE valid_to_pos IS NULL;

-- A change of insatser or cap has no business date: it applies from when it was recorded (valid_from_at).
CREATE TABLE stats_beredningsgrupper (
    beredningsgrupp_id text    NOT NULL,
    forbund_id         text    NOT NULL,
    name               text    NOT NULL,
    insats_ids         text[]  NOT NULL,
    weekly_cap         integer NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (beredningsgrupp_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_beredningsgrupper_current ON stats_beredningsgrupper (beredningsgrupp_id) WHERE valid_to_pos IS NULL;

-- One row per referral (aktualisering). completion_requested is derived from the requests below.
CREATE TABLE stats_referrals (
    referral_id         text    NOT NULL,
    forbund_id          text    NOT NULL,
    beredningsgrupp_id  text    NOT NULL,
    participant_id      text    NOT NULL,
    referring_party     text    NOT NULL,
    gender              text    NOT NULL,
    birth_year          integer NOT NULL,
    received_on         date    NOT NULL,
    decision            text,             -- accepted | rejected | returned; null while undecided
    decided_on          date,
    insats_id           text,             -- accepted to
    cap_override        boolean NOT NULL, -- accepted beyond the week's intake cap
    completion_requested boolean NOT NULL, -- derived: komplettering was requested at least once
    withdrawn_on        date,
    valid_from_tx       xid8        NOT NULL,
    valid_from_pos      bigint      NOT NULL,
    valid_from_at       timestamptz NOT NULL,
    valid_to_tx         xid8,
    valid_to_pos        bigint,
    PRIMARY KEY (referral_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_referrals_current ON stats_referrals (referral_id) WHERE valid_to_pos IS NULL;
CREATE INDEX stats_referrals_group ON stats_referrals (beredningsgrupp_id);

-- Each request for komplettering (a referral may wait for completion more than once).
CREATE TABLE stats_referral_completion_requests (
    referral_id        text NOT NULL,
    requested_on       date NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (referral_id, requested_on, valid_from_pos)
);
CREATE UNIQUE INDEX stats_referral_completion_requests_current ON stats_referral_completion_requests (referral_id, requested_on) WHERE valid_to_pos IS NULL;

-- One row per participation. forbund_id (the insats's owner on enrolled_on) and first_activity_on
-- (the earliest activity) are derived by the projection whenever their inputs change.
CREATE TABLE stats_participations (
    participation_id         text    NOT NULL,
    insats_id                text    NOT NULL,
    forbund_id               text    NOT NULL,
    kommun                   text    NOT NULL, -- the participant's home kommun at enrolment
    participant_id           text    NOT NULL,
    referral_id              text,
    gender                   text    NOT NULL,
    birth_year               integer NOT NULL,
    age_at_start             integer NOT NULL,
    identified               boolean NOT NULL,
    enrolled_on              date    NOT NULL,
    support_at_start         text    NOT NULL,
    occupation_at_start      text    NOT NULL,
    education_at_start       text    NOT NULL,
    months_on_support_before integer,
    has_sgi                  boolean,
    exited_on                date,
    exit_reason_code         text,
    exit_category            text,
    support_at_exit          text,
    occupation_at_exit       text,
    first_activity_on        date,
    registered_in_error      boolean NOT NULL,
    valid_from_tx            xid8        NOT NULL,
    valid_from_pos           bigint      NOT NULL,
    valid_from_at            timestamptz NOT NULL,
    valid_to_tx              xid8,
    valid_to_pos             bigint,
    PRIMARY KEY (participation_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_participations_current ON stats_participations (participation_id) WHERE valid_to_pos IS NULL;
CREATE INDEX stats_participations_insats ON stats_participations (insats_id);
CREATE INDEX stats_participations_forbund ON stats_participations (forbund_id);

-- Vilande intervals: from paused_on (inclusive) to resumed_on (exclusive); an exit ends an open pause.
CREATE TABLE stats_participation_pauses (
    participation_id   text NOT NULL,
    paused_on          date NOT NULL,
    reason             text NOT NULL,
    resumed_on         date,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (participation_id, paused_on, valid_from_pos)
);
CREATE UNIQUE INDEX stats_participation_pauses_current ON stats_participation_pauses (participation_id, paused_on) WHERE valid_to_pos IS NULL;

CREATE TABLE stats_activities (
    participation_id   text    NOT NULL,
    activity_id        text    NOT NULL,
    kind               text    NOT NULL,
    activity_on        date    NOT NULL,
    duration_minutes   integer NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (participation_id, activity_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_activities_current ON stats_activities (participation_id, activity_id) WHERE valid_to_pos IS NULL;

-- One row per occurrence of a head-count insats; forbund_id is the insats's owner on occurred_on.
CREATE TABLE stats_occurrences (
    insats_id          text    NOT NULL,
    occurrence_id      text    NOT NULL,
    forbund_id         text    NOT NULL,
    occurred_on        date    NOT NULL,
    title              text    NOT NULL,
    women              integer NOT NULL,
    men                integer NOT NULL,
    non_binary         integer NOT NULL,
    not_stated         integer NOT NULL,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (insats_id, occurrence_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_occurrences_current ON stats_occurrences (insats_id, occurrence_id) WHERE valid_to_pos IS NULL;

-- Read models kept by inline projections, inside the append transaction: what a command must see at
-- once (an insats's period, who is active where, a week's intake) and what lists show.
-- No personal data: participants appear only by pseudonymous participant id.

CREATE TABLE rm_forbund (
    forbund_id      text PRIMARY KEY,
    name            text NOT NULL,
    registered_on   date NOT NULL,
    successor_id    text,
    merged_on       date,
    predecessor_ids text[] NOT NULL DEFAULT '{}',
    exit_reasons    jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE rm_forbund_members (
    forbund_id text NOT NULL,
    member_id  text NOT NULL,
    kind       text NOT NULL,
    name       text NOT NULL,
    joined_on  date NOT NULL,
    left_on    date,
    PRIMARY KEY (forbund_id, member_id, joined_on)
);

CREATE TABLE rm_insatser (
    insats_id          text PRIMARY KEY,
    forbund_id         text NOT NULL,
    name               text NOT NULL,
    kind               text NOT NULL,
    follow_up          text NOT NULL,
    kommuner           text[] NOT NULL,
    start_date         date NOT NULL,
    end_date           date,
    target_min_age     integer NOT NULL,
    target_max_age     integer NOT NULL,
    planned_per_year   integer,
    closed_on          date
);
CREATE INDEX rm_insatser_forbund_idx ON rm_insatser (forbund_id);

CREATE TABLE rm_beredningsgrupper (
    beredningsgrupp_id text PRIMARY KEY,
    forbund_id         text NOT NULL,
    name               text NOT NULL,
    insats_ids         text[] NOT NULL,
    weekly_cap         integer NOT NULL
);

CREATE TABLE rm_referrals (
    referral_id        text PRIMARY KEY,
    forbund_id         text NOT NULL,
    beredningsgrupp_id text NOT NULL,
    participant_id     text NOT NULL,
    referring_party    text NOT NULL,
    received_on        date NOT NULL,
    status             text NOT NULL,
    insats_id          text,
    decided_on         date
);
CREATE INDEX rm_referrals_group_idx ON rm_referrals (beredningsgrupp_id, status, decided_on);

CREATE TABLE rm_participations (
    participation_id text PRIMARY KEY,
    insats_id        text NOT NULL,
    forbund_id       text NOT NULL,
    participant_id   text NOT NULL,
    referral_id      text,
    status           text NOT NULL,
    enrolled_on      date NOT NULL,
    exited_on        date
);
-- one active (or paused) participation per person and insats: the last guard against concurrent enrolments
CREATE UNIQUE INDEX rm_participations_active_person_key ON rm_participations (participant_id, insats_id) WHERE status IN ('active', 'paused');
CREATE INDEX rm_participations_insats_idx ON rm_participations (insats_id, status);

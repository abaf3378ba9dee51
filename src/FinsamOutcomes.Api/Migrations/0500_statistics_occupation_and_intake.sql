-- Issue 9: what participants do during an insats, who referred a direct enrolment, and paused intake.
-- Definitions: docs/statistics.md. Versioned like every table of 0200.

-- the referring part of a direct enrolment (null for an enrolment from a referral: the referral's part counts)
ALTER TABLE stats_participations ADD COLUMN referring_party text;

-- participation.enrolled.v1 and enrolment_corrected.v1 are read as v2: "primary_or_less" means "primary" now
-- (docs/events.md "Upcasts"). Rows projected before this release get the value a replay gives, so that a
-- rebuild changes nothing.
UPDATE stats_participations SET education_at_start = 'primary' WHERE education_at_start = 'primary_or_less';

-- the cap's window: 1 or 2 weeks; a two-week window starts on cap_window_anchor (a Monday) plus a multiple of 14 days
ALTER TABLE stats_beredningsgrupper ADD COLUMN cap_window_weeks integer NOT NULL DEFAULT 1;
ALTER TABLE stats_beredningsgrupper ADD COLUMN cap_window_anchor date;

-- accepted while intake of the group or the insats was paused (with an override reason)
ALTER TABLE stats_referrals ADD COLUMN during_intake_pause boolean NOT NULL DEFAULT false;

-- One row per occupation change of a participation, as last corrected: from changed_on the person's
-- sysselsättning is kind, until the next change by date.
CREATE TABLE stats_occupation_changes (
    participation_id   text    NOT NULL,
    change_id          text    NOT NULL,
    changed_on         date    NOT NULL,
    kind               text    NOT NULL,
    extent_percent     integer,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (participation_id, change_id, valid_from_pos)
);
CREATE UNIQUE INDEX stats_occupation_changes_current ON stats_occupation_changes (participation_id, change_id) WHERE valid_to_pos IS NULL;

-- Pauses of intake of an insats (owner_kind 'insats') or a beredningsgrupp ('beredningsgrupp'): from paused_on
-- (inclusive) to resumed_on (exclusive), open while resumed_on is null.
CREATE TABLE stats_intake_pauses (
    owner_kind         text NOT NULL,
    owner_id           text NOT NULL,
    paused_on          date NOT NULL,
    reason             text NOT NULL,
    resumed_on         date,
    valid_from_tx      xid8        NOT NULL,
    valid_from_pos     bigint      NOT NULL,
    valid_from_at      timestamptz NOT NULL,
    valid_to_tx        xid8,
    valid_to_pos       bigint,
    PRIMARY KEY (owner_kind, owner_id, paused_on, valid_from_pos)
);
CREATE UNIQUE INDEX stats_intake_pauses_current ON stats_intake_pauses (owner_kind, owner_id, paused_on) WHERE valid_to_pos IS NULL;

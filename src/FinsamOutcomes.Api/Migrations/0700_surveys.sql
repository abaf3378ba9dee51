-- Indicator surveys (docs/surveys.md): the catalogue, rounds and their anonymous answers, indicator goals.
-- Inline read models kept in the append transaction by SurveyReadModel. No table here holds a participant,
-- a person or a personnummer: answers are anonymous counts.
CREATE TABLE sv_surveys (
    survey_id        text PRIMARY KEY,
    respondent_group text NOT NULL,
    name             text NOT NULL
);

CREATE TABLE sv_questions (
    survey_id   text    NOT NULL,
    question_id text    NOT NULL,
    version     integer NOT NULL,
    ord         integer NOT NULL,
    text        text    NOT NULL,
    scale       text    NOT NULL,
    options     jsonb   NOT NULL,
    PRIMARY KEY (survey_id, question_id, version)
);

CREATE TABLE sv_rounds (
    round_id         text    PRIMARY KEY,
    forbund_id       text    NOT NULL,
    insats_id        text,
    survey_id        text    NOT NULL,
    respondent_group text    NOT NULL,
    period_from      date    NOT NULL,
    period_to        date    NOT NULL,
    sent             integer NOT NULL
);
CREATE INDEX sv_rounds_forbund_idx ON sv_rounds (forbund_id, period_to);
CREATE INDEX sv_rounds_insats_idx ON sv_rounds (insats_id, period_to);

-- the question version each round asked
CREATE TABLE sv_round_questions (
    round_id    text    NOT NULL,
    question_id text    NOT NULL,
    survey_id   text    NOT NULL,
    version     integer NOT NULL,
    PRIMARY KEY (round_id, question_id)
);
CREATE INDEX sv_round_questions_version_idx ON sv_round_questions (survey_id, question_id, version);

-- who answered: one row per aggregate batch ('b:' || batch id) or per response ('r:' || response id)
CREATE TABLE sv_respondents (
    round_id    text    NOT NULL,
    source_id   text    NOT NULL,
    respondents integer NOT NULL,
    PRIMARY KEY (round_id, source_id)
);

-- what they answered: a batch's count per option, or 1 per option a response chose
CREATE TABLE sv_answers (
    round_id    text    NOT NULL,
    source_id   text    NOT NULL,
    question_id text    NOT NULL,
    option_code text    NOT NULL,
    count       integer NOT NULL,
    PRIMARY KEY (round_id, source_id, question_id, option_code)
);

CREATE TABLE sv_goals (
    forbund_id   text    NOT NULL,
    goal_id      text    NOT NULL,
    insats_id    text,
    survey_id    text    NOT NULL,
    question_id  text    NOT NULL,
    version      integer NOT NULL,
    comparison   text    NOT NULL,
    threshold    numeric NOT NULL,
    option_codes text[],
    min_answers  integer NOT NULL,
    description  text    NOT NULL,
    PRIMARY KEY (forbund_id, goal_id)
);

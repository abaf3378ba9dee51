-- Whether a participation was registered with identity (consent given): an identity is kept only
-- while some participation of the person needs it.
ALTER TABLE rm_participations ADD COLUMN identified boolean NOT NULL DEFAULT false;

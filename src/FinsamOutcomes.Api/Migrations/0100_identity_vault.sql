-- The identity vault: pseudonymous participant id -> encrypted personnummer, apart from the event log.
-- No column ever holds a personnummer in clear:
--   lookup_hash    HMAC-SHA256 of the normalized number under a per-förbund key derived from the lookup key,
--                  so the same person is recognised within a förbund and förbund cannot correlate persons;
--   wrapped_key    the person's own AES-256 key, AES-GCM-encrypted under the master key (ciphertext || tag);
--   ciphertext     the normalized number, AES-GCM-encrypted under the person's key (ciphertext || tag).
-- Erasure (on request, retention, protected identity) nulls all identity material and leaves a tombstone,
-- so the participant id in the events stays valid and statistics stay intact.

CREATE TABLE identity_vault (
    participant_id       text        PRIMARY KEY,
    forbund_id           text        NOT NULL,
    lookup_hash          bytea,
    key_nonce            bytea,
    wrapped_key          bytea,
    nonce                bytea,
    ciphertext           bytea,
    is_samordningsnummer boolean,
    created_at           timestamptz NOT NULL,
    erased_at            timestamptz,
    -- NULLs are distinct: tombstones never collide with each other or with a live identity
    CONSTRAINT identity_vault_lookup_key UNIQUE (forbund_id, lookup_hash),
    CONSTRAINT identity_vault_live_or_erased CHECK (
        (erased_at IS NULL
            AND lookup_hash IS NOT NULL AND key_nonce IS NOT NULL AND wrapped_key IS NOT NULL
            AND nonce IS NOT NULL AND ciphertext IS NOT NULL AND is_samordningsnummer IS NOT NULL)
        OR
        (erased_at IS NOT NULL
            AND lookup_hash IS NULL AND key_nonce IS NULL AND wrapped_key IS NULL
            AND nonce IS NULL AND ciphertext IS NULL AND is_samordningsnummer IS NULL))
);

-- Who did what to which participant's identity, and why. Never holds the personnummer.
CREATE TABLE identity_audit (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    participant_id text        NOT NULL,
    forbund_id     text        NOT NULL,
    action         text        NOT NULL
        CHECK (action IN ('registered', 'recognised', 'revealed', 'rekeyed', 'erased', 'protected')),
    actor          text        NOT NULL,
    reason         text,
    at             timestamptz NOT NULL
);

CREATE INDEX identity_audit_participant_idx ON identity_audit (participant_id, id);
CREATE INDEX identity_audit_forbund_idx ON identity_audit (forbund_id, at);

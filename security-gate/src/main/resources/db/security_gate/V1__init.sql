-- The security gate's own state: the current verdict per image digest. A tag may move; a digest
-- never changes, so verdicts are keyed by digest.

create table verdicts (
    image_digest   text primary key check (image_digest ~ '^sha256:[0-9a-f]{64}$'),
    -- The reference the image was first seen under, such as 1234.dkr.ecr.../etl-worker:1.4.
    image_ref      text not null,
    verdict        text not null check (verdict in ('PASS', 'FAIL')),
    critical       int not null default 0,
    high           int not null default 0,
    medium         int not null default 0,
    low            int not null default 0,
    -- Which policy decided, so a changed policy can find the verdicts to recompute.
    policy         text not null,
    decided_at     timestamptz not null,
    expires_at     timestamptz not null
);
create index verdicts_expiry on verdicts (expires_at);

-- The validation service's own state: one report per validated stage attempt and suite. The
-- report's details (every check, failing-row samples) are a JSON object in S3.

create table validation_reports (
    id               uuid primary key,
    run_id           uuid not null references jobs.runs (id),
    stage_id         text not null,
    attempt          int not null,
    suite            text not null,
    verdict          text not null check (verdict in ('PASS', 'WARN', 'FAIL')),
    -- Quality score: the share of checks passed, weighted, from 0 to 100.
    score            numeric(5, 2) not null check (score between 0 and 100),
    rows_checked     bigint not null,
    rows_failed      bigint not null,
    report_uri       text not null,
    quarantine_uri   text,
    created_at       timestamptz not null,
    -- A redelivered validation request finds the report it already wrote.
    unique (run_id, stage_id, attempt, suite)
);
create index validation_reports_suite on validation_reports (suite, created_at desc);

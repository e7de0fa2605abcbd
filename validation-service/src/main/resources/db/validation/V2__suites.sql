-- Suites (data contracts), versioned and team-scoped, and the history of validation results.
-- validation_reports (V1) assumed every validation belongs to a run; ad-hoc validations over HTTP
-- do not, so validation_results replaces it.

drop table validation_reports;

create table suites (
    id               uuid primary key,
    team_id          uuid not null references jobs.teams (id),
    name             text not null,
    latest_version   int not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    unique (team_id, name)
);

-- Immutable: every change of a suite is a new version.
create table suite_versions (
    suite_id         uuid not null references suites (id),
    version          int not null,
    dataset          text not null,
    format           text not null,
    -- the suite as the team sent it, YAML or JSON
    source           text not null,
    created_at       timestamptz not null,
    primary key (suite_id, version)
);

create table validation_results (
    id               uuid primary key,
    team_id          uuid not null references jobs.teams (id),
    suite_id         uuid not null references suites (id),
    suite_version    int not null,
    dataset          text not null,
    dataset_uri      text not null,
    -- set for validate stages (SQS); null for ad-hoc validations (HTTP)
    run_id           uuid,
    stage_id         text,
    attempt          int,
    stage_run_id     uuid,
    verdict          text not null check (verdict in ('PASS', 'WARN', 'FAIL')),
    -- QualityScore: weighted mean of the checks' pass ratios, 0 to 100
    score            numeric(5, 2) not null check (score between 0 and 100),
    -- null when the dataset could not be read (error is then set)
    row_count        bigint,
    -- one object per check: name, type, severity, passed, failedRows, passRatio, observed, error
    metrics          jsonb not null,
    scans_of_data    int,
    report_uri       text,
    error            text,
    created_at       timestamptz not null
);
create index validation_results_dataset on validation_results (team_id, dataset, created_at desc);
-- A redelivered validation request finds the result it already stored.
create unique index validation_results_stage_run
    on validation_results (stage_run_id, suite_id) where stage_run_id is not null;

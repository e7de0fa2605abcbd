-- Shared job state. Owned by common; every service migrates it at start-up (Flyway serializes
-- concurrent starts with an advisory lock).

create table teams (
    id          uuid primary key,
    name        text not null unique,
    created_at  timestamptz not null
);

-- API keys look like stv_<key id>_<secret>. Only a SHA-256 hash of the secret is stored: the key is
-- 256 random bits, so a fast hash is enough (a slow password hash protects low-entropy secrets).
create table api_keys (
    id           text primary key,
    team_id      uuid not null references teams (id),
    secret_hash  bytea not null,
    description  text,
    created_at   timestamptz not null,
    revoked_at   timestamptz
);
create index api_keys_team on api_keys (team_id);

create table pipelines (
    id              uuid primary key,
    team_id         uuid not null references teams (id),
    name            text not null,
    latest_version  int not null,
    archived_at     timestamptz,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    unique (team_id, name)
);

-- Every update of a pipeline makes a new immutable version.
create table pipeline_versions (
    pipeline_id  uuid not null references pipelines (id),
    version      int not null,
    spec         jsonb not null,
    source       text not null,
    created_at   timestamptz not null,
    primary key (pipeline_id, version)
);

create table runs (
    id                uuid primary key,
    team_id           uuid not null references teams (id),
    pipeline_id       uuid not null references pipelines (id),
    pipeline_version  int not null,
    status            text not null check (status in
                        ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT')),
    trigger           text not null check (trigger in ('HTTP', 'SQS', 'SCHEDULE', 'BACKFILL', 'RERUN')),
    logical_date      timestamptz,
    parameters        jsonb not null default '{}',
    idempotency_key   text,
    request_hash      text,
    reason            text,
    created_at        timestamptz not null,
    started_at        timestamptz,
    ended_at          timestamptz,
    updated_at        timestamptz not null,
    unique (team_id, idempotency_key)
);
create index runs_team_created on runs (team_id, created_at desc, id);
create index runs_active on runs (status, created_at) where status in ('QUEUED', 'RUNNING');

-- One row per stage attempt.
create table stage_runs (
    id             uuid primary key,
    run_id         uuid not null references runs (id),
    stage_id       text not null,
    attempt        int not null,
    status         text not null check (status in
                     ('PENDING', 'WAITING_FOR_CAPACITY', 'LAUNCHING', 'RUNNING', 'SUCCEEDED',
                      'FAILED', 'CANCELLED', 'TIMED_OUT', 'SKIPPED')),
    failure_class  text,
    reason         text,
    launcher       text,
    task_ref       text,
    exit_code      int,
    not_before     timestamptz,
    created_at     timestamptz not null,
    started_at     timestamptz,
    ended_at       timestamptz,
    heartbeat_at   timestamptz,
    updated_at     timestamptz not null,
    unique (run_id, stage_id, attempt)
);
create index stage_runs_due on stage_runs (status, not_before)
    where status in ('PENDING', 'WAITING_FOR_CAPACITY', 'LAUNCHING', 'RUNNING');

-- Schedules know their team (every query is team-scoped) and their catch-up bound.
alter table schedules add column team_id uuid not null references jobs.teams (id);
alter table schedules add column max_catchup int;

-- A backfill: one run per logical date in a range, at most max_active of them at a time.
create table backfills (
    id                uuid primary key,
    team_id           uuid not null references jobs.teams (id),
    pipeline_id       uuid not null references jobs.pipelines (id),
    pipeline_version  int not null,
    from_date         timestamptz not null,
    to_date           timestamptz not null,
    max_active        int not null check (max_active > 0),
    parameters        jsonb not null default '{}',
    status            text not null check (status in ('RUNNING', 'DONE', 'CANCELLED')),
    created_at        timestamptz not null,
    updated_at        timestamptz not null
);
create index backfills_running on backfills (status) where status = 'RUNNING';

create table backfill_items (
    backfill_id   uuid not null references backfills (id),
    logical_date  timestamptz not null,
    run_id        uuid references jobs.runs (id),
    primary key (backfill_id, logical_date)
);

-- Cancel and re-run requests the scheduler recorded and sent to the orchestrator.
create table run_actions (
    id            uuid primary key,
    run_id        uuid not null references jobs.runs (id),
    team_id       uuid not null references jobs.teams (id),
    action        text not null check (action in ('CANCEL', 'RESUME')),
    stages        jsonb not null default '[]',
    reason        text,
    requested_at  timestamptz not null
);
create index run_actions_run on run_actions (run_id, requested_at);

-- SQS submissions that could not become a run, with the reasons (also sent to the reply queue).
create table submission_rejections (
    message_id   text primary key,
    team         text,
    pipeline     text,
    reasons      jsonb not null,
    reply_to     text,
    rejected_at  timestamptz not null
);

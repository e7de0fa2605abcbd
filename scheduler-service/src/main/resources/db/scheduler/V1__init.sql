-- The scheduler's own state: one schedule per pipeline that has one. The pipeline definitions
-- themselves live in the shared schema jobs.

create table schedules (
    pipeline_id    uuid primary key references jobs.pipelines (id),
    cron           text not null,
    timezone       text not null,
    catchup        text not null check (catchup in ('skip', 'latest', 'all')),
    paused         boolean not null default false,
    next_fire_at   timestamptz,
    last_fired_at  timestamptz,
    updated_at     timestamptz not null
);

-- The poller claims due schedules in next_fire_at order (FOR UPDATE SKIP LOCKED).
create index schedules_due on schedules (next_fire_at) where not paused;

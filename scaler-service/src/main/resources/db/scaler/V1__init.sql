-- The scaler's own state: what it may scale and every decision it took.

-- A worker pool the scaler sizes: an ECS service in AWS, the local launcher's pool locally.
create table scalable_targets (
    id                text primary key,
    kind              text not null check (kind in ('ECS_SERVICE', 'LOCAL_POOL')),
    -- ECS: service/<cluster>/<service>; local: the pool's name.
    resource          text not null unique,
    min_capacity      int not null check (min_capacity >= 0),
    max_capacity      int not null,
    desired_capacity  int not null,
    cooldown_until    timestamptz,
    updated_at        timestamptz not null,
    check (min_capacity <= max_capacity),
    check (desired_capacity between min_capacity and max_capacity)
);

-- Decision history: one row per evaluation that changed (or chose to keep) a target's capacity.
create table scaling_decisions (
    id             bigint generated always as identity primary key,
    target_id      text not null references scalable_targets (id),
    policy         text not null,
    metric         text,
    metric_value   double precision,
    from_capacity  int not null,
    to_capacity    int not null,
    reason         text not null,
    decided_at     timestamptz not null
);
create index scaling_decisions_target on scaling_decisions (target_id, decided_at desc);

-- Corrections made by the service when a request asked for one (HTTP `correct: true`, or an SQS
-- request with onFail quarantine or an outputUri): one row per corrected validation result.

create table corrections (
    id                   uuid primary key,
    result_id            uuid not null unique references validation_results (id),
    team_id              uuid not null references jobs.teams (id),
    dataset              text not null,
    -- rows read, rows written to the corrected dataset, rows moved to quarantine
    -- (corrected_rows + quarantined_rows = input_rows)
    input_rows           bigint not null,
    corrected_rows       bigint not null,
    quarantined_rows     bigint not null,
    -- one object per rule, in order: {"rule": "trim", "target": "city", "rows": 3}
    -- (rows changed by a value rule, rows removed by dropInvalid)
    rules                jsonb not null,
    -- quarantined rows per failed check: {"range(delay)": 12}; a row failing two checks counts twice
    quarantined_by_check jsonb not null,
    corrected_uri        text not null,
    quarantine_uri       text not null,
    created_at           timestamptz not null
);
create index corrections_dataset on corrections (team_id, dataset, created_at desc);

-- Registry pulls. A reference is resolved to an image manifest digest once, and that digest is used
-- from then on: a tag that moves later does not change what was judged under it. A reference by
-- digest is recorded too, since an index digest resolves to one platform's manifest.
create table image_resolutions (
    reference     text primary key,
    registry      text not null,
    repository    text not null,
    tag           text,
    digest        text not null check (digest ~ '^sha256:[0-9a-f]{64}$'),
    index_digest  text check (index_digest ~ '^sha256:[0-9a-f]{64}$'),
    resolved_at   timestamptz not null
);
create index image_resolutions_by_digest on image_resolutions (digest);

-- Verdicts computed for the orchestrator's admission hook.
alter table verdicts drop constraint verdicts_trigger_check;
alter table verdicts add constraint verdicts_trigger_check
    check (trigger in ('API', 'QUEUE', 'RESCAN', 'ADMISSION'));

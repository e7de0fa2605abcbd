-- The no-op launcher (stevedore.orchestrator.launcher=noop, for the dispatch benchmark): its intents
-- are stored like the others'. The constraint is the one V1 declared inline on the column.
alter table launch_intents drop constraint launch_intents_launcher_check;
alter table launch_intents
    add constraint launch_intents_launcher_check check (launcher in ('LOCAL', 'ECS', 'NOOP'));

package io.stevedore.worker.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The body of a task event as the orchestrator reads it ({@code common}'s {@code TaskEvent}, type
 * {@code task-event} version 1), kept here because the worker does not depend on {@code common}.
 *
 * @param kind HEARTBEAT or RESULT
 * @param stageRunId the stage attempt
 * @param runId the run
 * @param stageId the stage
 * @param attempt the attempt number
 * @param launcher {@code ecs} inside an ECS task, else {@code local}
 * @param outputs RESULT: output name to URI ({@code data})
 * @param at when it was sent
 * @param result RESULT: rows, bytes, duration and schema
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEventBody(
    String kind,
    UUID stageRunId,
    UUID runId,
    String stageId,
    int attempt,
    String launcher,
    Map<String, String> outputs,
    Instant at,
    StageResult result) {}

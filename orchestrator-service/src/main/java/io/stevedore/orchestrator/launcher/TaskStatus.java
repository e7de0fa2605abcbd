package io.stevedore.orchestrator.launcher;

import java.time.Instant;
import java.util.UUID;

/**
 * A task's status as the launcher saw it.
 *
 * @param stageRunId the attempt
 * @param taskRef the task (an ECS task ARN)
 * @param status the launcher's status (ECS lastStatus)
 * @param at when it was seen
 */
public record TaskStatus(UUID stageRunId, String taskRef, String status, Instant at) {}

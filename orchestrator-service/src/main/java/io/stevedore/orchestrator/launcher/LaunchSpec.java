package io.stevedore.orchestrator.launcher;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What to start for one stage attempt.
 *
 * @param stageRunId the attempt
 * @param command the local command and its arguments (templates already replaced)
 * @param environment the task's environment: run context and the stage spec as JSON
 * @param cpu CPU units
 * @param memory memory in MiB
 * @param image the image of a container stage; null for the built-in types (the worker image)
 * @param stageType the stage's type in the spec's words ({@code extract}, {@code container}...)
 * @param taskCommand the container command of a task (ECS override): a container stage's own
 *     command (empty: the image's), or the type name for the worker image
 */
public record LaunchSpec(
    UUID stageRunId,
    List<String> command,
    Map<String, String> environment,
    int cpu,
    int memory,
    String image,
    String stageType,
    List<String> taskCommand) {}

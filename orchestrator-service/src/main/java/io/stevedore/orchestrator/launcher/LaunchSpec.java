package io.stevedore.orchestrator.launcher;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What to start for one stage attempt.
 *
 * @param stageRunId the attempt
 * @param command the command and its arguments (templates already replaced)
 * @param environment the task's environment: run context and the stage spec as JSON
 * @param cpu CPU units
 * @param memory memory in MiB
 */
public record LaunchSpec(
    UUID stageRunId, List<String> command, Map<String, String> environment, int cpu, int memory) {}

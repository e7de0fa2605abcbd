package io.stevedore.orchestrator.launcher;

import java.time.Instant;

/**
 * A task the launcher started or found.
 *
 * @param taskRef what identifies it: {@code local:<pid>@<start epoch millis>} or an ECS task ARN
 * @param pid the local process id, or null
 * @param startedAt when the process started (with the pid, it identifies a process), or null
 */
public record Started(String taskRef, Long pid, Instant startedAt) {}

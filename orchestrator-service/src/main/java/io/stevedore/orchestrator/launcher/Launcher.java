package io.stevedore.orchestrator.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.orchestrator.domain.StopInfo;
import io.stevedore.orchestrator.store.LaunchIntent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Starts, finds and stops the tasks of stage attempts. The orchestrator commits a {@link
 * LaunchIntent} before calling {@link #launch}, so every task a launcher may have started can be
 * found again with {@link #probe} after a restart, and adopted instead of launched twice.
 */
public interface Launcher {

  /** The launcher's name as stored in {@code launcher} columns: {@code LOCAL} or {@code ECS}. */
  String name();

  /**
   * The intent to commit before launching this attempt: tokens, and for the local launcher the
   * attempt's files.
   */
  LaunchIntent intent(
      UUID stageRunId, UUID runId, String stageId, int attempt, Instant now, Instant deadline);

  /** Called for every task that ends, once per watch, on a launcher thread. */
  void onEnd(Consumer<TaskEnd> listener);

  /**
   * Called when the launcher learns a task's status (ECS lastStatus: PROVISIONING, PENDING,
   * RUNNING...), from RunTask's answer, a task-state event or the reconciler. The local launcher
   * reports none.
   */
  default void onStatus(Consumer<TaskStatus> listener) {}

  /**
   * Starts the task of an intent (or finds the one a previous start left running). It is not
   * watched yet: the caller records it, then calls {@link #adopt}, so an end is never reported
   * before the start. A task that already ran and is gone comes back without a pid.
   */
  Started launch(LaunchIntent intent, LaunchSpec spec) throws LaunchException;

  /** What became of the task of an intent, for recovery after a restart. */
  Probe probe(LaunchIntent intent);

  /**
   * {@link #probe} for many intents at once, by stage attempt id (the ECS launcher asks
   * DescribeTasks for up to 100 tasks per call). An intent missing from the answer was not probed
   * this time.
   */
  default Map<UUID, Probe> probeAll(List<LaunchIntent> intents) {
    Map<UUID, Probe> probes = new LinkedHashMap<>();
    for (LaunchIntent intent : intents) {
      probes.put(intent.stageRunId(), probe(intent));
    }
    return probes;
  }

  /** Watches a task found alive by {@link #probe}; its end is reported to the listener. */
  void adopt(LaunchIntent intent, Started task);

  /** Whether this launcher instance is watching the intent's task. */
  boolean isWatching(LaunchIntent intent);

  /** Why a task that is gone stopped. */
  StopInfo stopInfo(LaunchIntent intent);

  /** Stops the task (and everything it started), if it still runs. */
  void stop(LaunchIntent intent);

  /**
   * A raw event from the task-events queue that is not one of Stevedore's own {@code TaskEvent}s
   * (for ECS: an EventBridge "ECS Task State Change"). Returns whether this launcher took it; the
   * consumer dead-letters an event no launcher takes.
   */
  default boolean onTaskEvent(JsonNode event) {
    return false;
  }

  /** The result of {@link #probe}. */
  sealed interface Probe {
    /** The task runs. */
    record Alive(Started task) implements Probe {}

    /**
     * The task ran and is gone.
     *
     * @param stop why it stopped, when the probe saw it (ECS); null: ask {@link #stopInfo}
     */
    record Ended(StopInfo stop) implements Probe {
      public Ended() {
        this(null);
      }
    }

    /** Nothing shows the task ever started. */
    record NeverStarted() implements Probe {}
  }
}

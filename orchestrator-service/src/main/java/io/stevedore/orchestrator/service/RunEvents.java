package io.stevedore.orchestrator.service;

import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunEvent;
import io.stevedore.common.contract.RunEventBatch;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.spec.PipelineSpec.Resources;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.store.RunRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes every run and stage state change to the outbox, for each subscriber queue ({@code
 * run-events-<subscriber>}), in the transaction of the change: the changes of one transaction go
 * out together as one {@link RunEventBatch} message.
 */
@ApplicationScoped
public class RunEvents {

  private final Outbox outbox;
  private final ThreadLocal<List<RunEvent>> pending = new ThreadLocal<>();
  private final OrchestratorConfig config;

  RunEvents(Outbox outbox, OrchestratorConfig config) {
    this.outbox = outbox;
    this.config = config;
  }

  /** A run changed state. */
  public void run(RunRow run, String previous, String status, String reason, Instant at) {
    send(
        new RunEvent(
            run.id(),
            run.teamId(),
            run.pipelineName(),
            run.pipelineVersion(),
            null,
            null,
            status,
            previous,
            null,
            reason,
            null,
            null,
            null,
            null,
            run.startedAt() == null && "RUNNING".equals(status) ? at : run.startedAt(),
            isEnd(status) ? at : null,
            at));
  }

  /** A stage attempt changed state. */
  public void stage(
      RunRow run,
      String stageId,
      int attempt,
      String previous,
      String status,
      String failureClass,
      String reason,
      Resources resources,
      String launcher,
      Instant startedAt,
      Instant at) {
    send(
        new RunEvent(
            run.id(),
            run.teamId(),
            run.pipelineName(),
            run.pipelineVersion(),
            stageId,
            attempt,
            status,
            previous,
            failureClass,
            reason,
            resources == null ? null : resources.cpu(),
            resources == null ? null : resources.memory(),
            launcher == null ? null : launcher.toLowerCase(),
            launcher == null ? null : "LOCAL".equals(launcher) ? "local" : null,
            startedAt,
            isEnd(status) ? at : null,
            at));
  }

  /**
   * Runs {@code work} with the events it writes on this thread collected, and sends them as one
   * {@link RunEventBatch} per subscriber when it returns (in the caller's transaction, which must
   * be active). If it throws, none is sent (the transaction rolls back anyway). Nested calls join
   * the outer one.
   */
  public <T> T batched(Supplier<T> work) {
    if (pending.get() != null) {
      return work.get();
    }
    List<RunEvent> collected = new ArrayList<>();
    pending.set(collected);
    try {
      T result = work.get();
      publish(collected);
      return result;
    } finally {
      pending.remove();
    }
  }

  private void send(RunEvent event) {
    List<RunEvent> batch = pending.get();
    if (batch != null) {
      batch.add(event);
    } else {
      publish(List.of(event));
    }
  }

  private void publish(List<RunEvent> all) {
    List<String> queues = config.runEventSubscribers().stream().map(Queues::runEvents).toList();
    for (int from = 0; from < all.size(); from += RunEventBatch.MAX_EVENTS) {
      RunEventBatch batch =
          new RunEventBatch(
              all.subList(from, Math.min(all.size(), from + RunEventBatch.MAX_EVENTS)));
      outbox.sendToAll(queues, batch);
    }
  }

  private static boolean isEnd(String status) {
    return switch (status) {
      case "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "SKIPPED" -> true;
      default -> false;
    };
  }
}

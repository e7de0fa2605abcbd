package io.stevedore.orchestrator.service;

import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunEvent;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.spec.PipelineSpec.Resources;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import io.stevedore.orchestrator.store.RunRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Writes every run and stage state change to the outbox, one message per subscriber queue ({@code
 * run-events-<subscriber>}), in the transaction of the change.
 */
@ApplicationScoped
public class RunEvents {

  private final Outbox outbox;
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

  private void send(RunEvent event) {
    for (String subscriber : config.runEventSubscribers()) {
      outbox.send(Queues.runEvents(subscriber), event);
    }
  }

  private static boolean isEnd(String status) {
    return switch (status) {
      case "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT", "SKIPPED" -> true;
      default -> false;
    };
  }
}

package io.stevedore.common.contract;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The run and stage state changes of one orchestrator transaction, in the order they happened: one
 * message per subscriber queue ({@code run-events-<subscriber>}) instead of one per change, so a
 * dispatcher that moves a hundred stages in one transaction sends one message, not four hundred. A
 * transaction with more changes than {@link #MAX_EVENTS} sends several batches, in order.
 *
 * @param events the changes, oldest first; never empty
 */
@RegisterForReflection
public record RunEventBatch(List<RunEvent> events) implements MessageContract {

  public static final String TYPE = "run-event-batch";
  public static final int VERSION = 1;

  /** Most events in one message: about 40 KB of JSON, far below the SQS limit of 256 KiB. */
  public static final int MAX_EVENTS = 100;

  public RunEventBatch {
    events = List.copyOf(events);
  }

  @Override
  public String contractType() {
    return TYPE;
  }

  @Override
  public int contractVersion() {
    return VERSION;
  }
}

package io.stevedore.orchestrator.messaging;

import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.RunRequest;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.orchestrator.service.RunEngine;
import jakarta.enterprise.context.ApplicationScoped;

/** Run requests from the scheduler: run, cancel, resume. Handled in the consumer's transaction. */
@ApplicationScoped
public class RunRequestConsumer implements QueueConsumer {

  private final RunEngine engine;

  RunRequestConsumer(RunEngine engine) {
    this.engine = engine;
  }

  @Override
  public String queue() {
    return Queues.RUN_REQUESTS;
  }

  @Override
  public void handle(IncomingMessage message) {
    if (!RunRequest.TYPE.equals(message.type()) || message.version() != RunRequest.VERSION) {
      throw new IllegalArgumentException(
          "expected "
              + RunRequest.TYPE
              + " v"
              + RunRequest.VERSION
              + ", got '"
              + message.type()
              + "' v"
              + message.version());
    }
    engine.handle(message.as(RunRequest.class));
  }
}

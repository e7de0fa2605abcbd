package io.stevedore.orchestrator.messaging;

import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.ValidationResult;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.orchestrator.service.RunEngine;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Validation results from validation-service: each ends its validate stage attempt (in the
 * consumer's transaction, deduplicated by message id). A result for an attempt this orchestrator
 * does not know goes to the dead-letter queue with the reason.
 */
@ApplicationScoped
public class ValidationResultConsumer implements QueueConsumer {

  private final RunEngine engine;

  ValidationResultConsumer(RunEngine engine) {
    this.engine = engine;
  }

  @Override
  public String queue() {
    return Queues.VALIDATION_RESULTS;
  }

  @Override
  public void handle(IncomingMessage message) {
    if (!ValidationResult.TYPE.equals(message.type())
        || message.version() != ValidationResult.VERSION) {
      throw new IllegalArgumentException(
          "expected "
              + ValidationResult.TYPE
              + " v"
              + ValidationResult.VERSION
              + ", got '"
              + message.type()
              + "' v"
              + message.version());
    }
    ValidationResult result = message.as(ValidationResult.class);
    if (result.stageRunId() == null) {
      throw new IllegalArgumentException("validation result without a stageRunId");
    }
    engine.validated(result);
  }
}

package io.stevedore.orchestrator.messaging;

import io.stevedore.common.contract.Alert;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.messaging.IncomingMessage;
import io.stevedore.common.messaging.QueueConsumer;
import io.stevedore.orchestrator.service.Alerts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * The alerts queue: every service's alerts (a failed validation, an image that now fails its
 * policy, this orchestrator's own stage failures) are delivered to the configured webhooks, once
 * per alert id. Anything that is not an {@link Alert} goes to the dead-letter queue with the
 * reason.
 */
@ApplicationScoped
public class AlertConsumer implements QueueConsumer {

  private final Alerts alerts;
  private final Clock clock;

  AlertConsumer(Alerts alerts, Clock clock) {
    this.alerts = alerts;
    this.clock = clock;
  }

  @Override
  public String queue() {
    return Queues.ALERTS;
  }

  @Override
  public void handle(IncomingMessage message) {
    if (!Alert.TYPE.equals(message.type()) || message.version() != Alert.VERSION) {
      throw new IllegalArgumentException(
          "expected "
              + Alert.TYPE
              + " v"
              + Alert.VERSION
              + ", got '"
              + message.type()
              + "' v"
              + message.version());
    }
    Alert alert = message.as(Alert.class);
    if (alert.id() == null || alert.title() == null || alert.title().isBlank()) {
      throw new IllegalArgumentException("an alert needs an id and a title");
    }
    alerts.received(alert, clock.instant());
  }
}

package io.stevedore.common.messaging;

/**
 * A CDI bean that consumes one queue. Every bean implementing it (any scope, typically
 * {@code @ApplicationScoped}) is started by {@link Consumers} at start-up, after the schema
 * migration, and stopped at shutdown.
 *
 * <pre>{@code
 * @ApplicationScoped
 * class RunRequestConsumer implements QueueConsumer {
 *   public String queue() { return "run-requests"; }
 *   public void handle(IncomingMessage m) { ... m.as(RunRequested.class) ... }
 * }
 * }</pre>
 */
public interface QueueConsumer extends MessageHandler {

  /** The logical queue name (without the configured prefix). */
  String queue();

  /** Poller threads; 0 takes {@code stevedore.messaging.consumer.pollers}. */
  default int pollers() {
    return 0;
  }

  /** Handler threads; 0 takes {@code stevedore.messaging.consumer.workers}. */
  default int workers() {
    return 0;
  }
}

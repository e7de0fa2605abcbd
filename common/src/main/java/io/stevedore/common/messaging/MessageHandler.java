package io.stevedore.common.messaging;

/**
 * Handles one received message. It runs inside a JTA transaction that also records the message id
 * in {@code jobs.handled_messages}: database work through the default datasource (JDBC, Panache,
 * {@code @Transactional} methods, {@link Outbox#send}) commits together with that record, and
 * nothing commits if the handler throws.
 *
 * <p>Returning normally means handled: the message is deleted. Throwing means failed: the reason is
 * stored in {@code jobs.message_failures}, the message stays in the queue and comes back after the
 * retry delay, until SQS moves it to the dead-letter queue after {@code max-receive-count}
 * receives.
 */
@FunctionalInterface
public interface MessageHandler {

  void handle(IncomingMessage message) throws Exception;
}

/**
 * SQS messaging with a transactional outbox.
 *
 * <h2>Sending</h2>
 *
 * Inside a transaction, {@link io.stevedore.common.messaging.Outbox#send} writes the message into
 * {@code jobs.outbox}; after the commit the {@link io.stevedore.common.messaging.OutboxRelay}
 * publishes it (SendMessageBatch, at least once, retried with backoff). A rolled-back transaction
 * sends nothing; rows committed by a process that then died are published by any running relay or
 * at the next start. A body over 8 KiB travels gzip-compressed and base64-encoded, flagged by the
 * attribute {@code stevedore-content-encoding} ({@link
 * io.stevedore.common.messaging.ContentEncoding}); {@link
 * io.stevedore.common.messaging.IncomingMessage#body()} decodes it.
 *
 * <h2>Consuming</h2>
 *
 * A CDI bean implementing {@link io.stevedore.common.messaging.QueueConsumer}, or {@link
 * io.stevedore.common.messaging.Consumers#start}. The handler runs in a transaction that also
 * records the message id in {@code jobs.handled_messages}, so redeliveries are skipped; a failure
 * is recorded in {@code jobs.message_failures} and the message is retried by SQS until it goes to
 * the dead-letter queue {@code <prefix><queue>-dlq}.
 *
 * <h2>SqsQueues</h2>
 *
 * Logical names get the prefix {@code stevedore.messaging.queue-prefix}; {@link
 * io.stevedore.common.messaging.SqsQueues} creates them (with their dead-letter queues) when {@code
 * stevedore.messaging.create-queues} is true, and only looks them up otherwise. Settings: {@link
 * io.stevedore.common.messaging.MessagingConfig}; meters: {@link
 * io.stevedore.common.messaging.MessagingMetrics}.
 */
package io.stevedore.common.messaging;

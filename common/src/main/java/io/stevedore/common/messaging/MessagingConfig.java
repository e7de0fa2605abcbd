package io.stevedore.common.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * SQS messaging settings (prefix {@code stevedore.messaging}): queue naming and creation, the
 * outbox relay and the consumer loops. Durations take Quarkus' forms ({@code 30S}, {@code 500ms},
 * {@code P15D}).
 */
@ConfigMapping(prefix = "stevedore.messaging")
public interface MessagingConfig {

  /**
   * Prefix of every physical queue name: logical queue {@code run-requests} is the SQS queue {@code
   * <prefix>run-requests}, its dead-letter queue {@code <prefix>run-requests-dlq}. Lets several
   * environments share one account.
   */
  @WithDefault("stevedore-")
  String queuePrefix();

  /**
   * Create missing queues and their dead-letter queues (with the redrive policy) at start-up and on
   * first use. True in local mode and tests; in AWS the queues come from the CDK stack and are only
   * looked up, and a missing queue is a start-up error.
   */
  @WithDefault("false")
  boolean createQueues();

  /**
   * Logical names of queues this service publishes to, declared (created or looked up) at start-up
   * so that a missing queue fails the start instead of the first send. SqsQueues consumed by a
   * registered consumer are declared anyway.
   */
  Optional<List<String>> queues();

  /**
   * How many times SQS delivers a message before moving it to the dead-letter queue (the redrive
   * policy's {@code maxReceiveCount}; applied when this service creates the queue).
   */
  @WithDefault("5")
  int maxReceiveCount();

  /**
   * Visibility timeout of a received message (set on created queues and on every receive). A
   * handler running longer than half of it gets its message's visibility extended.
   */
  @WithDefault("30S")
  Duration visibilityTimeout();

  /** Long-polling wait of a receive (at most 20 s, the SQS maximum). */
  @WithDefault("20S")
  Duration waitTime();

  /** Retention of messages in a dead-letter queue (at most 14 days, the SQS maximum). */
  @WithDefault("P14D")
  Duration deadLetterRetention();

  /** The outbox relay. */
  Relay relay();

  /** Consumer loops. */
  Consumer consumer();

  /** Pruning of the consumers' bookkeeping tables. */
  Retention retention();

  /** The outbox relay: publishes committed outbox rows to SQS. */
  interface Relay {
    /**
     * Run the relay in the background (woken after each commit that wrote outbox rows, and on the
     * poll interval). Turn off only where something else calls {@code OutboxRelay.drain()}.
     */
    @WithDefault("true")
    boolean enabled();

    /** Safety-net polling interval, for rows committed by another process or due for a retry. */
    @WithDefault("1S")
    Duration pollInterval();

    /** Rows claimed per database round (published with SendMessageBatch, 10 per call). */
    @WithDefault("200")
    int batchSize();

    /**
     * How long the relay waits after a wake-up before it claims rows, so that the rows of commits
     * arriving close together go out in one SendMessageBatch call instead of one call each (fewer
     * SQS calls and relay transactions under load; adds at most this much to a message's delivery
     * delay, nothing to the caller's commit). 0 publishes at once.
     */
    @WithDefault("15ms")
    Duration linger();

    /** Threads that send the SendMessageBatch calls of one claimed batch in parallel. */
    @WithDefault("4")
    int senders();

    /** Delay before the first retry of a row that failed to publish; doubles with each attempt. */
    @WithDefault("1S")
    Duration initialBackoff();

    /** Upper bound of the retry delay of a row that keeps failing. */
    @WithDefault("5M")
    Duration maxBackoff();
  }

  /** Consumer loops (defaults for every consumer; a consumer may set its own thread counts). */
  interface Consumer {
    /** Threads that long-poll the queue (each receives batches of 10). */
    @WithDefault("1")
    int pollers();

    /** Threads that run the handler. */
    @WithDefault("4")
    int workers();

    /**
     * Visibility of a message whose handler failed, so SQS redelivers it after this delay instead
     * of the full visibility timeout; doubles with every receive up to {@code max-retry-delay}.
     */
    @WithDefault("5S")
    Duration retryDelay();

    /** Upper bound of the retry delay. */
    @WithDefault("5M")
    Duration maxRetryDelay();

    /**
     * How long handled messages wait to be deleted together (DeleteMessageBatch takes 10); a full
     * batch is deleted at once.
     */
    @WithDefault("100ms")
    Duration deleteLinger();

    /** Transaction timeout of one handler call (the handler runs inside this transaction). */
    @WithDefault("5M")
    Duration transactionTimeout();

    /** How long a stopping consumer waits for its running handlers to finish. */
    @WithDefault("30S")
    Duration shutdownTimeout();
  }

  /** Pruning of {@code jobs.handled_messages} and {@code jobs.message_failures} by the relay. */
  interface Retention {
    /**
     * How long a handled message id is remembered. Must exceed how long SQS may redeliver it (the
     * queue's retention, at most 14 days).
     */
    @WithDefault("P15D")
    Duration handledMessages();

    /** How long failure records are kept. */
    @WithDefault("P30D")
    Duration failures();

    /** How often the relay prunes. */
    @WithDefault("1H")
    Duration pruneInterval();
  }
}

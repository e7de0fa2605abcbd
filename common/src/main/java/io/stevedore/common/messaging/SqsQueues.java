package io.stevedore.common.messaging;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.store.SchemaMigrator;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Resolves logical queue names to SQS queue URLs (cached). When {@code
 * stevedore.messaging.create-queues} is true, a missing queue is created together with its
 * dead-letter queue {@code <prefix><name>-dlq} and the redrive policy; otherwise it is only looked
 * up, and a missing queue is an error that names it.
 *
 * <p>A "queue" given as a full URL ({@code https://...}, such as a reply queue named by a team) is
 * used as is: no prefix, no creation.
 */
@ApplicationScoped
public class SqsQueues {

  /** Start-up observer priority of the messaging beans: after {@link SchemaMigrator#PRIORITY}. */
  public static final int STARTUP_PRIORITY = SchemaMigrator.PRIORITY + 90;

  private static final Logger LOG = Logger.getLogger(SqsQueues.class);
  private static final Pattern LOGICAL = Pattern.compile("[A-Za-z0-9_-]{1,70}");

  private final SqsClient sqs;
  private final MessagingConfig config;
  private final MessagingMetrics metrics;
  private final Map<String, String> urls = new ConcurrentHashMap<>();

  SqsQueues(SqsClient sqs, MessagingConfig config, MessagingMetrics metrics) {
    this.sqs = sqs;
    this.config = config;
    this.metrics = metrics;
  }

  void onStart(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) {
    config.queues().ifPresent(names -> names.forEach(this::url));
  }

  /** Checks a logical queue name (or accepts a full queue URL). */
  static String checkLogicalName(String queue) {
    if (queue == null || !(isUrl(queue) || LOGICAL.matcher(queue).matches())) {
      throw new IllegalArgumentException(
          "invalid queue name '"
              + queue
              + "': use 1-70 letters, digits, '-' or '_' (FIFO queues are not supported), or a"
              + " full queue URL");
    }
    return queue;
  }

  private static boolean isUrl(String queue) {
    return queue.startsWith("https://") || queue.startsWith("http://");
  }

  /** The SQS queue name of a logical queue: the configured prefix plus the name. */
  public String physicalName(String queue) {
    checkLogicalName(queue);
    if (isUrl(queue)) {
      return queue.substring(queue.lastIndexOf('/') + 1);
    }
    String name = config.queuePrefix() + queue;
    if (name.length() + "-dlq".length() > 80) {
      throw new IllegalArgumentException(
          "queue name '" + name + "' is too long: SQS allows 80 characters, '-dlq' included");
    }
    return name;
  }

  /** The SQS name of a logical queue's dead-letter queue. */
  public String deadLetterName(String queue) {
    return physicalName(queue) + "-dlq";
  }

  /**
   * The queue's URL, creating the queue and its dead-letter queue first when configured to.
   *
   * @throws IllegalStateException if the queue does not exist and may not be created
   */
  public String url(String queue) {
    checkLogicalName(queue);
    if (isUrl(queue)) {
      return queue;
    }
    String cached = urls.get(queue);
    if (cached != null) {
      return cached;
    }
    String url = config.createQueues() ? create(queue) : lookUp(queue, physicalName(queue));
    urls.put(queue, url);
    return url;
  }

  /** The URL of the queue's dead-letter queue. */
  public String deadLetterUrl(String queue) {
    String name = deadLetterName(queue);
    String cached = urls.get(name + "#dlq");
    if (cached != null) {
      return cached;
    }
    if (config.createQueues()) {
      url(queue);
    }
    return urls.computeIfAbsent(name + "#dlq", k -> lookUp(queue, name));
  }

  private String lookUp(String queue, String name) {
    try {
      metrics.sqsCall(queue, "GetQueueUrl");
      return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
    } catch (QueueDoesNotExistException e) {
      throw new IllegalStateException(
          "SQS queue '"
              + name
              + "' (logical queue '"
              + queue
              + "') does not exist; create it with its dead-letter queue in the deployment, or set"
              + " stevedore.messaging.create-queues=true",
          e);
    }
  }

  private synchronized String create(String queue) {
    String name = physicalName(queue);
    String dlqName = deadLetterName(queue);
    metrics.sqsCall(queue, "CreateQueue");
    String dlqUrl =
        sqs.createQueue(
                b ->
                    b.queueName(dlqName)
                        .attributes(
                            Map.of(
                                QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                                Long.toString(config.deadLetterRetention().toSeconds()))))
            .queueUrl();
    urls.put(dlqName + "#dlq", dlqUrl);
    metrics.sqsCall(queue, "GetQueueAttributes");
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    Map<QueueAttributeName, String> attributes =
        Map.of(
            QueueAttributeName.VISIBILITY_TIMEOUT,
            Long.toString(seconds(config.visibilityTimeout())),
            QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
            Long.toString(Math.min(20, config.waitTime().toSeconds())),
            QueueAttributeName.REDRIVE_POLICY,
            "{\"deadLetterTargetArn\":\""
                + dlqArn
                + "\",\"maxReceiveCount\":"
                + config.maxReceiveCount()
                + "}");
    String url;
    try {
      metrics.sqsCall(queue, "CreateQueue");
      url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    } catch (QueueNameExistsException e) {
      // exists with other attributes: bring them in line with the configuration
      url = lookUp(queue, name);
      String existing = url;
      metrics.sqsCall(queue, "SetQueueAttributes");
      sqs.setQueueAttributes(b -> b.queueUrl(existing).attributes(attributes));
    }
    LOG.debugf("queue %s ready (dead-letter queue %s)", name, dlqName);
    return url;
  }

  /** A duration in whole seconds, rounded up (SQS counts visibility in seconds). */
  static int seconds(java.time.Duration duration) {
    long millis = duration.toMillis();
    return (int) Math.min(43_200, (millis + 999) / 1000);
  }
}

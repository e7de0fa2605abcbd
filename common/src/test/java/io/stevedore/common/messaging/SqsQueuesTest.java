package io.stevedore.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class SqsQueuesTest {

  @Inject SqsQueues queues;
  @Inject SqsClient sqs;
  @Inject MessagingMetrics metrics;
  @Inject MessagingConfig config;

  @Test
  void createsQueueWithDeadLetterQueueAndRedrivePolicy() {
    String queue = TestQueues.uniqueQueue("created");

    String url = queues.url(queue);

    assertThat(url).endsWith("/stevedore-" + queue);
    assertThat(queues.deadLetterUrl(queue)).endsWith("/stevedore-" + queue + "-dlq");
    var attributes =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
            .attributes();
    assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
        .contains("stevedore-" + queue + "-dlq")
        .contains("\"maxReceiveCount\":" + config.maxReceiveCount());
    assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("2");
  }

  @Test
  void cachesQueueUrls() {
    String queue = TestQueues.uniqueQueue("cached");
    queues.url(queue);
    double calls = metrics.total(MessagingMetrics.SQS_CALLS, queue);

    queues.url(queue);

    assertThat(metrics.total(MessagingMetrics.SQS_CALLS, queue)).isEqualTo(calls);
  }

  @Test
  void onlyLooksUpQueuesWhenNotCreating() {
    MessagingConfig lookUpOnly =
        new SmallRyeConfigBuilder()
            .withMapping(MessagingConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter())
            .withDefaultValue("stevedore.messaging.create-queues", "false")
            .build()
            .getConfigMapping(MessagingConfig.class);
    SqsQueues lookingUp = new SqsQueues(sqs, lookUpOnly, metrics);
    String existing = TestQueues.uniqueQueue("existing");
    String expected = queues.url(existing);

    assertThat(lookingUp.url(existing)).isEqualTo(expected);
    assertThatThrownBy(() -> lookingUp.url("never-created"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQS queue 'stevedore-never-created'")
        .hasMessageContaining("does not exist");
  }

  @Test
  void rejectsInvalidQueueNames() {
    assertThatThrownBy(() -> queues.url("runs.fifo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid queue name 'runs.fifo'");
  }
}

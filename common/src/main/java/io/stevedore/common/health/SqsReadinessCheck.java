package io.stevedore.common.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Ready only when SQS answers. (The database check comes from the Agroal extension, which adds a
 * readiness check for the datasource.)
 */
@Readiness
@ApplicationScoped
public class SqsReadinessCheck implements HealthCheck {

  private final SqsClient sqs;

  SqsReadinessCheck(SqsClient sqs) {
    this.sqs = sqs;
  }

  @Override
  public HealthCheckResponse call() {
    try {
      sqs.listQueues(r -> r.maxResults(1));
      return HealthCheckResponse.up("sqs");
    } catch (RuntimeException e) {
      return HealthCheckResponse.named("sqs")
          .down()
          .withData("error", e.getClass().getSimpleName())
          .build();
    }
  }
}

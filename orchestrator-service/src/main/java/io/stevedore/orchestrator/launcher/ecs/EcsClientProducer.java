package io.stevedore.orchestrator.launcher.ecs;

import io.stevedore.orchestrator.config.AwsConfig;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;

/**
 * The ECS client (no Quarkus extension exists for ECS). Created only when the ECS launcher is, so a
 * local orchestrator never needs AWS credentials. The SDK's own retries are off: {@link EcsCalls}
 * paces every call with token buckets and retries throttled ones itself, so each retry is counted
 * against the bucket.
 */
@ApplicationScoped
public class EcsClientProducer {

  @Produces
  @ApplicationScoped
  EcsClient ecsClient(OrchestratorConfig config, AwsConfig aws) {
    AwsCredentialsProvider credentials =
        aws.accessKeyId().isPresent() && aws.secretAccessKey().isPresent()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(aws.accessKeyId().get(), aws.secretAccessKey().get()))
            : DefaultCredentialsProvider.builder().build();
    EcsClientBuilder builder =
        EcsClient.builder()
            .region(Region.of(config.ecs().region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    aws.endpointOverride().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  void close(@Disposes EcsClient client) {
    client.close();
  }
}

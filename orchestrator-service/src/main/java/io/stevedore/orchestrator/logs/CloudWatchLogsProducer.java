package io.stevedore.orchestrator.logs;

import io.stevedore.orchestrator.config.AwsConfig;
import io.stevedore.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClientBuilder;

/**
 * The CloudWatch Logs client and reader for ECS attempts' logs. Built on first use (looked up
 * through {@code Instance}), so a local orchestrator never needs AWS credentials. Reaches AWS as
 * the ECS client does: {@code stevedore.aws.endpoint-override}, {@code stevedore.aws.region},
 * static keys only when both are set, else the default credentials chain.
 */
@ApplicationScoped
public class CloudWatchLogsProducer {

  @Produces
  @Singleton
  CloudWatchLogsClient client(AwsConfig aws) {
    AwsCredentialsProvider credentials =
        aws.accessKeyId().isPresent() && aws.secretAccessKey().isPresent()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(aws.accessKeyId().get(), aws.secretAccessKey().get()))
            : DefaultCredentialsProvider.builder().build();
    CloudWatchLogsClientBuilder builder =
        CloudWatchLogsClient.builder()
            .region(Region.of(aws.region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    aws.endpointOverride().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  void close(@Disposes CloudWatchLogsClient client) {
    client.close();
  }

  @Produces
  @Singleton
  CloudWatchLogReader reader(CloudWatchLogsClient client, OrchestratorConfig config) {
    return new CloudWatchLogReader(
        client,
        config.logs().group(),
        CloudWatchLogReader.bucket(config.logs().readsPerSecond(), config.logs().readBurst()));
  }
}

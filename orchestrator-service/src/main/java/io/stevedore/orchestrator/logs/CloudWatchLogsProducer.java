package io.stevedore.orchestrator.logs;

import io.stevedore.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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

  @ConfigProperty(name = "stevedore.aws.endpoint-override")
  Optional<URI> endpointOverride;

  @ConfigProperty(name = "stevedore.aws.region", defaultValue = "us-east-1")
  String region;

  @ConfigProperty(name = "stevedore.aws.access-key-id")
  Optional<String> accessKeyId;

  @ConfigProperty(name = "stevedore.aws.secret-access-key")
  Optional<String> secretAccessKey;

  @Produces
  @Singleton
  CloudWatchLogsClient client() {
    AwsCredentialsProvider credentials =
        accessKeyId.isPresent() && secretAccessKey.isPresent()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId.get(), secretAccessKey.get()))
            : DefaultCredentialsProvider.builder().build();
    CloudWatchLogsClientBuilder builder =
        CloudWatchLogsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    endpointOverride.ifPresent(builder::endpointOverride);
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

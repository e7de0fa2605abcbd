package io.stevedore.orchestrator.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testing.Moto;
import io.stevedore.testing.RequiresMoto;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * ECS is an AWS-only API: it is tested against moto's server, which the test resources start once
 * per test JVM. Where moto is missing this test is skipped loudly (failed when
 * STEVEDORE_REQUIRE_MOTO=1, as in CI).
 */
@RequiresMoto
class MotoEcsTest {

  @Test
  void createsAndListsAClusterThroughTheSdkAgainstMoto() {
    try (EcsClient ecs =
        EcsClient.builder()
            .endpointOverride(URI.create(Moto.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      String name = "stevedore-" + UUID.randomUUID().toString().substring(0, 8);
      String arn = ecs.createCluster(r -> r.clusterName(name)).cluster().clusterArn();
      assertThat(ecs.listClusters().clusterArns()).contains(arn);
      assertThat(ecs.describeClusters(r -> r.clusters(name)).clusters().get(0).status())
          .isEqualTo("ACTIVE");
    }
  }
}

package io.stevedore.securitygate.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.securitygate.Fixtures;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.registry.EcrMirrorResource;
import io.stevedore.testing.Moto;
import io.stevedore.testing.MotoResource;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.RequiresMoto;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

/**
 * An admission for an ECR image, through the service's own wiring: credentials from moto's
 * GetAuthorizationToken, the pull from a registry standing in for ECR (a configured mirror), and
 * ECR's scan findings merged into the verdict.
 */
@QuarkusTest
@RequiresMoto
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(value = MotoResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EcrMirrorResource.class, restrictToAnnotatedClass = true)
class EcrAdmissionTest {

  @Inject ApiKeys keys;

  @Test
  void anEcrImageIsPulledWithEcrCredentialsAndItsScanFindingsCount() {
    Fixtures.Team team = Fixtures.team(keys, "ecr");
    team.as()
        .contentType("application/yaml")
        .body(Fixtures.POLICY)
        .put("/api/v1/policies/default")
        .then()
        .statusCode(201);
    TestImage image = Fixtures.debian(null);
    String digest = EcrMirrorResource.registry().push("etl/app", "1", image);
    byte[] manifest = image.ociFiles().get("blobs/sha256/" + digest.substring(7));
    try (EcrClient ecr =
        EcrClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(Moto.endpoint()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      ecr.createRepository(b -> b.repositoryName("etl/app"));
      ecr.putImage(
          b ->
              b.repositoryName("etl/app")
                  .imageTag("1")
                  .imageDigest(digest)
                  .imageManifest(new String(manifest, StandardCharsets.UTF_8)));
      ecr.startImageScan(b -> b.repositoryName("etl/app").imageId(i -> i.imageDigest(digest)));
    }

    team.as()
        .contentType("application/json")
        .body(Map.of("image", EcrMirrorResource.REGISTRY + "/etl/app:1"))
        .post("/api/v1/admissions")
        .then()
        .statusCode(200)
        .body("digest", equalTo(digest))
        .body("verdict", equalTo("FAIL"))
        .body("allowed", equalTo(false))
        .body("findings.subject", hasItem("ecr:moto_fake@9.9.9"))
        .body("findings.advisoryId", hasItem("CVE-9999-9999"));
  }
}

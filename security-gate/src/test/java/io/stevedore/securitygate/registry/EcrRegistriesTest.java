package io.stevedore.securitygate.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.ExternalVulnerability;
import io.stevedore.securitygate.advisory.Severity;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.policy.Finding;
import io.stevedore.securitygate.policy.PolicyParser;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.Verdict;
import io.stevedore.securitygate.verdict.VerdictCache;
import io.stevedore.testing.Moto;
import io.stevedore.testing.RequiresMoto;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;

/** ECR credentials and scan findings, against moto's ECR. */
@RequiresMoto
class EcrRegistriesTest {

  static final String ACCOUNT = "123456789012";
  static final String REGISTRY = ACCOUNT + ".dkr.ecr.eu-west-1.amazonaws.com";

  @TempDir Path tmp;

  EcrClient ecr;
  EcrRegistries registries;
  TestRegistry registry;

  @BeforeEach
  void setUp() {
    ecr =
        EcrClient.builder()
            .region(Region.EU_WEST_1)
            .endpointOverride(URI.create(Moto.endpoint()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    registries = new EcrRegistries(region -> ecr, Clock.systemUTC());
    registry = new TestRegistry();
  }

  @AfterEach
  void tearDown() {
    registry.close();
    ecr.close();
  }

  @Test
  void recognisesEcrRegistryHosts() {
    assertThat(EcrRegistries.parse(REGISTRY))
        .contains(new EcrRegistries.Registry(ACCOUNT, "eu-west-1"));
    assertThat(EcrRegistries.parse("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"))
        .isPresent();
    assertThat(EcrRegistries.parse("ecr.example")).isEmpty();
    assertThat(EcrRegistries.parse("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example"))
        .isEmpty();
    assertThat(registries.credentials("registry.example")).isEmpty();
  }

  @Test
  void pullsFromAnEcrRegistryWithCredentialsFromGetAuthorizationToken() {
    RegistryClient.Credentials creds = registries.credentials(REGISTRY).orElseThrow();
    assertThat(creds.username()).isEqualTo("AWS");
    assertThat(creds.password()).isNotBlank();
    // the registry (standing in for ECR through a mirror) accepts only ECR's basic credentials
    registry.requireCredentials("AWS", creds.password());
    TestImage image =
        new TestImage()
            .user("app")
            .layer(TestImage.Layer.create().file("etc/test-id", UUID.randomUUID().toString()));
    String digest = registry.push("team/app", "1", image);
    RegistryClient client =
        new RegistryClient(
            ImageLimits.defaults(),
            new RegistryClient.Settings(
                "linux/amd64",
                Set.of(),
                Map.of(REGISTRY, registry.url()),
                java.time.Duration.ofSeconds(10)),
            registries::credentials,
            Clock.systemUTC());

    RegistryClient.Resolution r = client.resolve(RegistryReference.parse(REGISTRY + "/team/app:1"));

    assertThat(r.digest()).isEqualTo(digest);
  }

  @Test
  void scanFindingsAreMergedIntoTheVerdict() {
    String repo = "team/scanned-" + UUID.randomUUID().toString().substring(0, 8);
    ecr.createRepository(b -> b.repositoryName(repo));
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
            + "\"size\":2,\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"},"
            + "\"layers\":[]}";
    String digest =
        ecr.putImage(b -> b.repositoryName(repo).imageTag("1").imageManifest(manifest))
            .image()
            .imageId()
            .imageDigest();
    RegistryReference ref = RegistryReference.parse(REGISTRY + "/" + repo + ":1");

    // no scan yet: a note, no findings, no failure
    List<String> notes = new ArrayList<>();
    assertThat(registries.findings(ref, digest, notes)).isEmpty();
    assertThat(notes).singleElement().asString().contains("ScanNotFoundException");

    ecr.startImageScan(b -> b.repositoryName(repo).imageId(i -> i.imageDigest(digest)));
    List<ExternalVulnerability> found = registries.findings(ref, digest, new ArrayList<>());
    assertThat(found)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.source()).isEqualTo("ecr");
              assertThat(v.id()).isEqualTo("CVE-9999-9999");
              assertThat(v.severity()).isEqualTo(Severity.HIGH);
              assertThat(v.packageName()).isEqualTo("moto_fake");
            });

    // judged by the policy like the gate's own matches
    TestImage image =
        new TestImage()
            .user("app")
            .layer(TestImage.Layer.create().file("etc/test-id", UUID.randomUUID().toString()));
    Path layout = image.writeOciDirectory(tmp.resolve("img"));
    SecurityGate gate =
        new SecurityGate(
            ImageLimits.defaults(), new AdvisoryIndex(), new VerdictCache(0), Clock.systemUTC());
    Verdict failing =
        gate.evaluateUncached(
                layout,
                image.manifestDigest(),
                null,
                PolicyParser.parse("team: etl\nvulnerabilities: {failAt: high}\n"),
                found)
            .verdict();
    assertThat(failing.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(failing.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo(Finding.Rule.VULNERABILITY);
              assertThat(f.subject()).isEqualTo("ecr:moto_fake@9.9.9");
              assertThat(f.message()).contains("reported by ecr");
            });
    Verdict allowed =
        gate.evaluateUncached(
                layout,
                image.manifestDigest(),
                null,
                PolicyParser.parse(
                    "team: etl\nallowList:\n  - {id: CVE-9999-9999, expires: 2999-01-01,"
                        + " justification: fake}\n"),
                found)
            .verdict();
    assertThat(allowed.status()).isEqualTo(Verdict.Status.PASS);
  }
}

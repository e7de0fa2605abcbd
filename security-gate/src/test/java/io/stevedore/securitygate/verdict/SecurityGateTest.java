package io.stevedore.securitygate.verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.OsvFixtures;
import io.stevedore.securitygate.advisory.OsvImporter;
import io.stevedore.securitygate.image.ImageException;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.policy.Finding;
import io.stevedore.securitygate.policy.Policy;
import io.stevedore.securitygate.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real image layouts built in the test, through inventory, OSV matching and policy to a verdict.
 */
class SecurityGateTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

  private static final Policy POLICY =
      PolicyParser.parse(
          """
          team: etl
          version: 1
          vulnerabilities: {failAt: high, warnAt: medium, unknownSeverityAs: high}
          """);

  private static final String LIBSSL_STATUS =
      "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\n"
          + "Version: 3.0.11-1~deb12u2\n";

  @TempDir Path tmp;

  private AdvisoryIndex advisories;
  private VerdictCache cache;
  private SecurityGate gate;

  @BeforeEach
  void setUp() {
    advisories = OsvFixtures.index();
    cache = new VerdictCache(100);
    gate = new SecurityGate(ImageLimits.defaults(), advisories, cache, CLOCK);
  }

  private static TestImage.Layer debianBase() {
    return TestImage.Layer.create().file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  }

  private SecurityGate.Result scan(TestImage image) {
    Path tar = image.writeOciTar(tmp.resolve("image-" + System.nanoTime() + ".tar"));
    return gate.evaluate(tar, image.manifestDigest(), null, POLICY);
  }

  private static Object[] rules(Verdict v) {
    return v.findings().stream().map(f -> tuple(f.rule(), f.outcome(), f.advisoryId())).toArray();
  }

  @Test
  void debianImageFailsOnOpensslFixedInALaterVersion() {
    TestImage image =
        new TestImage().user("app").layer(debianBase().file("var/lib/dpkg/status", LIBSSL_STATUS));

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings())
        .extracting(Finding::rule, Finding::advisoryId, Finding::subject, Finding::fixedVersion)
        .containsExactly(
            tuple(
                Finding.Rule.VULNERABILITY,
                "DSA-0001-1",
                "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl",
                "3.0.13-1~deb12u1"));
    assertThat(v.findings().get(0).cves()).containsExactly("CVE-2023-5678");
    assertThat(v.key().imageDigest()).isEqualTo(image.manifestDigest());
    assertThat(v.key().policyHash()).isEqualTo(POLICY.hash());
    assertThat(v.key().advisoryVersion()).isEqualTo(advisories.dataVersion());
    assertThat(v.evaluatedAt()).isEqualTo(CLOCK.instant());
  }

  @Test
  void distrolessImageIsReadFromStatusD() {
    TestImage image =
        new TestImage()
            .user("65532")
            .layer(debianBase().file("var/lib/dpkg/status.d/libssl3", LIBSSL_STATUS));

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings()).extracting(Finding::advisoryId).containsExactly("DSA-0001-1");
  }

  @Test
  void alpineImageWarnsOnAMediumAdvisoryForItsOrigin() {
    TestImage image =
        new TestImage()
            .user("nobody")
            .layer(
                TestImage.Layer.create()
                    .file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
                    .file(
                        "lib/apk/db/installed",
                        "P:libcrypto3\nV:3.1.4-r4\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.4-r3\no:musl\n"));

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.WARN);
    assertThat(v.findings())
        .extracting(Finding::advisoryId, Finding::outcome, Finding::fixedVersion)
        .containsExactly(tuple("ALPINE-CVE-2024-0727", Finding.Outcome.WARN, "3.1.4-r5"));
  }

  @Test
  void imageWithAVulnerableJarInAFatJarFails() {
    byte[] fat =
        TestImage.jar(
            "com.example",
            "etl-job",
            "1.0.0",
            Map.of(
                "BOOT-INF/lib/log4j-core-2.14.1.jar",
                TestImage.jar("org.apache.logging.log4j", "log4j-core", "2.14.1", Map.of())));
    TestImage image =
        new TestImage().user("app").layer(TestImage.Layer.create().file("app/etl-job.jar", fat));

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings())
        .extracting(Finding::advisoryId, Finding::severity, Finding::fixedVersion)
        .containsExactly(
            tuple(
                "GHSA-jfh8-c2jp-5v3q",
                io.stevedore.securitygate.advisory.Severity.CRITICAL,
                "2.15.0"));
    assertThat(v.findings().get(0).message())
        .contains("app/etl-job.jar!BOOT-INF/lib/log4j-core-2.14.1.jar");
  }

  @Test
  void packageDeletedInALaterLayerIsNotReported() {
    TestImage image =
        new TestImage()
            .user("app")
            .layer(debianBase().file("var/lib/dpkg/status.d/libssl3", LIBSSL_STATUS))
            .layer(TestImage.Layer.create().whiteout("var/lib/dpkg/status.d/libssl3"));

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.PASS);
    assertThat(v.findings()).isEmpty();
  }

  @Test
  void imageRunningAsRootFails() {
    TestImage image = new TestImage().user("").layer(debianBase());

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(rules(v))
        .containsExactly(tuple(Finding.Rule.RUN_AS_ROOT, Finding.Outcome.FAIL, null));
  }

  @Test
  void imageWithAnAwsKeyInItsEnvironmentFails() {
    TestImage image =
        new TestImage()
            .user("app")
            .env("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")
            .layer(debianBase());

    Verdict v = scan(image).verdict();

    assertThat(v.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(v.findings())
        .extracting(Finding::rule, Finding::subject)
        .containsExactly(tuple(Finding.Rule.SECRET_IN_ENV, "env AWS_ACCESS_KEY_ID"));
  }

  @Test
  void secretInAFileOfALowerLayerIsFoundUnlessDeleted() {
    TestImage kept =
        new TestImage()
            .user("app")
            .layer(
                debianBase()
                    .file("app/config/.env", "TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"));
    TestImage deleted =
        new TestImage()
            .user("app")
            .layer(
                debianBase()
                    .file("app/config/.env", "TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"))
            .layer(TestImage.Layer.create().opaque("app/config"));

    assertThat(scan(kept).verdict().findings())
        .extracting(Finding::rule, Finding::subject)
        .containsExactly(tuple(Finding.Rule.SECRET_IN_FILE, "/app/config/.env"));
    assertThat(scan(deleted).verdict().status()).isEqualTo(Verdict.Status.PASS);
  }

  @Test
  void dockerSaveTarGivesTheSameFindings() {
    TestImage image =
        new TestImage().user("app").layer(debianBase().file("var/lib/dpkg/status", LIBSSL_STATUS));
    Path tar = image.writeDockerSave(tmp.resolve("docker.tar"));

    Verdict v = gate.evaluate(tar, image.configDigest(), null, POLICY).verdict();

    assertThat(v.key().imageDigest()).isEqualTo(image.configDigest());
    assertThat(v.findings()).extracting(Finding::advisoryId).containsExactly("DSA-0001-1");
  }

  @Test
  void cachedVerdictIsReusedUntilAdvisoriesOrPolicyChange() {
    TestImage image =
        new TestImage().user("app").layer(debianBase().file("var/lib/dpkg/status", LIBSSL_STATUS));
    Path tar = image.writeOciTar(tmp.resolve("c.tar"));
    String digest = image.manifestDigest();

    SecurityGate.Result first = gate.evaluate(tar, digest, null, POLICY);
    SecurityGate.Result second = gate.evaluate(tar, digest, null, POLICY);
    assertThat(first.cached()).isFalse();
    assertThat(second.cached()).isTrue();
    assertThat(second.verdict()).isEqualTo(first.verdict());

    new OsvImporter(advisories, CLOCK)
        .importJson(
            """
            {"id":"DSA-0003-1","modified":"2026-11-26T00:00:00Z",
             "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
               "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.15-1~deb12u1"}]}]}]}
            """
                .getBytes(StandardCharsets.UTF_8),
            "new.json");
    SecurityGate.Result third = gate.evaluate(tar, digest, null, POLICY);
    assertThat(third.cached()).isFalse();
    assertThat(third.verdict().findings())
        .extracting(Finding::advisoryId)
        .containsExactlyInAnyOrder("DSA-0001-1", "DSA-0003-1");

    Policy relaxed =
        PolicyParser.parse("team: etl\nversion: 2\nvulnerabilities: {failAt: critical}\n");
    SecurityGate.Result fourth = gate.evaluate(tar, digest, null, relaxed);
    assertThat(fourth.cached()).isFalse();
    assertThat(fourth.verdict().status()).isEqualTo(Verdict.Status.PASS);
  }

  @Test
  void registryRuleRefusesALookAlikeRepository() {
    Policy policy = PolicyParser.parse("team: etl\nregistries: [ecr.example/team]\n");
    TestImage image = new TestImage().user("app").layer(debianBase());
    Path tar = image.writeOciTar(tmp.resolve("r.tar"));

    Verdict good = gate.evaluate(tar, null, "ecr.example/team/app:1", policy).verdict();
    Verdict evil = gate.evaluate(tar, null, "ecr.example/team-evil/app:1", policy).verdict();

    assertThat(good.status()).isEqualTo(Verdict.Status.PASS);
    assertThat(evil.status()).isEqualTo(Verdict.Status.FAIL);
    assertThat(evil.findings())
        .extracting(Finding::rule)
        .containsExactly(Finding.Rule.REGISTRY_NOT_ALLOWED);
  }

  @Test
  void corruptImageEndsInAClearErrorAndNoVerdict() throws Exception {
    Path junk =
        Files.write(tmp.resolve("junk.tar"), "this is not a tar".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> gate.evaluate(junk, null, null, POLICY))
        .isInstanceOf(ImageException.class);
    assertThat(cache.size()).isZero();
  }
}

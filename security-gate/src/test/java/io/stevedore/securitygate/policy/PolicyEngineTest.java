package io.stevedore.securitygate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.stevedore.securitygate.advisory.Advisory;
import io.stevedore.securitygate.advisory.Severity;
import io.stevedore.securitygate.advisory.VulnerabilityMatch;
import io.stevedore.securitygate.image.ImageConfig;
import io.stevedore.securitygate.inventory.Component;
import io.stevedore.securitygate.inventory.Inventory;
import io.stevedore.securitygate.inventory.OsRelease;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

  private static final Component LIBSSL =
      new Component(
          Component.Type.DEB,
          "debian",
          "libssl3",
          "3.0.11-1",
          "openssl",
          null,
          "amd64",
          "var/lib/dpkg/status");

  private static Inventory inventory(ImageConfig config) {
    return new Inventory(
        "sha256:" + "b".repeat(64),
        new OsRelease("debian", "12"),
        List.of(LIBSSL),
        config,
        List.of());
  }

  private static ImageConfig config(String user, Map<String, String> labels, String... env) {
    return new ImageConfig(user, List.of(env), labels, Set.of(), "linux", "amd64");
  }

  private static VulnerabilityMatch match(Severity severity, String fixed) {
    Advisory a =
        new Advisory(
            "DSA-1-1",
            Instant.parse("2026-01-01T00:00:00Z"),
            List.of("CVE-2026-0001"),
            "",
            severity,
            null,
            List.of(),
            Instant.parse("2026-01-02T00:00:00Z"));
    return new VulnerabilityMatch(a, LIBSSL, "Debian:12", "openssl", "3.0.11-1", fixed);
  }

  private static PolicyEngine at(String instant) {
    return new PolicyEngine(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  private static final String ALLOWING =
      """
      team: etl
      allowList:
        - id: CVE-2026-0001
          expires: 2026-06-30
          justification: mitigated by network policy
      """;

  @Test
  void allowListAcceptsAVulnerabilityUntilItExpires() {
    Policy policy = PolicyParser.parse(ALLOWING);
    Inventory inv = inventory(config("app", Map.of()));
    List<VulnerabilityMatch> matches = List.of(match(Severity.CRITICAL, "3.0.13-1"));

    List<Finding> before =
        at("2026-06-30T23:59:59Z").evaluate(policy, null, inv, matches, Map.of());
    List<Finding> after = at("2026-07-01T00:00:00Z").evaluate(policy, null, inv, matches, Map.of());

    assertThat(before)
        .extracting(Finding::rule, Finding::outcome)
        .containsExactly(tuple(Finding.Rule.ALLOW_LIST, Finding.Outcome.INFO));
    assertThat(before.get(0).message()).contains("mitigated by network policy");
    assertThat(after)
        .extracting(Finding::rule, Finding::outcome)
        .containsExactly(
            tuple(Finding.Rule.ALLOW_LIST_EXPIRED, Finding.Outcome.WARN),
            tuple(Finding.Rule.VULNERABILITY, Finding.Outcome.FAIL));
  }

  @Test
  void onlyFixedWarnsAboutVulnerabilitiesWithoutAFix() {
    Policy policy =
        PolicyParser.parse("team: etl\nvulnerabilities: {failAt: high, onlyFixed: true}\n");
    Inventory inv = inventory(config("app", Map.of()));

    List<Finding> findings =
        at("2026-01-01T00:00:00Z")
            .evaluate(policy, null, inv, List.of(match(Severity.HIGH, null)), Map.of());

    assertThat(findings).extracting(Finding::outcome).containsExactly(Finding.Outcome.WARN);
    assertThat(findings.get(0).message()).contains("no fix available");
  }

  @Test
  void severityThresholdsDecideFailWarnOrInfo() {
    Policy policy =
        PolicyParser.parse(
            "team: etl\nvulnerabilities: {failAt: high, warnAt: medium, unknownSeverityAs: medium}\n");
    Inventory inv = inventory(config("app", Map.of()));

    List<Finding> findings =
        at("2026-01-01T00:00:00Z")
            .evaluate(
                policy,
                null,
                inv,
                List.of(
                    match(Severity.CRITICAL, "1"),
                    match(Severity.MEDIUM, "1"),
                    match(Severity.UNKNOWN, "1"),
                    match(Severity.LOW, "1")),
                Map.of());

    assertThat(findings)
        .extracting(Finding::outcome, Finding::severity)
        .containsExactly(
            tuple(Finding.Outcome.FAIL, Severity.CRITICAL),
            tuple(Finding.Outcome.WARN, Severity.MEDIUM),
            tuple(Finding.Outcome.WARN, Severity.MEDIUM),
            tuple(Finding.Outcome.INFO, Severity.LOW));
    assertThat(findings.get(2).message()).contains("assumed");
  }

  @Test
  void rootUserSecretsRegistryAndLabelsEachGetAFinding() {
    Policy policy =
        PolicyParser.parse(
            "team: etl\nregistries: [ecr.example/team]\nrequiredLabels: [owner, org.opencontainers.image.source]\n");
    Inventory inv =
        inventory(
            config(
                "",
                Map.of("owner", "etl", "note", "xoxb-1234567890-abcdefghij"),
                "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                "PATH=/usr/bin"));

    List<Finding> findings =
        at("2026-01-01T00:00:00Z")
            .evaluate(
                policy,
                "ecr.example/team-evil/app:1",
                inv,
                List.of(),
                Map.of("app/.env", "DB=x\nKEY=-----BEGIN OPENSSH PRIVATE KEY-----\n".getBytes()));

    assertThat(findings)
        .extracting(Finding::rule, Finding::subject)
        .containsExactlyInAnyOrder(
            tuple(Finding.Rule.RUN_AS_ROOT, "config.User"),
            tuple(Finding.Rule.SECRET_IN_ENV, "env AWS_ACCESS_KEY_ID"),
            tuple(Finding.Rule.SECRET_IN_LABEL, "label note"),
            tuple(Finding.Rule.SECRET_IN_FILE, "/app/.env"),
            tuple(Finding.Rule.REGISTRY_NOT_ALLOWED, "ecr.example/team-evil/app"),
            tuple(Finding.Rule.REQUIRED_LABEL_MISSING, "org.opencontainers.image.source"));
    assertThat(findings).allSatisfy(f -> assertThat(f.outcome()).isEqualTo(Finding.Outcome.FAIL));
    assertThat(findings)
        .allSatisfy(f -> assertThat(f.message()).doesNotContain("IOSFODNN7EXAMPLE"));
  }

  @Test
  void rootIsRecognizedByNameOrUidInAnyGroup() {
    for (String user : List.of("", "0", "root", "0:0", "root:staff")) {
      assertThat(config(user, Map.of()).runsAsRoot()).as(user).isTrue();
    }
    for (String user : List.of("1000", "app", "65532:65532", "nonroot")) {
      assertThat(config(user, Map.of()).runsAsRoot()).as(user).isFalse();
    }
  }
}

package io.stevedore.securitygate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.securitygate.advisory.Severity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

  static final String FULL =
      """
      team: etl
      version: 3
      vulnerabilities:
        failAt: high
        warnAt: medium
        onlyFixed: true
        unknownSeverityAs: low
      allowList:
        - id: CVE-2023-5678
          expires: 2026-12-31
          justification: not reachable from our code
      forbidRoot: true
      secrets: {env: true, labels: false, files: true}
      registries: [ecr.example/team]
      requiredLabels: [org.opencontainers.image.source]
      """;

  @Test
  void readsEveryField() {
    Policy p = PolicyParser.parse(FULL);

    assertThat(p.team()).isEqualTo("etl");
    assertThat(p.version()).isEqualTo(3);
    assertThat(p.failAt()).isEqualTo(Severity.HIGH);
    assertThat(p.warnAt()).isEqualTo(Severity.MEDIUM);
    assertThat(p.onlyFixed()).isTrue();
    assertThat(p.unknownSeverityAs()).isEqualTo(Severity.LOW);
    assertThat(p.allowList())
        .containsExactly(
            new Policy.AllowListEntry(
                "CVE-2023-5678",
                Instant.parse("2027-01-01T00:00:00Z"),
                "not reachable from our code"));
    assertThat(p.secrets()).isEqualTo(new Policy.SecretScan(true, false, true));
    assertThat(p.allowedRegistries()).containsExactly("ecr.example/team");
    assertThat(p.requiredLabels()).containsExactly("org.opencontainers.image.source");
    assertThat(p.hash()).startsWith("sha256:");
  }

  @Test
  void defaultsAreStrict() {
    Policy p = PolicyParser.parse("team: etl\n");

    assertThat(p.failAt()).isEqualTo(Severity.HIGH);
    assertThat(p.onlyFixed()).isFalse();
    assertThat(p.unknownSeverityAs()).isEqualTo(Severity.MEDIUM);
    assertThat(p.forbidRoot()).isTrue();
    assertThat(p.secrets()).isEqualTo(new Policy.SecretScan(true, true, true));
  }

  @Test
  void hashIgnoresKeyOrderAndFormattingButNotContent() {
    Policy a = PolicyParser.parse("team: etl\nforbidRoot: true\nregistries: [a.example/x]\n");
    Policy b = PolicyParser.parse("registries:\n  - a.example/x\nforbidRoot: true\nteam: etl\n");
    Policy c = PolicyParser.parse("team: etl\nforbidRoot: false\nregistries: [a.example/x]\n");

    assertThat(a.hash()).isEqualTo(b.hash()).isNotEqualTo(c.hash());
  }

  @Test
  void reportsEveryProblemWithItsField() {
    String bad =
        """
        version: -1
        vulnerabilities: {failAt: hihg, onlyFixed: maybe}
        allowList:
          - id: CVE-1
            expires: someday
        colour: blue
        """;

    assertThatThrownBy(() -> PolicyParser.parse(bad))
        .isInstanceOfSatisfying(
            PolicyException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "colour: unknown field",
                        "team: required",
                        "version: '-1' is not a non-negative integer",
                        "vulnerabilities.failAt: 'hihg' is not one of critical, high, medium, low",
                        "vulnerabilities.onlyFixed: 'maybe' is not true or false",
                        "allowList[0].justification: required",
                        "allowList[0].expires: 'someday' is neither a date (2026-12-31) nor an instant"));
  }

  @Test
  void storedPolicyTakesItsTeamFromTheCallerAndRefusesAnother() {
    Policy a = PolicyParser.parse("forbidRoot: true\n", "etl");
    Policy b = PolicyParser.parse("forbidRoot: true\n", "ml");

    assertThat(a.team()).isEqualTo("etl");
    assertThat(PolicyParser.parse("team: etl\nforbidRoot: true\n", "etl").hash())
        .isEqualTo(a.hash());
    assertThat(b.hash()).isNotEqualTo(a.hash());
    assertThatThrownBy(() -> PolicyParser.parse("team: ml\n", "etl"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("team: 'ml' is not the caller's team 'etl'");
  }
}

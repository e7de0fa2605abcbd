package io.stevedore.securitygate.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Orderings as Maven's {@code ComparableVersionTest} states them (checked against 3.9.12). */
class MavenVersionSchemeTest {

  private final VersionScheme maven = VersionScheme.maven();

  @Test
  void qualifiersFollowMavensOrder() {
    OrderingAssert.ascending(
        maven,
        List.of(
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123"));
  }

  @Test
  void numericSegmentsCompareNumerically() {
    OrderingAssert.ascending(
        maven,
        List.of(
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
            "11", "11.a", "11b", "11c", "11m"));
    OrderingAssert.ascending(
        maven, List.of("2.9.9", "2.10.0", "2.15.0-rc1", "2.15.0", "2.17.1", "99999999999999999"));
  }

  @Test
  void equalSpellingsShareOneNormalForm() {
    OrderingAssert.equal(
        maven,
        List.of(
            "1",
            "1.0",
            "1.0.0",
            "1-0",
            "1.0-0",
            "1ga",
            "1.ga",
            "1-ga",
            "1-final",
            "1-release",
            "1.0.0-GA"));
    OrderingAssert.equal(maven, List.of("1a1", "1-alpha-1", "1alpha1", "1-a1"));
    OrderingAssert.equal(maven, List.of("1b2", "1-beta-2"));
    OrderingAssert.equal(maven, List.of("1m3", "1-milestone-3"));
    OrderingAssert.equal(maven, List.of("1-rc", "1-cr"));
    OrderingAssert.equal(maven, List.of("1x", "1.x", "1-x"));
    OrderingAssert.equal(maven, List.of("1-SNAPSHOT", "1-snapshot"));
  }

  @Test
  void reproducesMavensNonTransitiveOrderForDottedQualifiers() {
    // ComparableVersion 3.9.12 gives exactly these results; matching Maven matters more here
    // than a total order, since advisories are written against Maven's behaviour.
    assertThat(maven.compare("10", "10.alphaalpha.0")).isNegative();
    assertThat(maven.compare("10.alphaalpha.0", "10.alpha")).isNegative();
    assertThat(maven.compare("10.alpha", "10")).isNegative();
  }
}

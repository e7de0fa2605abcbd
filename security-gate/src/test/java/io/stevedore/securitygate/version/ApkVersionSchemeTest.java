package io.stevedore.securitygate.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApkVersionSchemeTest {

  private final VersionScheme apk = VersionScheme.apk();

  @Test
  void preReleaseSuffixesSortBeforeTheReleaseAndPostReleaseAfter() {
    OrderingAssert.ascending(
        apk,
        List.of(
            "1.0_alpha",
            "1.0_alpha1",
            "1.0_alpha2",
            "1.0_beta",
            "1.0_beta3",
            "1.0_pre1",
            "1.0_rc1",
            "1.0_rc10",
            "1.0",
            "1.0_cvs",
            "1.0_svn",
            "1.0_git",
            "1.0_hg",
            "1.0_p1",
            "1.0_p2"));
  }

  @Test
  void revisionsSortAfterTheSameVersionAndBeforeLongerOnes() {
    OrderingAssert.ascending(
        apk,
        List.of("1.0", "1.0-r0", "1.0-r1", "1.0-r10", "1.0_p1", "1.0a", "1.0b", "1.0.1", "1.1"));
  }

  @Test
  void numbersCompareNumericallyUnlessTheyHaveALeadingZero() {
    OrderingAssert.ascending(apk, List.of("1.2", "1.9", "1.10", "1.100", "2", "10"));
    OrderingAssert.ascending(apk, List.of("1.001", "1.01", "1.1"));
    OrderingAssert.ascending(apk, List.of("1.0.0", "1.0.0.1", "1.0.1"));
  }

  @Test
  void ordersRealAlpineSecurityUpdates() {
    OrderingAssert.ascending(
        apk, List.of("3.0.8-r0", "3.0.8-r3", "3.0.12-r1", "3.1.4-r5", "3.1.4-r6", "3.3.2-r0"));
    OrderingAssert.ascending(apk, List.of("1.36.1-r5", "1.36.1-r7", "1.36.1-r29", "1.37.0-r0"));
    OrderingAssert.ascending(
        apk, List.of("2.4.59-r0", "2.4.62_rc1-r0", "2.4.62-r0", "2.4.62_git20240101-r0"));
  }

  @Test
  void commitHashSortsAfterARevisionOfTheSameVersion() {
    OrderingAssert.ascending(apk, List.of("1.0-r1", "1.0~abc", "1.0~abc-r1", "1.0~abd", "1.0a"));
  }

  @Test
  void equalSpellingsShareOneNormalForm() {
    OrderingAssert.equal(apk, List.of("1.2-r1", "01.2-r01"));
    OrderingAssert.equal(apk, List.of("1.0_p1", "1.0_p01"));
  }

  @Test
  void rejectsMalformedVersionsWithTheReason() {
    for (String bad : List.of("", "a1", "1.0-1", "1..0", "1.0_foo", "1.0ab", "1.0a1", "1.0-r")) {
      assertThat(apk.isValid(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> apk.compare("1.0_foo", "1.0"))
        .isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining("apk version '1.0_foo'")
        .hasMessageContaining("unknown suffix '_foo'");
  }
}

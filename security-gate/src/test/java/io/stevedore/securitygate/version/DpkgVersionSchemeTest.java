package io.stevedore.securitygate.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DpkgVersionSchemeTest {

  private final VersionScheme dpkg = VersionScheme.dpkg();

  @Test
  void tildeSortsBeforeEverythingEvenTheEnd() {
    // Debian policy 5.6.12: ~~ < ~~a < ~ < (nothing) < a
    OrderingAssert.ascending(dpkg, List.of("1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"));
    OrderingAssert.ascending(dpkg, List.of("1.0~rc1", "1.0~rc2", "1.0", "1.0.1~beta", "1.0.1"));
  }

  @Test
  void lettersSortBeforeOtherPunctuation() {
    OrderingAssert.ascending(dpkg, List.of("1.0a", "1.0z", "1.0+", "1.0."));
    OrderingAssert.ascending(dpkg, List.of("1.0A", "1.0a"));
  }

  @Test
  void numbersCompareNumerically() {
    OrderingAssert.ascending(dpkg, List.of("1.2", "1.9", "1.10", "1.100", "2", "10"));
  }

  @Test
  void epochOutranksUpstreamAndUpstreamOutranksRevision() {
    OrderingAssert.ascending(
        dpkg,
        List.of(
            "1.0",
            "1.0-1",
            "1.0-1+b1",
            "1.0-2",
            "1.0-10",
            "1.0.1-1",
            "1.1-0",
            "9.9-9",
            "1:0.1",
            "1:0.1-1",
            "2:0"));
  }

  @Test
  void ordersRealDebianSecurityUpdates() {
    OrderingAssert.ascending(
        dpkg,
        List.of(
            "3.0.11-1~deb12u1",
            "3.0.11-1~deb12u2",
            "3.0.11-1",
            "3.0.13-1~deb12u1",
            "3.0.15-1~deb12u1",
            "3.0.15-1"));
    OrderingAssert.ascending(dpkg, List.of("2.36-9+deb12u3", "2.36-9+deb12u4", "2.36-9+deb12u10"));
    OrderingAssert.ascending(dpkg, List.of("1:1.2.13.dfsg-1", "1:1.3.dfsg-3"));
  }

  @Test
  void equalSpellingsShareOneNormalForm() {
    OrderingAssert.equal(dpkg, List.of("1.0", "0:1.0", "1.00", "01.0", "1.0-0", "00:1.0-00"));
    OrderingAssert.equal(dpkg, List.of("1.2.3-1", "0:1.2.3-01"));
  }

  @Test
  void lastHyphenSeparatesTheRevision() {
    assertThat(DpkgVersionScheme.parse("1:2.3-rc-4"))
        .isEqualTo(new DpkgVersionScheme.Parts("1", "2.3-rc", "4"));
    assertThat(dpkg.compare("2.3-rc-4", "2.3-rc-10")).isNegative();
  }

  @Test
  void rejectsMalformedVersionsWithTheReason() {
    assertThat(dpkg.isValid("")).isFalse();
    assertThat(dpkg.isValid("a:1.0")).isFalse();
    assertThat(dpkg.isValid("1.0-")).isFalse();
    assertThat(dpkg.isValid("1.0 beta")).isFalse();
    assertThatThrownBy(() -> dpkg.compare("x:1", "1"))
        .isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining("dpkg version 'x:1'")
        .hasMessageContaining("epoch");
  }
}

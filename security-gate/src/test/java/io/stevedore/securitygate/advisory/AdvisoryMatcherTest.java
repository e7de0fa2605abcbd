package io.stevedore.securitygate.advisory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.stevedore.securitygate.image.ImageConfig;
import io.stevedore.securitygate.inventory.Component;
import io.stevedore.securitygate.inventory.Inventory;
import io.stevedore.securitygate.inventory.OsRelease;
import io.stevedore.securitygate.version.VersionScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdvisoryMatcherTest {

  private final AdvisoryMatcher matcher = new AdvisoryMatcher(OsvFixtures.index());

  private static Inventory inventory(OsRelease os, Component... components) {
    return new Inventory(
        "sha256:" + "a".repeat(64),
        os,
        List.of(components),
        new ImageConfig("app", List.of(), Map.of(), Set.of(), "linux", "amd64"),
        List.of());
  }

  private static Component deb(String name, String version, String source, String sourceVersion) {
    return new Component(
        Component.Type.DEB,
        "debian",
        name,
        version,
        source,
        sourceVersion,
        "amd64",
        "var/lib/dpkg/status");
  }

  private static Component maven(String g, String a, String v) {
    return new Component(Component.Type.MAVEN, g, a, v, null, null, null, "app.jar");
  }

  @Test
  void matchesDebianSourcePackageInTheImagesRelease() {
    Inventory inv =
        inventory(
            new OsRelease("debian", "12"),
            deb("libssl3", "3.0.11-1~deb12u2", "openssl", null),
            deb("zlib1g", "1:1.2.13.dfsg-1+b1", "zlib", "1:1.2.13.dfsg-1"));

    List<VulnerabilityMatch> matches = matcher.match(inv, new ArrayList<>());

    assertThat(matches)
        .extracting(
            m -> m.advisory().id(), m -> m.component().name(), VulnerabilityMatch::fixedVersion)
        .containsExactly(tuple("DSA-0001-1", "libssl3", "3.0.13-1~deb12u1"));
  }

  @Test
  void doesNotMatchAnotherReleasesAdvisoryOrAFixedVersion() {
    Inventory bookworm =
        inventory(
            new OsRelease("debian", "12"), deb("libssl3", "3.0.13-1~deb12u1", "openssl", null));
    Inventory bullseye =
        inventory(
            new OsRelease("debian", "11"), deb("libssl3", "1.1.1w-0+deb11u1", "openssl", null));

    assertThat(matcher.match(bookworm, new ArrayList<>())).isEmpty();
    assertThat(matcher.match(bullseye, new ArrayList<>())).isEmpty();
  }

  @Test
  void matchesAlpineOriginWithApkOrdering() {
    Inventory inv =
        inventory(
            new OsRelease("alpine", "3.19.1"),
            new Component(
                Component.Type.APK,
                "alpine",
                "libcrypto3",
                "3.1.4-r4",
                "openssl",
                null,
                "x86_64",
                "lib/apk/db/installed"),
            new Component(
                Component.Type.APK,
                "alpine",
                "musl",
                "1.2.4-r3",
                "musl",
                null,
                "x86_64",
                "lib/apk/db/installed"));

    assertThat(matcher.match(inv, new ArrayList<>()))
        .extracting(m -> m.component().name(), VulnerabilityMatch::fixedVersion)
        .containsExactly(tuple("libcrypto3", "3.1.4-r5"));
  }

  @Test
  void matchesMavenRangesLastAffectedAndListedVersions() {
    Inventory inv =
        inventory(
            OsRelease.UNKNOWN,
            maven("org.apache.logging.log4j", "log4j-core", "2.14.1"),
            maven("org.apache.logging.log4j", "log4j-core", "2.12.2"),
            maven("org.apache.logging.log4j", "log4j-core", "2.0-beta9"),
            maven("com.fasterxml.jackson.core", "jackson-databind", "2.12.6"),
            maven("com.fasterxml.jackson.core", "jackson-databind", "2.13.0"));

    List<VulnerabilityMatch> matches = matcher.match(inv, new ArrayList<>());

    assertThat(matches)
        .extracting(
            m -> m.component().coordinate(),
            m -> m.installedVersion(),
            VulnerabilityMatch::fixedVersion)
        .containsExactlyInAnyOrder(
            tuple("org.apache.logging.log4j:log4j-core", "2.14.1", "2.15.0"),
            tuple("org.apache.logging.log4j:log4j-core", "2.0-beta9", "2.12.2"),
            tuple("com.fasterxml.jackson.core:jackson-databind", "2.12.6", null));
  }

  @Test
  void evaluatesRangesAsTheOsvSchemaPrescribes() {
    Advisory.Affected affected =
        new Advisory.Affected(
            "Debian:12",
            "x",
            "",
            List.of(
                new Advisory.Range(
                    "ECOSYSTEM",
                    List.of(
                        new Advisory.Event(Advisory.Event.Kind.INTRODUCED, "2.0"),
                        new Advisory.Event(Advisory.Event.Kind.FIXED, "2.5"),
                        new Advisory.Event(Advisory.Event.Kind.INTRODUCED, "1.0"),
                        new Advisory.Event(Advisory.Event.Kind.FIXED, "1.5")))),
            List.of());
    VersionScheme dpkg = VersionScheme.dpkg();

    assertThat(AdvisoryMatcher.affects(dpkg, affected, "0.9").affected()).isFalse();
    assertThat(AdvisoryMatcher.affects(dpkg, affected, "1.0").affected()).isTrue();
    assertThat(AdvisoryMatcher.affects(dpkg, affected, "1.4").fixed()).isEqualTo("1.5");
    assertThat(AdvisoryMatcher.affects(dpkg, affected, "1.5").affected()).isFalse();
    assertThat(AdvisoryMatcher.affects(dpkg, affected, "1.5~rc1").affected()).isTrue();
    assertThat(AdvisoryMatcher.affects(dpkg, affected, "2.4").fixed()).isEqualTo("2.5");
    assertThat(AdvisoryMatcher.affects(dpkg, affected, "3.0").affected()).isFalse();
  }
}

package io.stevedore.securitygate.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.securitygate.image.ImageContents;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.ImageReader;
import io.stevedore.securitygate.image.TestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryBuilderTest {

  static final String DPKG_STATUS =
      """
      Package: libssl3
      Status: install ok installed
      Priority: optional
      Architecture: amd64
      Source: openssl
      Version: 3.0.11-1~deb12u2
      Description: Secure Sockets Layer toolkit
       multi-line description
       .
       more

      Package: zlib1g
      Status: install ok installed
      Architecture: amd64
      Source: zlib (1:1.2.13.dfsg-1)
      Version: 1:1.2.13.dfsg-1+b1

      Package: removed-pkg
      Status: deinstall ok config-files
      Version: 1.0-1

      Package: base-files
      Status: install ok installed
      Architecture: amd64
      Version: 12.4+deb12u5
      """;

  static final String APK_INSTALLED =
      """
      C:Q1abc=
      P:musl
      V:1.2.4-r2
      A:x86_64
      o:musl
      T:the musl c library

      C:Q1def=
      P:libcrypto3
      V:3.1.4-r5
      A:x86_64
      o:openssl
      """;

  @TempDir Path tmp;

  private final ImageReader reader = new ImageReader(ImageLimits.defaults());
  private final InventoryBuilder builder = new InventoryBuilder(16L << 20);

  private Inventory inventory(TestImage image) {
    ImageContents contents = reader.read(image.writeOciTar(tmp.resolve("i.tar")), null);
    return builder.build(contents);
  }

  @Test
  void readsInstalledDebianPackagesWithTheirSourcePackage() {
    Inventory inv =
        inventory(
            new TestImage()
                .layer(
                    TestImage.Layer.create()
                        .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
                        .file("var/lib/dpkg/status", DPKG_STATUS)));

    assertThat(inv.os().osvEcosystem()).isEqualTo("Debian:12");
    assertThat(inv.components())
        .extracting(
            Component::name, Component::version, Component::sourceName, Component::sourceVersion)
        .containsExactly(
            tuple("libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2"),
            tuple("zlib1g", "1:1.2.13.dfsg-1+b1", "zlib", "1:1.2.13.dfsg-1"),
            tuple("base-files", "12.4+deb12u5", "base-files", "12.4+deb12u5"));
    assertThat(inv.components().get(0).purl())
        .isEqualTo("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl");
  }

  @Test
  void readsDistrolessStatusDirectory() {
    Inventory inv =
        inventory(
            new TestImage()
                .layer(
                    TestImage.Layer.create()
                        .file(
                            "var/lib/dpkg/status.d/libssl3",
                            "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nSource: openssl\n")
                        .file("var/lib/dpkg/status.d/libssl3.md5sums", "abc  /usr/lib/x.so\n")
                        .file(
                            "var/lib/dpkg/status.d/tzdata",
                            "Package: tzdata\nVersion: 2024a-0+deb12u1\n")));

    assertThat(inv.components())
        .extracting(Component::name, Component::sourceName)
        .containsExactlyInAnyOrder(tuple("libssl3", "openssl"), tuple("tzdata", "tzdata"));
  }

  @Test
  void readsAlpinePackagesWithTheirOrigin() {
    Inventory inv =
        inventory(
            new TestImage()
                .layer(
                    TestImage.Layer.create()
                        .file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
                        .file("lib/apk/db/installed", APK_INSTALLED)));

    assertThat(inv.os().osvEcosystem()).isEqualTo("Alpine:v3.19");
    assertThat(inv.components())
        .extracting(Component::type, Component::name, Component::version, Component::sourceName)
        .containsExactly(
            tuple(Component.Type.APK, "musl", "1.2.4-r2", "musl"),
            tuple(Component.Type.APK, "libcrypto3", "3.1.4-r5", "openssl"));
    assertThat(inv.components().get(1).purl())
        .isEqualTo("pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&origin=openssl");
  }

  @Test
  void readsJarsAndTheJarsNestedInAFatJar() {
    Map<String, byte[]> nested = new LinkedHashMap<>();
    nested.put(
        "BOOT-INF/lib/jackson-databind-2.9.10.jar",
        TestImage.jar("com.fasterxml.jackson.core", "jackson-databind", "2.9.10", Map.of()));
    nested.put("BOOT-INF/lib/legacy.jar", TestImage.manifestOnlyJar("legacy-lib", "0.9"));
    byte[] fat = TestImage.jar("com.example", "app", "1.0.0", nested);
    Inventory inv =
        inventory(
            new TestImage()
                .layer(
                    TestImage.Layer.create()
                        .file("app/app.jar", fat)
                        .file(
                            "opt/lib/log4j-core-2.14.1.jar",
                            TestImage.jar(
                                "org.apache.logging.log4j", "log4j-core", "2.14.1", Map.of()))));

    assertThat(inv.components())
        .extracting(Component::coordinate, Component::version, Component::location)
        .containsExactlyInAnyOrder(
            tuple("com.example:app", "1.0.0", "app/app.jar"),
            tuple(
                "com.fasterxml.jackson.core:jackson-databind",
                "2.9.10",
                "app/app.jar!BOOT-INF/lib/jackson-databind-2.9.10.jar"),
            tuple("legacy-lib", "0.9", "app/app.jar!BOOT-INF/lib/legacy.jar"),
            tuple(
                "org.apache.logging.log4j:log4j-core", "2.14.1", "opt/lib/log4j-core-2.14.1.jar"));
  }

  @Test
  void forgetsPackagesDeletedInALaterLayer() {
    Inventory inv =
        inventory(
            new TestImage()
                .layer(
                    TestImage.Layer.create()
                        .file(
                            "var/lib/dpkg/status.d/libssl3",
                            "Package: libssl3\nVersion: 3.0.11-1\n")
                        .file(
                            "var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0\n"))
                .layer(TestImage.Layer.create().whiteout("var/lib/dpkg/status.d/libssl3")));

    assertThat(inv.components()).extracting(Component::name).containsExactly("tzdata");
  }

  @Test
  void exportsACycloneDxSbomWithAPurlPerComponent() throws Exception {
    Inventory inv =
        inventory(
            new TestImage()
                .layer(
                    TestImage.Layer.create()
                        .file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
                        .file("var/lib/dpkg/status", DPKG_STATUS)
                        .file(
                            "app/a.jar",
                            TestImage.jar(
                                "org.apache.logging.log4j", "log4j-core", "2.14.1", Map.of()))));

    JsonNode sbom = new ObjectMapper().readTree(CycloneDxExporter.toJson(inv));

    assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(sbom.path("specVersion").asText()).isEqualTo("1.6");
    List<String> purls = new ArrayList<>();
    sbom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
    assertThat(purls)
        .contains(
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl",
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
  }
}

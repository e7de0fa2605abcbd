package io.stevedore.securitygate;

import static io.restassured.RestAssured.given;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.securitygate.advisory.OsvFixtures;
import io.stevedore.securitygate.image.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Teams, images, policies and advisories for the service tests. */
public final class Fixtures {

  /** A policy that fails at high, warns at medium and takes unknown severities as high. */
  public static final String POLICY =
      "vulnerabilities: {failAt: high, warnAt: medium, unknownSeverityAs: high}\n";

  public static final String LIBSSL_STATUS =
      "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\n"
          + "Version: 3.0.11-1~deb12u2\n";

  static final RestAssuredConfig TEXT_BODIES =
      RestAssuredConfig.config()
          .encoderConfig(
              EncoderConfig.encoderConfig()
                  .encodeContentTypeAs("application/yaml", ContentType.TEXT)
                  .encodeContentTypeAs("application/x-tar", ContentType.BINARY)
                  .encodeContentTypeAs("application/zip", ContentType.BINARY));

  private Fixtures() {}

  /** A team and its API key. */
  public record Team(String name, String key) {
    public RequestSpecification as() {
      return given().config(TEXT_BODIES).header("Authorization", "Bearer " + key);
    }
  }

  public static Team team(ApiKeys keys, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    keys.createTeam(name);
    return new Team(name, keys.createKey(name, "test").key());
  }

  /** A Debian 12 image running as {@code app}; made unique by a marker file. */
  public static TestImage debian(String dpkgStatus) {
    TestImage.Layer layer =
        TestImage.Layer.create()
            .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .file("etc/test-id", UUID.randomUUID().toString());
    if (dpkgStatus != null) {
      layer.file("var/lib/dpkg/status", dpkgStatus);
    }
    return new TestImage().user("app").layer(layer);
  }

  /** The OSV fixtures of {@code src/test/resources/osv} as one zip. */
  public static byte[] osvZip() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out);
        Stream<Path> files = Files.list(OsvFixtures.directory())) {
      for (Path p : files.sorted().toList()) {
        zip.putNextEntry(new ZipEntry("osv/" + p.getFileName()));
        zip.write(Files.readAllBytes(p));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An OSV record for a Debian 12 source package, fixed in {@code fixed}, critical. */
  public static String debianAdvisory(String id, String sourcePackage, String fixed) {
    return """
        {"id":"%s","modified":"2026-11-20T00:00:00Z","aliases":["CVE-2026-%s"],
         "database_specific":{"severity":"critical"},
         "affected":[{"package":{"ecosystem":"Debian:12","name":"%s"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"%s"}]}]}]}
        """
        .formatted(id, Math.abs(id.hashCode() % 100000), sourcePackage, fixed);
  }
}

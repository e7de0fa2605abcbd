package io.stevedore.securitygate.advisory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class OsvImporterTest {

  private static final Instant T1 = Instant.parse("2026-11-01T12:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-02T12:00:00Z");

  private static String record(String modified, String fixed) {
    return """
        {"id":"DSA-9999-1","modified":"%s","aliases":["CVE-2099-0001"],
         "affected":[{"package":{"ecosystem":"Debian:12","name":"curl"},
           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"%s"}]}]}]}
        """
        .formatted(modified, fixed);
  }

  @Test
  void importsFixtureDirectoryReadingRangesAliasesAndSeverity() throws Exception {
    AdvisoryIndex index = new AdvisoryIndex();
    OsvImporter.Report report =
        new OsvImporter(index, Clock.fixed(T1, ZoneOffset.UTC)).importPath(OsvFixtures.directory());

    assertThat(report.inserted()).isEqualTo(5);
    assertThat(report.problems()).isEmpty();
    assertThat(report.importedAt()).isEqualTo(T1);
    Advisory log4j = index.get("GHSA-jfh8-c2jp-5v3q").orElseThrow();
    assertThat(log4j.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(log4j.score()).isEqualTo(10.0);
    assertThat(log4j.cveIds()).containsExactly("CVE-2021-44228");
    assertThat(log4j.importedAt()).isEqualTo(T1);
    assertThat(log4j.affected().get(0).ranges()).hasSize(2);
    Advisory alpine = index.get("ALPINE-CVE-2024-0727").orElseThrow();
    assertThat(alpine.cveIds()).containsExactly("CVE-2024-0727");
    assertThat(alpine.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(index.get("GHSA-57j2-w4cx-62h2").orElseThrow().severity())
        .isEqualTo(Severity.MEDIUM);
    assertThat(index.get("DSA-0001-1").orElseThrow().severity()).isEqualTo(Severity.UNKNOWN);
    assertThat(index.forPackage("Debian:12", "openssl"))
        .extracting(Advisory::id)
        .containsExactly("DSA-0001-1");
    assertThat(index.forPackage("Debian", "openssl"))
        .extracting(Advisory::id)
        .containsExactly("DSA-0001-1");
  }

  @Test
  void updatesInPlaceOnlyWhenModifiedIsLater() {
    AdvisoryIndex index = new AdvisoryIndex();
    new OsvImporter(index, Clock.fixed(T1, ZoneOffset.UTC))
        .importJson(bytes(record("2026-10-01T00:00:00Z", "8.0-1")), "a.json");
    String v1 = index.dataVersion();

    OsvImporter later = new OsvImporter(index, Clock.fixed(T2, ZoneOffset.UTC));
    OsvImporter.Report same = later.importJson(bytes(record("2026-10-01T00:00:00Z", "9.9-1")), "b");
    assertThat(same.unchanged()).isEqualTo(1);
    assertThat(index.dataVersion()).isEqualTo(v1);
    OsvImporter.Report older = later.importJson(bytes(record("2026-09-01T00:00:00Z", "1-1")), "c");
    assertThat(older.unchanged()).isEqualTo(1);

    OsvImporter.Report newer =
        later.importJson(bytes(record("2026-10-05T00:00:00Z", "8.1-1")), "d");
    assertThat(newer.updated()).isEqualTo(1);
    Advisory a = index.get("DSA-9999-1").orElseThrow();
    assertThat(a.affected().get(0).ranges().get(0).events().get(1).version()).isEqualTo("8.1-1");
    assertThat(a.importedAt()).isEqualTo(T2);
    assertThat(index.size()).isEqualTo(1);
    assertThat(index.dataVersion()).isNotEqualTo(v1);
  }

  @Test
  void importsAZipAndReportsBadRecordsWithoutStopping() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("DSA-9999-1.json"));
      zip.write(bytes(record("2026-10-01T00:00:00Z", "8.0-1")));
      zip.putNextEntry(new ZipEntry("broken.json"));
      zip.write(bytes("{\"id\":\"X-1\"}"));
      zip.putNextEntry(new ZipEntry("notjson.json"));
      zip.write(bytes("{oops"));
      zip.putNextEntry(new ZipEntry("README.txt"));
      zip.write(bytes("ignored"));
    }
    AdvisoryIndex index = new AdvisoryIndex();

    OsvImporter.Report report =
        new OsvImporter(index, Clock.fixed(T1, ZoneOffset.UTC))
            .importZip(new ByteArrayInputStream(out.toByteArray()), "debian.zip");

    assertThat(report.inserted()).isEqualTo(1);
    assertThat(report.problems())
        .hasSize(2)
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("debian.zip!broken.json")
                    .contains("X-1")
                    .contains("modified"))
        .anySatisfy(p -> assertThat(p).contains("debian.zip!notjson.json: not valid JSON"));
  }

  @Test
  void importsAZipFileFromDisk() throws Exception {
    var file = Files.createTempFile("osv", ".zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry("a/DSA-9999-1.json"));
      zip.write(bytes(record("2026-10-01T00:00:00Z", "8.0-1")));
    }
    AdvisoryIndex index = new AdvisoryIndex();
    assertThat(new OsvImporter(index, Clock.systemUTC()).importPath(file).inserted()).isEqualTo(1);
    Files.delete(file);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

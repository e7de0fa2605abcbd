package io.stevedore.securitygate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.securitygate.advisory.OsvFixtures;
import io.stevedore.securitygate.image.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check command: as a child JVM for the exit codes, in-process for the rest. */
class CheckTest {

  private static final String LIBSSL_STATUS =
      "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\n"
          + "Version: 3.0.11-1~deb12u2\n";

  @TempDir Path tmp;

  Path policy;

  @BeforeEach
  void setUp() throws Exception {
    policy =
        Files.writeString(
            tmp.resolve("policy.yaml"),
            "team: ci\nvulnerabilities: {failAt: high, warnAt: medium, unknownSeverityAs: high}\n");
  }

  record Run(int exit, String out, String err) {}

  Run child(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Check.class.getName());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(tmp.resolve("out.txt")),
        Files.readString(tmp.resolve("err.txt")));
  }

  Run inProcess(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Check.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path debian(String status, String name) {
    TestImage.Layer layer =
        TestImage.Layer.create().file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    if (status != null) {
      layer.file("var/lib/dpkg/status", status);
    }
    return new TestImage().user("app").layer(layer).writeOciTar(tmp.resolve(name));
  }

  String advisories() {
    return OsvFixtures.directory().toString();
  }

  @Test
  void failingImageExitsTwoAndNamesTheAdvisory() throws Exception {
    Run run =
        child(
            "--image", debian(LIBSSL_STATUS, "bad.tar").toString(),
            "--policy", policy.toString(),
            "--advisories", advisories());

    assertThat(run.exit()).as(run.err()).isEqualTo(Check.FAIL);
    assertThat(run.out()).startsWith("FAIL sha256:").contains("DSA-0001-1", "3.0.13-1~deb12u1");
  }

  @Test
  void passingImageExitsZero() throws Exception {
    Run run =
        child(
            "--image", debian(null, "good.tar").toString(),
            "--policy", policy.toString(),
            "--advisories", advisories());

    assertThat(run.exit()).as(run.err()).isEqualTo(Check.PASS);
    assertThat(run.out()).startsWith("PASS sha256:");
  }

  @Test
  void unreadableImageExitsThree() throws Exception {
    Path junk = Files.writeString(tmp.resolve("junk.tar"), "not a tar");
    Run run =
        child(
            "--image", junk.toString(),
            "--policy", policy.toString(),
            "--advisories", advisories());

    assertThat(run.exit()).isEqualTo(Check.ERROR);
    assertThat(run.err()).contains("cannot be read");
  }

  @Test
  void warningImageExitsOneAndJsonOutputHasTheVerdict() {
    Path alpine =
        new TestImage()
            .user("nobody")
            .layer(
                TestImage.Layer.create()
                    .file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
                    .file(
                        "lib/apk/db/installed", "P:libcrypto3\nV:3.1.4-r4\nA:x86_64\no:openssl\n"))
            .writeOciTar(tmp.resolve("alpine.tar"));

    Run run =
        inProcess(
            "--image",
            alpine.toString(),
            "--policy",
            policy.toString(),
            "--advisories",
            advisories(),
            "--json");

    assertThat(run.exit()).as(run.err()).isEqualTo(Check.WARN);
    assertThat(run.out()).contains("\"status\" : \"WARN\"", "ALPINE-CVE-2024-0727");
  }

  @Test
  void missingArgumentsOrBadPolicyExitThree() throws Exception {
    assertThat(inProcess("--image", "x.tar").exit()).isEqualTo(Check.ERROR);
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "vulnerabilities: {failAt: severe}\n");
    Run run =
        inProcess(
            "--image", debian(null, "i.tar").toString(),
            "--policy", bad.toString(),
            "--advisories", advisories());
    assertThat(run.exit()).isEqualTo(Check.ERROR);
    assertThat(run.err()).contains("vulnerabilities.failAt", "team: required");
  }
}

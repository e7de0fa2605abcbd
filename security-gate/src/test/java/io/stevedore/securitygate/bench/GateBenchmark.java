package io.stevedore.securitygate.bench;

import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.OsvImporter;
import io.stevedore.securitygate.image.ImageLimits;
import io.stevedore.securitygate.image.TestImage;
import io.stevedore.securitygate.policy.Policy;
import io.stevedore.securitygate.policy.PolicyParser;
import io.stevedore.securitygate.registry.RegistryClient;
import io.stevedore.securitygate.registry.RegistryReference;
import io.stevedore.securitygate.registry.TestRegistry;
import io.stevedore.securitygate.verdict.SecurityGate;
import io.stevedore.securitygate.verdict.VerdictCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Not a test (surefire excludes {@code bench/}; see the module README for the command and the
 * figures): times a verdict for an image of 500 OS packages and 50 jars across 5 layers against
 * 10,000 imported advisories, cold (read, inventory, match, policy) and cached. Run with the test
 * classpath: {@code java -cp target/test-classes:target/classes:<deps>
 * io.stevedore.securitygate.bench.GateBenchmark}.
 */
public final class GateBenchmark {

  private GateBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("gate-bench");
    TestImage image = new TestImage().user("app");
    StringBuilder status = new StringBuilder();
    for (int p = 0; p < 500; p++) {
      status
          .append("Package: pkg")
          .append(p)
          .append("\nStatus: install ok installed\n")
          .append("Architecture: amd64\nSource: src")
          .append(p % 250)
          .append("\nVersion: 1.")
          .append(p % 7)
          .append(".0-1\n\n");
    }
    int jar = 0;
    for (int layer = 0; layer < 5; layer++) {
      TestImage.Layer l = TestImage.Layer.create();
      if (layer == 0) {
        l.file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
      }
      if (layer == 2) {
        l.file("var/lib/dpkg/status", status.toString());
      }
      for (int j = 0; j < 10; j++, jar++) {
        l.file(
            "app/lib/lib" + jar + ".jar",
            TestImage.jar(
                "com.example.g" + (jar % 5), "lib" + jar, "2." + (jar % 4) + ".0", Map.of()));
      }
      for (int f = 0; f < 20; f++) {
        l.file("usr/share/doc/pkg" + layer + "/file" + f + ".txt", "x".repeat(2048));
      }
      image.layer(l);
    }
    Path tar = image.writeOciTar(dir.resolve("image.tar"));
    AdvisoryIndex index = new AdvisoryIndex();
    StringBuilder json = new StringBuilder("[");
    for (int a = 0; a < 10_000; a++) {
      boolean maven = a % 5 == 0;
      String eco = maven ? "Maven" : "Debian:12";
      String name = maven ? "com.example.g" + (a % 5) + ":lib" + (a % 50) : "src" + (a % 400);
      String fixed = maven ? "2." + (a % 6) + ".0" : "1." + (a % 9) + ".0-1";
      if (a > 0) {
        json.append(',');
      }
      json.append("{\"id\":\"ADV-")
          .append(a)
          .append("\",\"modified\":\"2026-01-01T00:00:00Z\",")
          .append("\"aliases\":[\"CVE-2026-")
          .append(10000 + a)
          .append("\"],")
          .append(
              "\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],")
          .append("\"affected\":[{\"package\":{\"ecosystem\":\"")
          .append(eco)
          .append("\",\"name\":\"")
          .append(name)
          .append(
              "\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"")
          .append(fixed)
          .append("\"}]}]}]}");
    }
    json.append(']');
    long t0 = System.nanoTime();
    OsvImporter.Report report =
        new OsvImporter(index, Clock.systemUTC())
            .importJson(json.toString().getBytes(StandardCharsets.UTF_8), "bench.json");
    long importMs = (System.nanoTime() - t0) / 1_000_000;
    Policy policy = PolicyParser.parse("team: bench\nvulnerabilities: {failAt: critical}\n");

    VerdictCache cache = new VerdictCache(1000);
    SecurityGate gate = new SecurityGate(ImageLimits.defaults(), index, cache, Clock.systemUTC());
    long c0 = System.nanoTime();
    SecurityGate.Result cold = gate.evaluate(tar, image.manifestDigest(), null, policy);
    long coldMs = (System.nanoTime() - c0) / 1_000_000;
    long w0 = System.nanoTime();
    SecurityGate.Result warm = gate.evaluate(tar, image.manifestDigest(), null, policy);
    long warmUs = (System.nanoTime() - w0) / 1_000;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      SecurityGate fresh =
          new SecurityGate(ImageLimits.defaults(), index, new VerdictCache(10), Clock.systemUTC());
      long s = System.nanoTime();
      fresh.evaluate(tar, image.manifestDigest(), null, policy);
      best = Math.min(best, (System.nanoTime() - s) / 1_000_000);
    }
    System.out.printf(
        "image: %d bytes, %d components; advisories: %d imported in %d ms%n",
        Files.size(tar), cold.inventory().components().size(), report.inserted(), importMs);
    System.out.printf(
        "cold verdict (first in JVM): %d ms, %s with %d findings%n",
        coldMs, cold.verdict().status(), cold.verdict().findings().size());
    System.out.printf("uncached verdict, JIT warm (best of 5): %d ms%n", best);
    System.out.printf("cached verdict: %d us (cached=%s)%n", warmUs, warm.cached());

    // the same image from a registry served in this JVM (token auth, verified streaming pull)
    try (TestRegistry registry = new TestRegistry()) {
      String digest = registry.push("bench/app", "1", image);
      long bestPull = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        RegistryClient client =
            new RegistryClient(
                ImageLimits.defaults(),
                RegistryClient.Settings.defaults(),
                r -> java.util.Optional.empty(),
                Clock.systemUTC());
        Path pulled = dir.resolve("pull-" + i);
        long p0 = System.nanoTime();
        RegistryReference ref = RegistryReference.parse(registry.registry() + "/bench/app:1");
        RegistryClient.Resolution r = client.resolve(ref);
        client.pull(ref, r.digest(), null, pulled);
        long pullMs = (System.nanoTime() - p0) / 1_000_000;
        SecurityGate fresh =
            new SecurityGate(
                ImageLimits.defaults(), index, new VerdictCache(10), Clock.systemUTC());
        fresh.evaluateUncached(pulled, digest, ref.toString(), policy);
        long totalMs = (System.nanoTime() - p0) / 1_000_000;
        bestPull = Math.min(bestPull, totalMs);
        System.out.printf("registry: resolve + pull %d ms, to a verdict %d ms%n", pullMs, totalMs);
      }
      System.out.printf("registry image to a verdict (best of 3): %d ms%n", bestPull);
    }
  }
}

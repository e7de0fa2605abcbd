package io.stevedore.testing;

import io.stevedore.localstack.Servers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One embedded server (Postgres, ElasticMQ or S3Proxy) in a child JVM, started at most once per
 * test JVM and stopped when the test JVM exits (the child exits when its stdin closes, so even a
 * killed test JVM leaves nothing behind).
 */
public final class ChildServer {

  /**
   * System property with the child JVMs' options, replacing the tests' (see {@link #jvmOptions}).
   */
  public static final String JVM_OPTIONS = "stevedore.child-server.jvm-options";

  private static final Map<String, ChildServer> STARTED = new ConcurrentHashMap<>();

  private final Process process;
  private final Properties ready;

  private ChildServer(Process process, Properties ready) {
    this.process = process;
    this.ready = ready;
  }

  /** The server of this kind ({@code pg}, {@code sqs}, {@code s3}), started on first use. */
  public static ChildServer get(String kind) {
    return STARTED.computeIfAbsent(kind, ChildServer::start);
  }

  /** A value from the server's ready file, such as {@code pg.port}. */
  public String property(String key) {
    return ready.getProperty(key);
  }

  public int port() {
    return Integer.parseInt(ready.getProperty(kindOf() + ".port"));
  }

  private String kindOf() {
    return ready.stringPropertyNames().stream()
        .filter(k -> k.endsWith(".port"))
        .findFirst()
        .map(k -> k.substring(0, k.indexOf('.')))
        .orElseThrow();
  }

  public long pid() {
    return process.pid();
  }

  private static ChildServer start(String kind) {
    try {
      Path dir = Files.createTempDirectory("stevedore-test-" + kind + "-");
      Path readyFile = dir.resolve("ready.properties");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions());
      command.addAll(
          List.of(
              "-cp",
              classpath(),
              Servers.class.getName(),
              "--only",
              kind,
              "--data-dir",
              dir.resolve("data").toString(),
              "--ready-file",
              readyFile.toString(),
              "--exit-on-stdin-close"));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.exists(readyFile)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "embedded "
                  + kind
                  + " server exited with "
                  + process.exitValue()
                  + ": "
                  + Files.readString(dir.resolve("server.log")));
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("embedded " + kind + " server did not start in 90 s");
        }
        process.waitFor(20, TimeUnit.MILLISECONDS);
      }
      Properties ready = new Properties();
      try (InputStream in = Files.newInputStream(readyFile)) {
        ready.load(in);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      process.getOutputStream().close();
                      if (!process.waitFor(20, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                      }
                    } catch (IOException | InterruptedException e) {
                      process.destroyForcibly();
                    }
                  },
                  "stop-embedded-" + kind));
      return new ChildServer(process, ready);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The child JVM's options: for tests, a quick start and a small footprint (C1 only, serial GC); a
   * benchmark, in which the server stands in for a managed service and shares the cores with what
   * is measured, sets {@value #JVM_OPTIONS} (space-separated) before the first {@link #get}, to
   * give it the full JIT.
   */
  static List<String> jvmOptions() {
    String given = System.getProperty(JVM_OPTIONS);
    if (given != null && !given.isBlank()) {
      return List.of(given.trim().split("\\s+"));
    }
    return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
  }

  /** The launcher's own location plus the dependency list written into it at build time. */
  static String classpath() throws IOException {
    try {
      Path self =
          Path.of(Servers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      String deps;
      try (InputStream in = Servers.class.getResourceAsStream("server.classpath")) {
        if (in == null) {
          throw new IllegalStateException(
              "server.classpath missing from stevedore-local-stack; build it with Maven");
        }
        deps = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      return self + java.io.File.pathSeparator + deps;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.stevedore.worker.stream;

import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged worker ({@code target/quarkus-app/quarkus-run.jar}) started as a child process in
 * stream mode, against the test's ElasticMQ, embedded Postgres and (when given) moto.
 *
 * <p>It is started with {@code quarkus.picocli.top-command} set to {@link StreamCommand}, so it
 * runs stream mode whether or not {@code WorkerCommand} lists {@code stream} yet; the arguments are
 * the same as after {@code etl-worker stream}.
 */
final class StreamWorkerProcess {

  private static final AtomicInteger RUNS = new AtomicInteger();

  final Process process;
  final Path stdout;
  final Path stderr;

  private StreamWorkerProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static StreamWorkerProcess start(String kinesisEndpoint, Map<String, String> env, String... args)
      throws IOException {
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: package the worker first (verify does)");
    }
    Path dir = Files.createDirectories(Path.of("target", "stream-it").toAbsolutePath());
    int n = RUNS.incrementAndGet();
    Path out = dir.resolve("run-" + n + ".out");
    Path err = dir.resolve("run-" + n + ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx384m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Dquarkus.picocli.top-command=" + StreamCommand.class.getName(),
            "-Dquarkus.sqs.endpoint-override=" + SqsResource.endpoint(),
            "-Dquarkus.sqs.aws.credentials.static-provider.access-key-id=" + SqsResource.ACCESS_KEY,
            "-Dquarkus.sqs.aws.credentials.static-provider.secret-access-key="
                + SqsResource.SECRET_KEY));
    if (kinesisEndpoint != null) {
      command.add("-Dstevedore.stream.kinesis.endpoint-override=" + kinesisEndpoint);
      command.add("-Dstevedore.stream.kinesis.access-key-id=test");
      command.add("-Dstevedore.stream.kinesis.secret-access-key=test");
      // moto answers Kinesis in JSON only
      command.add("-Dstevedore.stream.kinesis.cbor-enabled=false");
    }
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("STEVEDORE_"));
    environment.put("STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_URL", PostgresResource.jdbcUrl());
    environment.put("STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_USER", PostgresResource.USER);
    environment.put("STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_PASSWORD", PostgresResource.PASSWORD);
    environment.putAll(env);
    return new StreamWorkerProcess(builder.start(), out, err);
  }

  /** The JSON lines the worker printed, one per committed batch. */
  List<String> batchLines() throws IOException {
    return Files.readAllLines(stdout, StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains("\"event\":\"stream-batch\""))
        .toList();
  }

  String errors() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Waits for the exit; returns the exit code. */
  int awaitExit(long seconds) throws InterruptedException, IOException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "the stream worker did not exit within " + seconds + " s; stderr: " + errors());
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crashed container. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM, as ECS stops a task. */
  void terminate() {
    process.destroy();
  }
}

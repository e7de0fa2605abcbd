package io.stevedore.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs the packaged worker ({@code target/quarkus-app/quarkus-run.jar}) as a child process, the way
 * the orchestrator's local launcher does: {@code java -jar ... <type>} with the stage in the
 * environment, pointed at the test's S3Proxy, ElasticMQ and embedded Postgres.
 */
final class WorkerProcess {

  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  /** How a run ended. */
  record Result(int exitCode, String stdout, String stderr) {}

  private WorkerProcess() {}

  /** The environment that connects a worker to the test's servers (no stage yet). */
  static Map<String, String> serversEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("QUARKUS_S3_ENDPOINT_OVERRIDE", S3Resource.endpoint());
    env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", S3Resource.ACCESS_KEY);
    env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", S3Resource.SECRET_KEY);
    env.put("QUARKUS_SQS_ENDPOINT_OVERRIDE", SqsResource.endpoint());
    env.put("QUARKUS_SQS_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", SqsResource.ACCESS_KEY);
    env.put(
        "QUARKUS_SQS_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", SqsResource.SECRET_KEY);
    env.put("STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_URL", PostgresResource.jdbcUrl());
    env.put("STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_USER", PostgresResource.USER);
    env.put("STEVEDORE_WORKER_CONNECTIONS_WAREHOUSE_PASSWORD", PostgresResource.PASSWORD);
    return env;
  }

  /** Runs {@code etl-worker <args>} with {@code env} added to the servers' environment. */
  static Result run(Map<String, String> env, String... args) {
    assertThat(JAR).as("the packaged worker (run through failsafe, after package)").exists();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("STEVEDORE_"));
    pb.environment().putAll(serversEnv());
    pb.environment().putAll(env);
    try {
      Path out = Files.createTempFile("worker-out", ".txt");
      Path err = Files.createTempFile("worker-err", ".txt");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the worker did not finish in 180 s: " + command);
      }
      Result r =
          new Result(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot run the worker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static S3Client s3() {
    return S3Client.builder()
        .endpointOverride(URI.create(S3Resource.endpoint()))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3Resource.ACCESS_KEY, S3Resource.SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  static SqsClient sqs() {
    return SqsClient.builder()
        .endpointOverride(URI.create(SqsResource.endpoint()))
        .region(Region.of(SqsResource.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(SqsResource.ACCESS_KEY, SqsResource.SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}

package io.stevedore.bench.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.localstack.Servers;
import io.stevedore.testing.ChildServer;
import io.stevedore.testing.SharedData;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The transform of the full flights-3m file joined with the airports (the ARCHITECTURE.md example,
 * average delay per state and day), two ways in the same run:
 *
 * <ul>
 *   <li><b>worker</b>: the packaged etl-worker as the local launcher starts it ({@code java -jar
 *       quarkus-run.jar transform} with the stage in the environment): JVM and Quarkus start, both
 *       inputs downloaded from S3Proxy, the SQL, the Parquet output uploaded. Timed from process
 *       start to exit; its own {@code durationMs} (from its RESULT line) is printed too.
 *   <li><b>direct</b>: the same SQL in DuckDB over JDBC in this JVM, on the same local files, into
 *       a Parquet file (zstd), a fresh in-memory database per round.
 * </ul>
 *
 * Each way: one warm-up, then {@code --rounds} rounds (default 5); the medians and their ratio.
 */
public final class TransformBench {

  static final String SQL =
      "select a.state, date_trunc('day', f.date) as day, avg(f.delay) as avg_delay,"
          + " count(*) as flights from flights f join airports a on a.iata = f.origin group by all";

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("--direct-child")) {
      // One cold DuckDB: a fresh JVM that loads DuckDB and runs the SQL once, as a DuckDB CLI
      // process would; prints its own elapsed time since the JVM started.
      runDirect(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
      System.out.println(java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
      return;
    }
    int rounds = 5;
    Path jar = null;
    List<String> workerJvm =
        new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--worker-jar" -> jar = Path.of(args[++i]);
        case "--worker-jvm" -> workerJvm = List.of(args[++i].split(","));
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; use --rounds N --worker-jar PATH --worker-jvm a,b");
      }
    }
    if (jar == null) {
      jar = findWorkerJar();
    }
    Path flights = SharedData.file("flights-3m.parquet");
    Path dir = Files.createTempDirectory("bench-worker-");
    Path airports = dir.resolve("airports.parquet");
    duckdb(
        "COPY (SELECT * FROM read_csv("
            + literal(SharedData.file("airports.csv"))
            + ")) TO "
            + literal(airports)
            + " (FORMAT parquet, COMPRESSION zstd)");

    String endpoint = "http://127.0.0.1:" + ChildServer.get("s3").port();
    UUID run = UUID.randomUUID();
    try (S3Client s3 = s3(endpoint)) {
      try {
        s3.createBucket(b -> b.bucket("stevedore-stages"));
      } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
        // exists
      }
      put(s3, "runs/" + run + "/extract-flights/data.parquet", flights);
      put(s3, "runs/" + run + "/extract-airports/data.parquet", airports);
    }

    System.out.printf(
        Locale.ROOT,
        "transform: flights-3m (%,d bytes) x airports, avg delay per state and day; %d rounds +"
            + " 1 warm-up each; %d cores%n",
        Files.size(flights),
        rounds,
        Runtime.getRuntime().availableProcessors());
    List<Double> worker = new ArrayList<>();
    List<Double> workerOwn = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    for (int r = 0; r <= rounds; r++) {
      double[] w = runWorker(jar, workerJvm, endpoint, run, r);
      double d = runDirect(flights, airports, dir.resolve("direct-" + r + ".parquet"));
      double c = runDirectProcess(flights, airports, dir.resolve("cold-" + r + ".parquet"));
      if (r == 0) {
        System.out.printf(
            Locale.ROOT,
            "warm-up: worker %.0f ms, direct %.0f ms, direct cold process %.0f ms%n",
            w[0],
            d,
            c);
        continue;
      }
      worker.add(w[0]);
      workerOwn.add(w[1]);
      direct.add(d);
      cold.add(c);
      System.out.printf(
          Locale.ROOT,
          "round %d: worker %.0f ms (its own durationMs %.0f), direct %.0f ms, direct cold"
              + " process %.0f ms%n",
          r,
          w[0],
          w[1],
          d,
          c);
    }
    double mw = median(worker);
    double mo = median(workerOwn);
    double md = median(direct);
    double mc = median(cold);
    System.out.printf(
        Locale.ROOT,
        "median: worker %.0f ms (process), %.0f ms (durationMs); direct DuckDB %.0f ms (warm, in"
            + " this JVM), %.0f ms (a cold process: JVM start, DuckDB loaded, the SQL)%n",
        mw,
        mo,
        md,
        mc);
    System.out.printf(Locale.ROOT, "worker process / cold DuckDB process = %.2f%n", mw / mc);
    System.out.printf(
        Locale.ROOT,
        "worker time / direct time = %.2f (process), %.2f (durationMs); goal <= 1.3%n",
        mw / md,
        mo / md);
  }

  /** One worker process; returns {process wall ms, the worker's own durationMs}. */
  private static double[] runWorker(
      Path jar, List<String> jvm, String endpoint, UUID run, int round) throws Exception {
    ObjectNode stage = JSON.createObjectNode();
    String id = "delays-by-state-" + round;
    stage.put("id", id);
    stage.put("type", "transform");
    stage.putArray("dependsOn").add("extract-flights").add("extract-airports");
    stage.put("sql", SQL);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar.toString(), "transform"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("STEVEDORE_"));
    pb.environment().put("QUARKUS_S3_ENDPOINT_OVERRIDE", endpoint);
    pb.environment()
        .put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", Servers.LOCAL_ACCESS_KEY);
    pb.environment()
        .put(
            "QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY",
            Servers.LOCAL_SECRET_KEY);
    pb.environment().put("STEVEDORE_STAGE_SPEC", stage.toString());
    pb.environment().put("STEVEDORE_RUN_ID", run.toString());
    pb.environment().put("STEVEDORE_STAGE_ID", id);
    pb.environment().put("STEVEDORE_LOGICAL_DATE", "2001-01-01");
    pb.environment().put("STEVEDORE_INPUTS", "{}");
    Path out = Files.createTempFile("bench-worker-out", ".txt");
    Path err = Files.createTempFile("bench-worker-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    long start = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the worker did not finish in 10 minutes");
    }
    double wall = (System.nanoTime() - start) / 1e6;
    String stdout = Files.readString(out, StandardCharsets.UTF_8).strip();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("the worker exited with " + p.exitValue() + ": " + stderr);
    }
    JsonNode result = JSON.readTree(stdout).path("result");
    if (result.path("rowsIn").asLong() < 3_000_000) {
      throw new IllegalStateException("the worker read fewer rows than expected: " + stdout);
    }
    return new double[] {wall, result.path("durationMs").asDouble()};
  }

  /**
   * The same SQL in a fresh JVM (this class with {@code --direct-child}): JVM start, DuckDB's
   * library unpacked and loaded, the query, the Parquet file; the process's wall time.
   */
  private static double runDirectProcess(Path flights, Path airports, Path out) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            TransformBench.class.getName(),
            "--direct-child",
            flights.toString(),
            airports.toString(),
            out.toString());
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("the direct DuckDB process failed: " + output);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static double runDirect(Path flights, Path airports, Path out) throws SQLException {
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("CREATE VIEW flights AS SELECT * FROM read_parquet(" + literal(flights) + ")");
      s.execute("CREATE VIEW airports AS SELECT * FROM read_parquet(" + literal(airports) + ")");
      s.execute("COPY (" + SQL + ") TO " + literal(out) + " (FORMAT parquet, COMPRESSION zstd)");
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM read_parquet(" + literal(out) + ")")) {
        rs.next();
      }
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static void duckdb(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static S3Client s3(String endpoint) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(Servers.LOCAL_ACCESS_KEY, Servers.LOCAL_SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static void put(S3Client s3, String key, Path file) {
    s3.putObject(b -> b.bucket("stevedore-stages").key(key), RequestBody.fromFile(file));
  }

  private static Path findWorkerJar() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path jar = p.resolve("etl-worker/target/quarkus-app/quarkus-run.jar");
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException(
        "etl-worker/target/quarkus-app/quarkus-run.jar not found above the working directory:"
            + " build it (./mvnw -B -q -pl etl-worker -am package -DskipTests) or pass"
            + " --worker-jar");
  }

  private static String literal(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private TransformBench() {}

  static {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}

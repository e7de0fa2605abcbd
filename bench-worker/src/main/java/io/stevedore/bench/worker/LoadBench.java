package io.stevedore.bench.worker;

import io.stevedore.worker.load.LoadIdentity;
import io.stevedore.worker.load.LoadOutcome;
import io.stevedore.worker.load.LoadTarget;
import io.stevedore.worker.load.Loads;
import io.stevedore.worker.load.WorkerConnections;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Load of the flights into Postgres with {@code merge} through the worker's {@link Loads}, against
 * {@code psql \copy} of the same rows (the same CSV DuckDB writes) into a plain table, on one
 * embedded Postgres, in the same run. Prints rows/s of each and their ratio.
 *
 * <pre>
 * LoadBench [--flights path/flights-3m.parquet] [--rows N] [--rounds 3] [--psql /usr/bin/psql]
 * </pre>
 */
public final class LoadBench {

  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    Path flights =
        Path.of(
            options.getOrDefault(
                "flights", defaultData().resolve("flights-3m.parquet").toString()));
    long limit = Long.parseLong(options.getOrDefault("rows", "0"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    String psql = options.getOrDefault("psql", "/usr/bin/psql");

    Path work = Files.createTempDirectory("stevedore-load-bench-");
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(work.resolve("pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .start();
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
      Loads loads = new Loads(connections(url), null);
      try (Statement s = duck.createStatement()) {
        s.execute(
            "CREATE TABLE input AS SELECT row_number() OVER () AS id, * FROM read_parquet('"
                + flights.toString().replace("'", "''")
                + "')"
                + (limit > 0 ? " LIMIT " + limit : ""));
      }
      long rows = count(duck, "SELECT count(*) FROM input");
      try (Statement s = duck.createStatement()) {
        s.execute("CREATE TABLE changed AS SELECT * REPLACE (delay + 1 AS delay) FROM input");
      }
      Path csv = work.resolve("flights.csv");
      try (Statement s = duck.createStatement()) {
        s.execute("COPY input TO '" + csv + "' (FORMAT csv, HEADER false)");
      }
      System.out.printf(
          Locale.ROOT,
          "LoadBench: %,d rows (%s, %,d bytes as CSV), %d rounds, Postgres %s on 127.0.0.1:%d%n",
          rows,
          flights.getFileName(),
          Files.size(csv),
          rounds,
          version(url),
          pg.getPort());
      execute(url, "CREATE SCHEMA bench");

      List<Double> copyRates = new ArrayList<>();
      List<Double> mergeRates = new ArrayList<>();
      List<Double> remergeRates = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        execute(url, "DROP TABLE IF EXISTS bench.copied, bench.merged");
        execute(
            url,
            "CREATE TABLE bench.copied (id bigint, date timestamp, delay bigint, distance bigint,"
                + " origin text, destination text)");
        double copy;
        double merge;
        if (round % 2 == 1) {
          copy = psqlCopy(psql, pg.getPort(), csv, url, rows);
          merge = merge(loads, duck, "input", url, rows);
        } else {
          merge = merge(loads, duck, "input", url, rows);
          copy = psqlCopy(psql, pg.getPort(), csv, url, rows);
        }
        double remerge = merge(loads, duck, "changed", url, rows);
        copyRates.add(copy);
        mergeRates.add(merge);
        remergeRates.add(remerge);
        System.out.printf(
            Locale.ROOT,
            "round %d: psql \\copy %,.0f rows/s | merge (new table) %,.0f rows/s, ratio %.2f |"
                + " merge of every row changed %,.0f rows/s, ratio %.2f%n",
            round,
            copy,
            merge,
            merge / copy,
            remerge,
            remerge / copy);
      }
      double copy = median(copyRates);
      double merge = median(mergeRates);
      double remerge = median(remergeRates);
      System.out.printf(
          Locale.ROOT,
          "median: psql \\copy %,.0f rows/s; Loads merge into a new table %,.0f rows/s (ratio"
              + " %.2f); Loads merge with every row changed %,.0f rows/s (ratio %.2f); goal >= 0.5%n",
          copy,
          merge,
          merge / copy,
          remerge,
          remerge / copy);
    } finally {
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double merge(Loads loads, Connection duck, String relation, String url, long rows)
      throws Exception {
    execute(url, "CHECKPOINT");
    LoadTarget target =
        new LoadTarget(
            LoadTarget.Kind.POSTGRES,
            "bench.merged",
            null,
            LoadTarget.Mode.MERGE,
            List.of("id"),
            null,
            true,
            null);
    long start = System.nanoTime();
    LoadOutcome outcome =
        loads.load(duck, relation, target, new LoadIdentity(UUID.randomUUID(), "bench", null, 1));
    double seconds = (System.nanoTime() - start) / 1e9;
    check(outcome.rows() == rows, "merge wrote " + outcome.rows() + " rows, not " + rows);
    check(count(url, "SELECT count(*) FROM bench.merged") == rows, "bench.merged lacks rows");
    return rows / seconds;
  }

  private static double psqlCopy(String psql, int port, Path csv, String url, long rows)
      throws Exception {
    execute(url, "CHECKPOINT");
    ProcessBuilder pb =
        new ProcessBuilder(
                psql,
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-c",
                "\\copy bench.copied FROM '" + csv + "' WITH (FORMAT csv)")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    long start = System.nanoTime();
    int exit = pb.start().waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    check(exit == 0, "psql exited with " + exit);
    check(count(url, "SELECT count(*) FROM bench.copied") == rows, "bench.copied lacks rows");
    return rows / seconds;
  }

  private static WorkerConnections connections(String url) {
    WorkerConnections.Connection warehouse =
        new WorkerConnections.Connection() {
          @Override
          public String url() {
            return url;
          }

          @Override
          public Optional<String> user() {
            return Optional.of("postgres");
          }

          @Override
          public Optional<String> password() {
            return Optional.empty();
          }
        };
    return () -> Map.of(Loads.DEFAULT_CONNECTION, warehouse);
  }

  private static void execute(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
      return count(c, sql);
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String version(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length % 2 == 1
        ? sorted[sorted.length / 2]
        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  private static Path defaultData() {
    String env = System.getenv("STEVEDORE_SHARED_DATA");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("shared/data"))) {
        return p.resolve("shared/data");
      }
    }
    return Path.of("/work/shared/data");
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: LoadBench [--flights file] [--rows N] [--rounds R] [--psql path], got "
                + Arrays.toString(args));
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}

package io.stevedore.bench.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBDriver;

/**
 * The validation benchmark of issue 6: the same 16 checks over the same Parquet file through (1)
 * validation-service's engine ({@link EngineRun}; as the service runs it, keeping 20 failing rows
 * per failed check, and as {@code engine-nosamples} with sampling off), (2) Amazon Deequ on Spark
 * in {@code local[2]} ({@code DeequRun} in bench-quality/deequ) and (3) one hand-written DuckDB
 * query ({@link FloorRun}), each in a child JVM of its own so that its peak memory is its own.
 * Prints seconds, rows/s, peak memory per system and file, the ratios against the goal (engine at
 * least 5x faster than Deequ, within 1.25x of the floor), and the failing rows of every check side
 * by side; exits 1 when the three disagree on a failing-row count or a verdict.
 *
 * <p>Run from the project root, after {@code ./mvnw -B -q -Pbench -pl
 * bench-quality,bench-quality/deequ -am package -DskipTests}:
 *
 * <pre>
 * java -cp bench-quality/target/classes:$(cat bench-quality/target/engine.classpath) \
 *   io.stevedore.bench.quality.QualityBench [--sizes 3m,10m] [--rounds 3] [--systems engine,engine-nosamples,floor,deequ]
 * </pre>
 *
 * Sizes: {@code 3m} is the shared flights file as it is; {@code 10m} and {@code 300k} are written
 * once under {@code bench-quality/target/data} ({@code 10m}: the 3M rows three times, shifted by 0,
 * 1 and 2 years, plus the first million shifted by 3 years; {@code 300k}: the first 300,000 rows,
 * for development).
 */
public final class QualityBench {

  /** Java 17 opens Spark needs (the list spark-submit passes since Spark 3.3). */
  static final List<String> SPARK_OPENS =
      List.of(
          "java.base/java.lang",
          "java.base/java.lang.invoke",
          "java.base/java.lang.reflect",
          "java.base/java.io",
          "java.base/java.net",
          "java.base/java.nio",
          "java.base/java.util",
          "java.base/java.util.concurrent",
          "java.base/java.util.concurrent.atomic",
          "java.base/sun.nio.ch",
          "java.base/sun.nio.cs",
          "java.base/sun.security.action",
          "java.base/sun.util.calendar");

  record Outcome(
      String system,
      double start,
      List<Double> rounds,
      List<Double> cpus,
      double process,
      long rssKb,
      long heapBytes,
      Map<String, String[]> checks,
      List<String> notes) {

    double first() {
      return rounds.get(0);
    }

    /** The best round after the first (the first when there is one round): wall seconds. */
    double warm() {
      return best(rounds);
    }

    /** The least CPU time of a round after the first: seconds of all the process's threads. */
    double warmCpu() {
      return best(cpus);
    }

    private static double best(List<Double> xs) {
      return xs.size() == 1
          ? xs.get(0)
          : xs.subList(1, xs.size()).stream().mapToDouble(d -> d).min().orElseThrow();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("sizes", "3m,10m");
    opts.put("rounds", "3");
    opts.put("systems", "engine,engine-nosamples,floor,deequ");
    opts.put("flights", "../shared/data/flights-3m.parquet");
    opts.put("sample-size", "20");
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--") || !opts.containsKey(args[i].substring(2))) {
        throw new IllegalArgumentException(
            "unknown option " + args[i] + "; known: " + opts.keySet());
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    Path root = Path.of("").toAbsolutePath();
    Path flights = root.resolve(opts.get("flights")).normalize();
    Path data = root.resolve("bench-quality/target/data");
    Path logs = root.resolve("bench-quality/target/logs");
    Files.createDirectories(data);
    Files.createDirectories(logs);
    int rounds = Integer.parseInt(opts.get("rounds"));
    List<String> systems = List.of(opts.get("systems").split(","));

    System.out.printf(
        "# validation benchmark, %s, %d cores, Java %s, load average %s%n",
        java.time.Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        loadAverage());
    boolean agree = true;
    for (String size : opts.get("sizes").split(",")) {
      Path file = prepare(size, flights, data);
      long rows = rows(file);
      System.out.printf(
          "%n## %s: %s, %,d rows, %,d bytes; %d rounds each%n",
          size, root.relativize(file), rows, Files.size(file), rounds);
      Map<String, Outcome> outcomes = new LinkedHashMap<>();
      for (String system : systems) {
        outcomes.put(
            system, runChild(system, file, rounds, opts.get("sample-size"), root, logs, size));
      }
      printTimes(outcomes, rows);
      agree &= printAgreement(outcomes);
      System.out.printf("load average after %s: %s%n", size, loadAverage());
    }
    System.exit(agree ? 0 : 1);
  }

  static Path prepare(String size, Path flights, Path data) throws Exception {
    if (size.equals("3m")) {
      return flights;
    }
    Path out = data.resolve("flights-" + size + ".parquet");
    if (Files.exists(out)) {
      return out;
    }
    String sql =
        switch (size) {
          case "10m" ->
              "COPY (SELECT date + to_years(k) AS date, delay, distance, origin, destination FROM"
                  + " read_parquet($1), (VALUES (0), (1), (2)) AS t(k) UNION ALL"
                  + " SELECT date + to_years(3), delay, distance, origin, destination FROM"
                  + " (SELECT * FROM read_parquet($1) LIMIT 1000000)) TO '%s'"
                  // like the shared file: ZSTD, row groups of about 272,000 rows
                  + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 272727)";
          case "300k" ->
              "COPY (SELECT * FROM read_parquet($1) LIMIT 300000) TO '%s' (FORMAT parquet)";
          default -> throw new IllegalArgumentException("size must be 300k, 3m or 10m: " + size);
        };
    Path tmp = data.resolve("flights-" + size + ".parquet.tmp");
    long t0 = System.nanoTime();
    try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        PreparedStatement ps =
            c.prepareStatement(sql.formatted(tmp.toString().replace("'", "''")))) {
      ps.setString(1, flights.toString());
      ps.execute();
    }
    Files.move(tmp, out);
    System.out.printf("wrote %s in %.1f s%n", out.getFileName(), (System.nanoTime() - t0) / 1e9);
    return out;
  }

  static long rows(Path file) throws Exception {
    try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM read_parquet($1)")) {
      ps.setString(1, file.toString());
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static Outcome runChild(
      String system, Path file, int rounds, String sampleSize, Path root, Path logs, String size)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseParallelGC");
    switch (system) {
      case "engine", "engine-nosamples", "floor" -> {
        cmd.add("-Xmx2g");
        cmd.add("-cp");
        cmd.add(
            root.resolve("bench-quality/target/classes")
                + ":"
                + read(root.resolve("bench-quality/target/engine.classpath")));
        cmd.add(system.equals("floor") ? FloorRun.class.getName() : EngineRun.class.getName());
      }
      case "deequ" -> {
        cmd.add("-Xmx4g");
        SPARK_OPENS.forEach(m -> cmd.add("--add-opens=" + m + "=ALL-UNNAMED"));
        cmd.add("-Djdk.reflect.useDirectMethodHandle=false");
        cmd.add("-cp");
        cmd.add(
            root.resolve("bench-quality/deequ/target/classes")
                + ":"
                + read(root.resolve("bench-quality/deequ/target/deequ.classpath")));
        cmd.add("io.stevedore.bench.quality.deequ.DeequRun");
      }
      default -> throw new IllegalArgumentException("unknown system " + system);
    }
    cmd.add(file.toString());
    cmd.add(Integer.toString(rounds));
    if (system.equals("engine")) {
      cmd.add(sampleSize);
    } else if (system.equals("engine-nosamples")) {
      cmd.add("0");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Path err = logs.resolve(system + "-" + size + ".stderr");
    pb.redirectError(err.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(
          system + " failed (exit " + p.exitValue() + "), see " + err + "\n" + out);
    }
    double process = (System.nanoTime() - t0) / 1e9;
    Files.writeString(logs.resolve(system + "-" + size + ".stdout"), out);
    double start = 0;
    List<Double> times = new ArrayList<>();
    List<Double> cpus = new ArrayList<>();
    Map<String, String[]> checks = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    long rss = -1;
    long heap = -1;
    for (String line : out.split("\n")) {
      String[] f = line.split("\t");
      switch (f[0]) {
        case "start" -> start = Double.parseDouble(f[1]);
        case "run" -> {
          times.add(Double.parseDouble(f[2]));
          cpus.add(Double.parseDouble(f[3]));
        }
        case "check" -> checks.put(f[1], new String[] {f[2], f[3], f[4]});
        case "note" -> notes.add(f[1]);
        case "peak" -> {
          rss = Long.parseLong(f[1]);
          heap = Long.parseLong(f[2]);
        }
        default -> {}
      }
    }
    System.out.printf(
        "  %-6s rounds %s s, CPU %s s%s%n",
        system,
        times.stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).toList(),
        cpus.stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).toList(),
        notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    return new Outcome(system, start, times, cpus, process, rss, heap, checks, notes);
  }

  static void printTimes(Map<String, Outcome> outcomes, long rows) {
    System.out.printf(
        "%n| system | first round s | warm round s | rows/s (warm) | warm round CPU s | startup s"
            + " | process s | peak RSS MB | peak heap MB |%n");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Outcome o : outcomes.values()) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %.2f | %,.0f | %.2f | %.2f | %.1f | %,d | %,d |%n",
          o.system(),
          o.first(),
          o.warm(),
          rows / o.warm(),
          o.warmCpu(),
          o.start(),
          o.process(),
          o.rssKb() / 1024,
          o.heapBytes() / (1024 * 1024));
    }
    System.out.println();
    Outcome e = outcomes.get("engine");
    Outcome d = outcomes.get("deequ");
    Outcome f = outcomes.get("floor");
    if (e != null && d != null) {
      System.out.printf(
          Locale.ROOT,
          "Deequ / engine: %.2fx warm, %.2fx CPU, %.2fx first round, %.2fx process (goal >= 5x)%n",
          d.warm() / e.warm(),
          d.warmCpu() / e.warmCpu(),
          d.first() / e.first(),
          d.process() / e.process());
    }
    if (e != null && f != null) {
      System.out.printf(
          Locale.ROOT,
          "engine / floor: %.2fx warm, %.2fx CPU, %.2fx first round (goal <= 1.25x)%n",
          e.warm() / f.warm(),
          e.warmCpu() / f.warmCpu(),
          e.first() / f.first());
    }
    Outcome n = outcomes.get("engine-nosamples");
    if (n != null && f != null) {
      System.out.printf(
          Locale.ROOT,
          "engine without samples / floor: %.2fx warm, %.2fx CPU, %.2fx first round%n",
          n.warm() / f.warm(),
          n.warmCpu() / f.warmCpu(),
          n.first() / f.first());
    }
  }

  /** Prints failing rows (or the metric) per check and system; false when they differ. */
  static boolean printAgreement(Map<String, Outcome> outcomes) {
    TreeSet<String> names = new TreeSet<>();
    outcomes.values().forEach(o -> names.addAll(o.checks().keySet()));
    List<String> order = new ArrayList<>();
    outcomes.values().iterator().next().checks().keySet().forEach(order::add);
    names.stream().filter(n -> !order.contains(n)).forEach(order::add);
    StringBuilder head = new StringBuilder("| check |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String s : outcomes.keySet()) {
      head.append(' ').append(s).append(" |");
      rule.append("---:|");
    }
    System.out.printf("%n%s agree |%n%s---|%n", head, rule);
    boolean all = true;
    for (String name : order) {
      StringBuilder line = new StringBuilder("| " + name + " |");
      String failed = null;
      String passed = null;
      Double metric = null;
      boolean same = true;
      for (Outcome o : outcomes.values()) {
        String[] c = o.checks().get(name);
        if (c == null) {
          line.append(" missing |");
          same = false;
          continue;
        }
        double m = Double.parseDouble(c[2]);
        String shown =
            c[0].equals("-")
                ? String.format(Locale.ROOT, "%.6g", m)
                : String.format("%,d", Long.parseLong(c[0]));
        line.append(' ').append(shown).append(c[1].equals("true") ? " pass" : " FAIL").append(" |");
        if (failed == null) {
          failed = c[0];
          passed = c[1];
          metric = m;
        } else {
          same &=
              failed.equals(c[0])
                  && passed.equals(c[1])
                  && (!c[0].equals("-") || Math.abs(metric - m) <= 1e-9 * Math.max(1, Math.abs(m)));
        }
      }
      all &= same;
      System.out.println(line + (same ? " yes |" : " **NO** |"));
    }
    System.out.println(all ? "all failing-row counts and verdicts agree" : "DISAGREEMENT");
    return all;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p).trim();
  }
}

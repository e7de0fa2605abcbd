package io.stevedore.bench.quality.deequ;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.AnalyzerOptions;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.checks.CheckStatus;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.metrics.Metric;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Function1;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.util.matching.Regex;

/**
 * The benchmark's 16 checks as a Deequ {@link VerificationSuite} on Spark in {@code local[2]}, run
 * {@code rounds} times over one Parquet file in one Spark session.
 *
 * <p>Usage: {@code DeequRun <parquet file> <rounds>}. Prints, on stdout, the protocol QualityBench
 * reads: {@code start <seconds to a ready session>}, {@code run <i> <seconds> <cpu seconds>} per
 * round, {@code check <name> <failing rows or -> <passed> <metric>} for the last round, and {@code
 * peak <VmHWM kB> <peak heap bytes>}.
 *
 * <p>Each check is its own Deequ {@link Check} with one constraint, so its metric can be read back
 * by check. A row-level check's failing rows are {@code round((1 - ratio) * rows)}: Deequ reports
 * ratios (completeness, compliance, pattern match, uniqueness), not counts.
 */
public final class DeequRun {

  private DeequRun() {}

  /** The checks, in the order of the benchmark's suite; the names match the suite's. */
  static Map<String, Check> checks() {
    Map<String, Check> c = new LinkedHashMap<>();
    Option<String> none = Option.empty();
    Option<AnalyzerOptions> noOptions = Option.empty();
    for (String column : List.of("origin", "destination", "date", "delay")) {
      c.put(
          "complete_" + column,
          check("complete_" + column).hasCompleteness(column, atLeast(1.0), none, noOptions));
    }
    // Deequ's isContainedIn(column, lower, upper) is `column IS NULL OR (column >= lower AND
    // column <= upper)`, the engine's range check
    c.put(
        "delay_range",
        check("delay_range").isContainedIn("delay", -60, 180, true, true, none, noOptions));
    c.put(
        "distance_range",
        check("distance_range").isContainedIn("distance", 30, 3000, true, true, none, noOptions));
    for (String column : List.of("origin", "destination")) {
      c.put(
          column + "_pattern",
          check(column + "_pattern")
              .hasPattern(
                  column,
                  new Regex("^[A-Z]{3}$", seq(List.of())),
                  atLeast(1.0),
                  none,
                  none,
                  noOptions));
    }
    // Deequ's length checks are dataset metrics (min/max length); the row-level count is a
    // compliance
    c.put(
        "origin_length",
        check("origin_length")
            .satisfies(
                "origin IS NULL OR (length(origin) >= 3 AND length(origin) <= 3)",
                "origin_length",
                atLeast(1.0),
                none,
                columns("origin"),
                noOptions));
    c.put(
        "destination_hub",
        check("destination_hub")
            .isContainedIn("destination", HUBS.toArray(String[]::new), atLeast(0.5), none));
    c.put(
        "not_same_airport",
        check("not_same_airport")
            .satisfies(
                "origin <> destination",
                "not_same_airport",
                atLeast(1.0),
                none,
                columns("origin", "destination"),
                noOptions));
    c.put(
        "short_flights_on_time",
        check("short_flights_on_time")
            .satisfies(
                "delay <= 15 OR distance >= 500",
                "short_flights_on_time",
                atLeast(0.9),
                none,
                columns("delay", "distance"),
                noOptions));
    c.put(
        "unique_flight",
        check("unique_flight")
            .hasUniqueness(seq(List.of("date", "origin", "destination")), atLeast(0.9)));
    c.put(
        "unique_departure",
        check("unique_departure").hasUniqueness(seq(List.of("date", "origin")), atLeast(0.5)));
    c.put("row_count", check("row_count").hasSize(test(v -> v >= 1_000_000), none));
    c.put("mean_delay", check("mean_delay").hasMean("delay", test(v -> v >= -10 && v <= 30), none));
    return c;
  }

  /** The allowed destinations of {@code destination_hub}: the 20 busiest airports of 2001. */
  static final List<String> HUBS =
      List.of(
          "ATL", "ORD", "DFW", "LAX", "PHX", "DEN", "LAS", "IAH", "DTW", "MSP", "SFO", "STL", "EWR",
          "SLC", "BWI", "MCO", "SEA", "CLT", "PHL", "BOS");

  /** Checks whose metric is a share of rows, so failing rows follow from it. */
  private static boolean rowLevel(String name) {
    return !name.equals("row_count") && !name.equals("mean_delay");
  }

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    String file = Path.of(args[0]).toAbsolutePath().toString();
    int rounds = Integer.parseInt(args[1]);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("deequ-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    System.out.printf(Locale.ROOT, "start\t%.3f%n", (System.nanoTime() - t0) / 1e9);
    Map<String, Check> checks = checks();
    VerificationResult result = null;
    for (int r = 1; r <= rounds; r++) {
      long s = System.nanoTime();
      long cpu = cpu();
      Dataset<Row> data = spark.read().parquet(file);
      result =
          new VerificationSuite()
              .onData(data)
              .addChecks(seq(new ArrayList<>(checks.values())))
              .run();
      System.out.printf(
          Locale.ROOT,
          "run\t%d\t%.3f\t%.3f%n",
          r,
          (System.nanoTime() - s) / 1e9,
          (cpu() - cpu) / 1e9);
    }
    Map<Check, CheckResult> results = JavaConverters.mapAsJavaMap(result.checkResults());
    double rows = metric(results.get(checks.get("row_count")));
    for (Map.Entry<String, Check> e : checks.entrySet()) {
      CheckResult cr = results.get(e.getValue());
      double value = metric(cr);
      String failed = rowLevel(e.getKey()) ? Long.toString(Math.round((1 - value) * rows)) : "-";
      System.out.printf(
          Locale.ROOT,
          "check\t%s\t%s\t%s\t%s%n",
          e.getKey(),
          failed,
          cr.status() == CheckStatus.Success(),
          value);
    }
    System.out.printf(Locale.ROOT, "peak\t%d\t%d%n", vmHwmKb(), peakHeap());
    spark.stop();
  }

  private static double metric(CheckResult cr) {
    ConstraintResult c = cr.constraintResults().head();
    Metric<?> m = c.metric().get();
    return ((Number) m.value().get()).doubleValue();
  }

  private static Check check(String name) {
    return new Check(CheckLevel.Error(), name, seq(List.of()));
  }

  private static Function1<Object, Object> atLeast(double share) {
    return test(v -> v >= share);
  }

  private static Function1<Object, Object> test(DoublePredicate p) {
    return v -> p.test(((Number) v).doubleValue());
  }

  private static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toSeq();
  }

  private static scala.collection.immutable.List<String> columns(String... names) {
    return JavaConverters.asScalaBuffer(List.of(names)).toList();
  }

  /** The peak resident set of this process ({@code VmHWM}), in kB. */
  static long vmHwmKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** The process's CPU time so far, every thread, in ns. */
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The sum of the heap pools' peak usage, in bytes. */
  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}

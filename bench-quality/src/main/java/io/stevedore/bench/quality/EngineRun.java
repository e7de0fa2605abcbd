package io.stevedore.bench.quality;

import io.stevedore.validation.engine.CheckResult;
import io.stevedore.validation.engine.DatasetSource;
import io.stevedore.validation.engine.ValidationEngine;
import io.stevedore.validation.engine.ValidationReport;
import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The benchmark's suite ({@code flights-bench.yaml}) through validation-service's {@link
 * ValidationEngine}, as the service runs it: default sample size (20 failing rows per failed
 * check), a new DuckDB connection per run.
 *
 * <p>Usage: {@code EngineRun <parquet file> <rounds> [sample size]}; prints {@link Probe}'s
 * protocol.
 */
public final class EngineRun {

  private EngineRun() {}

  static Suite suite() throws Exception {
    try (InputStream in = EngineRun.class.getResourceAsStream("/flights-bench.yaml")) {
      return SuiteParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).orElseThrow();
    }
  }

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Path file = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int sampleSize =
        args.length > 2 ? Integer.parseInt(args[2]) : ValidationEngine.DEFAULT_SAMPLE_SIZE;
    Suite suite = suite();
    ValidationEngine engine = new ValidationEngine(Clock.systemUTC(), sampleSize);
    DatasetSource source = DatasetSource.of("flights", DataFormat.PARQUET, file);
    Probe.start(t0);
    ValidationReport report = null;
    for (int r = 1; r <= rounds; r++) {
      long s = System.nanoTime();
      long cpu = Probe.cpu();
      report = engine.run(suite, source, List.of());
      Probe.run(r, s, cpu);
    }
    for (CheckResult c : report.checks()) {
      if (c.error() != null) {
        throw new IllegalStateException("check " + c.name() + " did not run: " + c.error());
      }
      Object metric =
          switch (c.name()) {
            case "row_count" -> (double) report.rowCount();
            case "mean_delay" -> Double.valueOf(c.observed());
            default -> c.passRatio();
          };
      Probe.check(c.name(), c.failedRows(), c.passed(), metric);
    }
    Probe.note(
        "scans of the data "
            + report.scansOfData()
            + ", for samples "
            + report.scansForSamples()
            + ", failing rows kept "
            + report.checks().stream().mapToInt(c -> c.samples().size()).sum());
    Probe.peak();
  }
}

package io.stevedore.validation.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.validation.suite.Check;
import io.stevedore.validation.suite.Suite;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a suite over a dataset on DuckDB, in one in-memory connection per run.
 *
 * <p>The whole suite compiles into at most two queries over the dataset ({@link SuiteCompiler}):
 * one aggregate for every row-level and dataset check, and one grouped query shared by every
 * uniqueness check. When checks fail, one more statement samples their failing rows (one scan) and
 * the most repeated keys of failed uniqueness checks (one scan of their group-by). Every query is
 * profiled and the scans of each dataset are counted from DuckDB's profile into {@link
 * ValidationReport#scansOfData()} and {@link ValidationReport#scansForSamples()}.
 *
 * <p>Instances are immutable and thread-safe; each run opens and closes its own connection.
 */
public final class ValidationEngine {

  /** Failing rows kept per check unless told otherwise. */
  public static final int DEFAULT_SAMPLE_SIZE = 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {};

  private final Clock clock;
  private final int sampleSize;

  /**
   * @param clock what freshness checks measure against
   * @param sampleSize failing rows kept per failed check; 0 turns sampling off
   */
  public ValidationEngine(Clock clock, int sampleSize) {
    if (sampleSize < 0 || sampleSize > 10_000) {
      throw new IllegalArgumentException("sample size must be 0 to 10000, got " + sampleSize);
    }
    this.clock = clock;
    this.sampleSize = sampleSize;
  }

  public ValidationEngine(Clock clock) {
    this(clock, DEFAULT_SAMPLE_SIZE);
  }

  /**
   * The columns of a dataset and their DuckDB types, in order, as the engine reads them (CSV with
   * the sniffer's types), for checking a suite against it before running.
   */
  public static Map<String, String> columnsOf(DatasetSource source) {
    try (DuckSession session = new DuckSession()) {
      return session.register(source, Map.of()).columns();
    } catch (SQLException | IOException e) {
      throw unreadable(source, e);
    }
  }

  /**
   * Runs every check of {@code suite} over {@code data}.
   *
   * @param references the datasets referential checks name (may include others)
   * @throws EngineException when a dataset cannot be read
   */
  public ValidationReport run(
      Suite suite, DatasetSource data, Collection<DatasetSource> references) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    try (DuckSession session = new DuckSession()) {
      DuckSession.Registered main;
      Map<String, DuckSession.Registered> refs = new LinkedHashMap<>();
      try {
        main = session.register(data, DuckSession.declaredTypes(suite));
      } catch (SQLException e) {
        throw unreadable(data, e);
      }
      for (DatasetSource ref : referenced(suite, references)) {
        if (ref.name().equals(data.name())) {
          refs.put(ref.name(), main);
          continue;
        }
        try {
          refs.put(ref.name(), session.register(ref, Map.of()));
        } catch (SQLException e) {
          throw unreadable(ref, e);
        }
      }
      session.lock(List.of());
      return evaluate(suite, session, main, refs, now, started);
    } catch (SQLException | IOException e) {
      throw new EngineException(
          "validation of dataset '"
              + data.name()
              + "' failed: "
              + DuckSession.firstLine(e.getMessage()),
          e);
    }
  }

  private ValidationReport evaluate(
      Suite suite,
      DuckSession session,
      DuckSession.Registered main,
      Map<String, DuckSession.Registered> refs,
      Instant now,
      long started)
      throws SQLException, IOException {
    SuiteCompiler compiler = new SuiteCompiler(main, refs);
    List<Check> checks = suite.checks();
    Map<Check, Integer> idx = new LinkedHashMap<>();
    Map<Integer, String> errors = new LinkedHashMap<>();
    List<CompiledCheck> rowChecks = new ArrayList<>();
    List<Check> datasetChecks = new ArrayList<>();
    List<Check.Unique> uniques = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Check check = checks.get(i);
      idx.put(check, i);
      String problem = compiler.problem(check, session);
      if (problem != null) {
        errors.put(i, problem);
      } else if (check instanceof Check.Unique u) {
        uniques.add(u);
      } else if (!check.rowLevel()) {
        datasetChecks.add(check);
      } else {
        CompiledCheck c = compiler.compile(i, check);
        if (c.condition() != null) {
          rowChecks.add(c);
        }
      }
    }

    Map<String, Integer> refScans = new LinkedHashMap<>();
    SuiteCompiler.Query aggregate = compiler.aggregate(rowChecks, datasetChecks, idx);
    if (!uniques.isEmpty()) {
      // One statement for both scans, so that DuckDB runs them side by side.
      // the repeated keys' samples are only needed for failed checks: they come with the sample
      // query below (building a key for each of 400,000 repeated keys costs 8 % of the suite)
      aggregate = SuiteCompiler.together(aggregate, compiler.uniqueness(uniques, idx, 0));
    }
    DuckSession.Outcome a = session.query(aggregate.sql(), aggregate.binds());
    Map<String, Object> agg = a.rows().get(0);
    int scansOfData = a.scansOf(main.name());
    addReferenceScans(refScans, a, main);
    Map<String, Object> grouped = uniques.isEmpty() ? Map.of() : agg;

    long n = number(agg.get("n"));
    Map<Integer, CompiledCheck> compiled = new LinkedHashMap<>();
    rowChecks.forEach(c -> compiled.put(c.index(), c));
    List<CheckResult> results = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Check check = checks.get(i);
      results.add(
          result(check, i, n, agg, grouped, compiled.get(i), errors.get(i), main, suite, now));
    }

    int scansForSamples = 0;
    if (sampleSize > 0) {
      List<CompiledCheck> failed = new ArrayList<>();
      for (CompiledCheck c : rowChecks) {
        if (failedWithRows(results.get(c.index()))) {
          failed.add(c);
        }
      }
      List<Check.Unique> failedKeys =
          uniques.stream().filter(u -> failedWithRows(results.get(idx.get(u)))).toList();
      SuiteCompiler.Query rows = failed.isEmpty() ? null : compiler.samples(failed, sampleSize);
      SuiteCompiler.Query keys =
          failedKeys.isEmpty() ? null : compiler.uniqueness(failedKeys, idx, sampleSize);
      SuiteCompiler.Query q =
          rows == null ? keys : keys == null ? rows : SuiteCompiler.together(rows, keys);
      if (q != null) {
        DuckSession.Outcome s = session.query(q.sql(), q.binds());
        scansForSamples = s.scansOf(main.name());
        addReferenceScans(refScans, s, main);
        Map<String, Object> sampled = s.rows().get(0);
        for (CompiledCheck c : failed) {
          List<FailedRow> samples = new ArrayList<>();
          for (Map<String, Object> row : parseRows(sampled.get("s" + c.index()))) {
            samples.add(new FailedRow(c.reason(), row));
          }
          results.set(c.index(), results.get(c.index()).withSamples(samples));
        }
        for (Check.Unique u : failedKeys) {
          int i = idx.get(u);
          List<FailedRow> samples = new ArrayList<>();
          for (Map<String, Object> key : parseRows(sampled.get("s" + i))) {
            samples.add(new FailedRow("key occurs " + key.get("rows") + " times", key));
          }
          results.set(i, results.get(i).withSamples(samples));
        }
      }
    }

    return new ValidationReport(
        main.name(),
        QualityScore.verdict(results),
        QualityScore.score(results),
        n,
        results,
        scansOfData,
        scansForSamples,
        refScans,
        now,
        Duration.ofNanos(System.nanoTime() - started));
  }

  private CheckResult result(
      Check check,
      int i,
      long n,
      Map<String, Object> agg,
      Map<String, Object> grouped,
      CompiledCheck compiled,
      String error,
      DuckSession.Registered main,
      Suite suite,
      Instant now)
      throws IOException {
    if (error != null) {
      return new CheckResult(
          check.name(),
          check.type(),
          check.severity(),
          check.mostly(),
          null,
          null,
          0.0,
          false,
          error,
          null,
          null);
    }
    if (check instanceof Check.Schema s) {
      return schemaResult(s, n, agg, compiled, main, suite);
    }
    if (check instanceof Check.Unique u) {
      long failed = number(grouped.get("u" + i));
      long keys = number(grouped.get("k" + i));
      return rowResult(
          check, n, failed, keys + " keys repeat, in " + failed + " of " + n + " rows");
    }
    if (check instanceof Check.RowCount rc) {
      boolean passed = (rc.min() == null || n >= rc.min()) && (rc.max() == null || n <= rc.max());
      return datasetResult(check, n + " rows", passed);
    }
    if (check instanceof Check.Freshness f) {
      Object newest = agg.get("v" + i);
      if (newest == null) {
        return datasetResult(check, "no values in " + f.column(), false);
      }
      Instant latest = Instant.ofEpochMilli(number(agg.get("e" + i)));
      Duration age = Duration.between(latest, now);
      boolean passed = age.compareTo(f.maxAge()) <= 0;
      return datasetResult(check, "newest " + newest + ", age " + age, passed);
    }
    if (check instanceof Check.Anomaly a) {
      double v =
          a.rowCountMetric()
              ? n
              : agg.get("a" + i) == null ? Double.NaN : ((Number) agg.get("a" + i)).doubleValue();
      if (Double.isNaN(v)) {
        return datasetResult(check, "the metric is null", false);
      }
      // judged against the dataset's history by the service; measured here
      return new CheckResult(
          check.name(),
          check.type(),
          check.severity(),
          check.mostly(),
          a.metric() + " = " + v + "; not judged against a history",
          null,
          1.0,
          true,
          null,
          null,
          v);
    }
    if (check instanceof Check.Aggregate a) {
      Object value = agg.get("a" + i);
      if (value == null) {
        return datasetResult(check, "null", false);
      }
      double v = ((Number) value).doubleValue();
      boolean passed =
          !Double.isNaN(v)
              && (a.min() == null || BigDecimal.valueOf(v).compareTo(a.min()) >= 0)
              && (a.max() == null || BigDecimal.valueOf(v).compareTo(a.max()) <= 0);
      return datasetResult(check, String.valueOf(v), passed);
    }
    long failed = number(agg.get("f" + i));
    String observed;
    if (check instanceof Check.Completeness c) {
      observed = failed + " nulls of " + n + " rows";
    } else if (check instanceof Check.Range || check instanceof Check.Length) {
      String what = check instanceof Check.Length ? "length " : "";
      observed =
          failed
              + " of "
              + n
              + " rows outside; "
              + what
              + "min "
              + agg.get("lo" + i)
              + ", "
              + what
              + "max "
              + agg.get("hi" + i);
    } else if (check instanceof Check.Referential r) {
      observed = failed + " of " + n + " rows with a key missing from '" + r.dataset() + "'";
    } else {
      observed = failed + " of " + n + " rows fail";
    }
    return rowResult(check, n, failed, observed);
  }

  private CheckResult schemaResult(
      Check.Schema s,
      long n,
      Map<String, Object> agg,
      CompiledCheck compiled,
      DuckSession.Registered main,
      Suite suite) {
    List<String> problems = new ArrayList<>();
    List<String> expected = s.columns();
    for (Check.ColumnSpec spec : s.expected()) {
      String actual = main.columns().get(spec.name());
      if (actual == null) {
        problems.add("missing column " + spec.name());
      } else if (spec.type() != null && !spec.type().equals(actual)) {
        problems.add("column " + spec.name() + " is " + actual + ", not " + spec.type());
      }
    }
    if (!suite.allowExtraColumns()) {
      for (String c : main.columns().keySet()) {
        if (!expected.contains(c)) {
          problems.add("unexpected column " + c);
        }
      }
    }
    long failed = compiled == null ? 0 : number(agg.get("f" + compiled.index()));
    String rows =
        failed
            + " of "
            + n
            + " rows with a null in a non-nullable column or a value of the wrong type";
    if (!problems.isEmpty()) {
      if (failed > 0) {
        problems.add(rows);
      }
      return new CheckResult(
          s.name(),
          s.type(),
          s.severity(),
          s.mostly(),
          String.join("; ", problems),
          failed,
          0.0,
          false,
          null,
          null,
          null);
    }
    return rowResult(s, n, failed, failed == 0 ? "as expected" : rows);
  }

  /** A check that failed and has failing rows: the checks whose rows are sampled. */
  private static boolean failedWithRows(CheckResult r) {
    return r.error() == null && !r.passed() && r.failedRows() != null && r.failedRows() > 0;
  }

  private static CheckResult rowResult(Check check, long n, long failed, String observed) {
    double ratio = n == 0 ? 1.0 : (double) (n - failed) / n;
    boolean passed = ratio + 1e-12 >= check.mostly();
    return new CheckResult(
        check.name(),
        check.type(),
        check.severity(),
        check.mostly(),
        observed,
        failed,
        ratio,
        passed,
        null,
        null,
        null);
  }

  private static CheckResult datasetResult(Check check, String observed, boolean passed) {
    return new CheckResult(
        check.name(),
        check.type(),
        check.severity(),
        check.mostly(),
        observed,
        null,
        passed ? 1.0 : 0.0,
        passed,
        null,
        null,
        null);
  }

  private static void addReferenceScans(
      Map<String, Integer> into, DuckSession.Outcome o, DuckSession.Registered main) {
    o.scans()
        .forEach(
            (name, count) -> {
              if (!name.equals(main.name())) {
                into.merge(name, count, Integer::sum);
              }
            });
  }

  /** The references that referential checks of the suite name; others are not read at all. */
  static List<DatasetSource> referenced(Suite suite, Collection<DatasetSource> references) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Check c : suite.checks()) {
      if (c instanceof Check.Referential r) {
        names.add(r.dataset());
      }
    }
    return references.stream().filter(r -> names.contains(r.name())).toList();
  }

  private static List<Map<String, Object>> parseRows(Object json) throws IOException {
    if (json == null) {
      return List.of();
    }
    return JSON.readValue(json.toString(), ROWS);
  }

  static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }

  private static EngineException unreadable(DatasetSource source, Exception e) {
    return new EngineException(
        "dataset '"
            + source.name()
            + "' ("
            + source.format().wire()
            + ", "
            + source.path().getFileName()
            + ") could not be read: "
            + DuckSession.firstLine(e.getMessage()),
        e);
  }
}

package io.stevedore.validation.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.spec.SpecProblem;
import io.stevedore.validation.config.ValidationConfig;
import io.stevedore.validation.dataset.S3Datasets;
import io.stevedore.validation.domain.SuiteService.SuiteVersion;
import io.stevedore.validation.engine.CheckResult;
import io.stevedore.validation.engine.DatasetSource;
import io.stevedore.validation.engine.QualityScore;
import io.stevedore.validation.engine.ValidationEngine;
import io.stevedore.validation.engine.ValidationReport;
import io.stevedore.validation.store.ReportStore;
import io.stevedore.validation.store.ResultStore;
import io.stevedore.validation.store.ResultStore.ResultRow;
import io.stevedore.validation.suite.Catalog;
import io.stevedore.validation.suite.Check;
import io.stevedore.validation.suite.DataFormat;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParseResult;
import io.stevedore.validation.suite.SuiteParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Validates a dataset in S3 against one of a team's suites: copies the data to a temporary
 * directory, checks that the suite fits it (the columns it names exist), runs the engine, adds the
 * row-count anomaly check against the dataset's history, writes the full report to the reports
 * bucket and stores the result.
 *
 * <p>Referenced datasets (referential checks) are read from the URI the request gives for them,
 * else from where the dataset's newest result read it, in the format of the team's suite that
 * describes it.
 */
@ApplicationScoped
public class ValidationService {

  /** The anomaly check's name and type in reports. */
  public static final String ANOMALY_CHECK = "rowCount(history)";

  /**
   * What to validate.
   *
   * @param version null for the suite's latest
   * @param format null for the suite's own format
   * @param references URIs of referenced datasets by name; may be empty
   */
  public record Target(
      String suite,
      Integer version,
      String datasetUri,
      String format,
      Map<String, String> references) {
    public Target {
      references = references == null ? Map.of() : Map.copyOf(references);
    }
  }

  /** The validate stage attempt a request comes from (SQS), or null for ad-hoc validations. */
  public record Stage(UUID stageRunId, UUID runId, String stageId, int attempt) {}

  /** A stored result, with the engine's report when the data could be read. */
  public record Outcome(ResultRow result, ValidationReport report) {}

  private final SuiteService suites;
  private final ResultStore results;
  private final ReportStore reports;
  private final S3Datasets datasets;
  private final ValidationConfig config;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final ValidationEngine engine;

  ValidationService(
      SuiteService suites,
      ResultStore results,
      ReportStore reports,
      S3Datasets datasets,
      ValidationConfig config,
      ObjectMapper mapper,
      Clock clock) {
    this.suites = suites;
    this.results = results;
    this.reports = reports;
    this.datasets = datasets;
    this.config = config;
    this.mapper = mapper;
    this.clock = clock;
    this.engine = new ValidationEngine(clock, config.failedRowSamples());
  }

  /**
   * Validates the target's dataset against the suite at its version.
   *
   * @throws ApiException 404 for an unknown suite or version; 422 for an unknown format or a suite
   *     that names columns the data lacks
   * @throws io.stevedore.validation.dataset.DatasetNotFoundException when the data does not exist
   * @throws io.stevedore.validation.engine.EngineException when the data cannot be read
   */
  public Outcome validate(UUID teamId, Target target, Stage stage) {
    return run(teamId, suites.get(teamId, target.suite(), target.version()), target, stage);
  }

  /** As {@link #validate}, for a suite already loaded. */
  public Outcome run(UUID teamId, SuiteVersion sv, Target target, Stage stage) {
    Suite suite = sv.parsed();
    DataFormat format = format(target.format(), suite.format());
    List<S3Datasets.LocalCopy> copies = new ArrayList<>();
    try {
      S3Datasets.LocalCopy data = datasets.fetch(target.datasetUri());
      copies.add(data);
      DatasetSource source = new DatasetSource(suite.dataset(), format, data.path(), suite.csv());
      Map<String, Map<String, String>> known = new LinkedHashMap<>();
      known.put(suite.dataset(), ValidationEngine.columnsOf(source));
      List<DatasetSource> refs = new ArrayList<>();
      for (String name : referencedDatasets(suite)) {
        if (name.equals(suite.dataset())) {
          continue;
        }
        Optional<DatasetSource> ref = reference(teamId, name, target.references(), copies);
        ref.ifPresent(
            r -> {
              refs.add(r);
              known.put(name, ValidationEngine.columnsOf(r));
            });
      }
      List<SpecProblem> problems = SuiteParser.validate(suite, Catalog.of(known));
      if (!problems.isEmpty()) {
        ApiException invalid = SuiteParseResult.invalid(problems);
        throw ApiException.invalid(
            "suite '"
                + sv.suite().name()
                + "' version "
                + sv.version().version()
                + " does not fit dataset "
                + target.datasetUri()
                + ": "
                + invalid.getMessage(),
            invalid.errors());
      }
      ValidationReport report = withAnomalyCheck(teamId, engine.run(suite, source, refs));
      UUID id = UUID.randomUUID();
      String reportUri =
          reports.write(reportKey(teamId, sv, stage, id), document(id, sv, target, stage, report));
      ResultRow row =
          new ResultRow(
              id,
              teamId,
              sv.suite().id(),
              sv.suite().name(),
              sv.version().version(),
              suite.dataset(),
              target.datasetUri(),
              stage == null ? null : stage.runId(),
              stage == null ? null : stage.stageId(),
              stage == null ? null : stage.attempt(),
              stage == null ? null : stage.stageRunId(),
              report.verdict(),
              report.score(),
              report.rowCount(),
              metrics(report.checks()),
              report.scansOfData(),
              reportUri,
              null,
              clock.instant());
      return new Outcome(store(row), report);
    } finally {
      copies.forEach(S3Datasets.LocalCopy::close);
    }
  }

  /**
   * Stores a failed result for a validation that could not run (the data is missing or unreadable,
   * the suite does not fit it): verdict fail, score 0, {@code error} set.
   */
  public ResultRow recordFailure(
      UUID teamId, SuiteVersion sv, Target target, Stage stage, String error) {
    ResultRow row =
        new ResultRow(
            UUID.randomUUID(),
            teamId,
            sv.suite().id(),
            sv.suite().name(),
            sv.version().version(),
            sv.parsed().dataset(),
            target.datasetUri() == null ? "" : target.datasetUri(),
            stage == null ? null : stage.runId(),
            stage == null ? null : stage.stageId(),
            stage == null ? null : stage.attempt(),
            stage == null ? null : stage.stageRunId(),
            Verdict.FAIL,
            0.0,
            null,
            "[]",
            null,
            null,
            error,
            clock.instant());
    return store(row);
  }

  /** The result already stored for this stage attempt and suite, if any. */
  public Optional<ResultRow> existing(Stage stage, SuiteVersion sv) {
    if (stage == null || stage.stageRunId() == null) {
      return Optional.empty();
    }
    return results.findForStageRun(stage.stageRunId(), sv.suite().id());
  }

  /** The names of the failed checks of a stored result, in suite order. */
  public List<String> failedChecks(ResultRow row) {
    List<String> names = new ArrayList<>();
    try {
      for (var check : mapper.readTree(row.metrics())) {
        if (!check.path("passed").asBoolean()) {
          names.add(check.path("name").asText());
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metrics of validation " + row.id() + " are not JSON");
    }
    return names;
  }

  public ResultRow get(UUID teamId, UUID id) {
    return results
        .find(teamId, id)
        .orElseThrow(() -> ApiException.notFound("validation '" + id + "' not found"));
  }

  public List<ResultRow> history(UUID teamId, String dataset, int limit) {
    return results.recent(teamId, dataset, limit);
  }

  /** Stores the row in the current transaction, or in one of its own; a duplicate is skipped. */
  private ResultRow store(ResultRow row) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () -> {
              if (!results.insert(row) && row.stageRunId() != null) {
                return results.findForStageRun(row.stageRunId(), row.suiteId()).orElse(row);
              }
              return row;
            });
  }

  /**
   * Adds the warn-severity row-count anomaly check: the row count's z-score against the dataset's
   * last {@code window} readable results, once there are at least {@code min-results} of them.
   */
  ValidationReport withAnomalyCheck(UUID teamId, ValidationReport report) {
    ValidationConfig.History h = config.history();
    List<Long> counts = results.recentRowCounts(teamId, report.dataset(), h.window());
    if (counts.size() < h.minResults()) {
      return report;
    }
    CheckResult anomaly = anomaly(report.rowCount(), counts, h.maxZScore());
    List<CheckResult> checks = new ArrayList<>(report.checks());
    checks.add(anomaly);
    return new ValidationReport(
        report.dataset(),
        QualityScore.verdict(checks),
        QualityScore.score(checks),
        report.rowCount(),
        checks,
        report.scansOfData(),
        report.scansForSamples(),
        report.scansOfReferences(),
        report.evaluatedAt(),
        report.elapsed());
  }

  /** The anomaly check of {@code rows} against earlier counts: |z| at most {@code maxZ} passes. */
  static CheckResult anomaly(long rows, List<Long> earlier, double maxZ) {
    double mean = earlier.stream().mapToLong(Long::longValue).average().orElse(0);
    double var = 0;
    for (long c : earlier) {
      var += (c - mean) * (c - mean);
    }
    double sd = earlier.size() > 1 ? Math.sqrt(var / (earlier.size() - 1)) : 0;
    double z;
    if (sd == 0) {
      z = rows == mean ? 0 : Double.POSITIVE_INFINITY;
    } else {
      z = (rows - mean) / sd;
    }
    boolean passed = Math.abs(z) <= maxZ;
    String observed =
        String.format(
            Locale.ROOT,
            "%d rows; last %d results: mean %.1f, stddev %.1f; z-score %s (bound %.1f)",
            rows,
            earlier.size(),
            mean,
            sd,
            Double.isInfinite(z) ? "infinite" : String.format(Locale.ROOT, "%.2f", z),
            maxZ);
    return new CheckResult(
        ANOMALY_CHECK,
        "anomaly",
        io.stevedore.validation.suite.Severity.WARN,
        1.0,
        observed,
        null,
        passed ? 1.0 : 0.0,
        passed,
        null,
        null);
  }

  private Optional<DatasetSource> reference(
      UUID teamId, String name, Map<String, String> given, List<S3Datasets.LocalCopy> copies) {
    String uri = given.get(name);
    if (uri == null) {
      uri = results.latestUri(teamId, name).orElse(null);
    }
    Optional<Suite> describing = suites.describing(teamId, name);
    if (uri == null || describing.isEmpty()) {
      // the referential check then fails with an error naming the dataset
      return Optional.empty();
    }
    S3Datasets.LocalCopy copy = datasets.fetch(uri);
    copies.add(copy);
    Suite ref = describing.get();
    return Optional.of(new DatasetSource(name, ref.format(), copy.path(), ref.csv()));
  }

  private static List<String> referencedDatasets(Suite suite) {
    List<String> names = new ArrayList<>();
    for (Check c : suite.checks()) {
      if (c instanceof Check.Referential r && !names.contains(r.dataset())) {
        names.add(r.dataset());
      }
    }
    return names;
  }

  private static DataFormat format(String given, DataFormat suiteFormat) {
    if (given == null || given.isBlank()) {
      return suiteFormat;
    }
    try {
      return DataFormat.valueOf(given.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "format '" + given + "' is not one of parquet, csv, json",
          List.of(new Problem.FieldError("format", "must be parquet, csv or json", given)));
    }
  }

  private static String reportKey(UUID teamId, SuiteVersion sv, Stage stage, UUID id) {
    if (stage != null && stage.runId() != null) {
      return stage.runId()
          + "/"
          + stage.stageId()
          + "/"
          + stage.attempt()
          + "/"
          + sv.suite().name()
          + ".json";
    }
    return "adhoc/" + teamId + "/" + sv.parsed().dataset() + "/" + id + ".json";
  }

  private static Map<String, Object> document(
      UUID id, SuiteVersion sv, Target target, Stage stage, ValidationReport report) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", id);
    doc.put("suite", sv.suite().name());
    doc.put("suiteVersion", sv.version().version());
    doc.put("datasetUri", target.datasetUri());
    if (stage != null) {
      doc.put("runId", stage.runId());
      doc.put("stageId", stage.stageId());
      doc.put("attempt", stage.attempt());
      doc.put("stageRunId", stage.stageRunId());
    }
    doc.put("report", report);
    return doc;
  }

  private String metrics(List<CheckResult> checks) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (CheckResult c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("type", c.type());
      m.put("severity", c.severity().wire());
      m.put("passed", c.passed());
      m.put("failedRows", c.failedRows());
      m.put("passRatio", c.passRatio());
      m.put("observed", c.observed());
      m.put("error", c.error());
      list.add(m);
    }
    try {
      return mapper.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write check metrics as JSON", e);
    }
  }
}

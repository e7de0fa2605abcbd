package io.stevedore.validation.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.stevedore.common.contract.Alert;
import io.stevedore.common.contract.Queues;
import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.messaging.Outbox;
import io.stevedore.common.spec.SpecProblem;
import io.stevedore.validation.config.ValidationConfig;
import io.stevedore.validation.dataset.Datasets;
import io.stevedore.validation.dataset.S3Datasets;
import io.stevedore.validation.domain.SuiteService.SuiteVersion;
import io.stevedore.validation.engine.CheckResult;
import io.stevedore.validation.engine.CorrectionReport;
import io.stevedore.validation.engine.Corrector;
import io.stevedore.validation.engine.DatasetSource;
import io.stevedore.validation.engine.QualityScore;
import io.stevedore.validation.engine.ValidationEngine;
import io.stevedore.validation.engine.ValidationReport;
import io.stevedore.validation.store.CorrectionStore;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Validates a dataset (in S3, or a Postgres table) against one of a team's suites: copies the data
 * to a temporary directory, checks that the suite fits it (the columns it names exist), runs the
 * engine, judges the anomaly checks against the dataset's history, applies the suite's corrections
 * when asked (corrected dataset to the output URI, removed rows to the quarantine bucket), writes
 * the full report to the reports bucket and stores the result, its correction and, for a failed
 * verdict, an alert on the alerts queue, in one transaction.
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
   * @param correct apply the suite's corrections and write the corrected dataset and quarantine
   * @param outputUri where the corrected dataset goes ({@code s3://bucket/key}, or a prefix ending
   *     in {@code /} that receives {@code <dataset>.parquet}); null for the default under the
   *     stages bucket
   */
  public record Target(
      String suite,
      Integer version,
      String datasetUri,
      String format,
      Map<String, String> references,
      boolean correct,
      String outputUri) {
    public Target {
      references = references == null ? Map.of() : Map.copyOf(references);
      outputUri = outputUri == null || outputUri.isBlank() ? null : outputUri.strip();
    }

    /** A validation without correction. */
    public Target(
        String suite,
        Integer version,
        String datasetUri,
        String format,
        Map<String, String> references) {
      this(suite, version, datasetUri, format, references, false, null);
    }
  }

  /** The validate stage attempt a request comes from (SQS), or null for ad-hoc validations. */
  public record Stage(UUID stageRunId, UUID runId, String stageId, int attempt) {}

  /**
   * A stored result, with the engine's report when the data could be read, and the correction when
   * one was asked for.
   */
  public record Outcome(ResultRow result, ValidationReport report, Correction correction) {}

  /**
   * A suite run over fetched data, not yet stored: the report, and what is needed to correct the
   * same data. Closing it deletes the local copies.
   */
  public static final class Evaluation implements AutoCloseable {
    private final Suite suite;
    private final DatasetSource source;
    private final List<DatasetSource> references;
    private final List<Datasets.Fetched> copies;
    private final ValidationReport report;
    private Path correctionDir;

    Evaluation(
        Suite suite,
        DatasetSource source,
        List<DatasetSource> references,
        List<Datasets.Fetched> copies,
        ValidationReport report) {
      this.suite = suite;
      this.source = source;
      this.references = references;
      this.copies = copies;
      this.report = report;
    }

    public ValidationReport report() {
      return report;
    }

    /**
     * Applies the suite's correction rules to the same data, into a temporary directory deleted
     * with this evaluation.
     *
     * @throws ApiException 422 when a rule cannot apply to the data
     */
    public CorrectionReport correct() {
      try {
        correctionDir = Files.createTempDirectory("stevedore-correction-");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("could not create a temporary directory", e);
      }
      try {
        return Corrector.correct(suite, source, references, correctionDir);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(
            "the corrections of the suite cannot apply: " + e.getMessage(),
            List.of(new Problem.FieldError("corrections", e.getMessage(), null)));
      }
    }

    @Override
    public void close() {
      copies.forEach(Datasets.Fetched::close);
      if (correctionDir != null) {
        try (var files = Files.walk(correctionDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          LOG.warnf("could not delete %s: %s", correctionDir, e.getMessage());
        }
      }
    }
  }

  private static final Logger LOG = Logger.getLogger(ValidationService.class);

  private final SuiteService suites;
  private final ResultStore results;
  private final ReportStore reports;
  private final CorrectionStore corrections;
  private final Datasets datasets;
  private final Outbox outbox;
  private final ValidationConfig config;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final ValidationEngine engine;

  ValidationService(
      SuiteService suites,
      ResultStore results,
      ReportStore reports,
      CorrectionStore corrections,
      Datasets datasets,
      Outbox outbox,
      ValidationConfig config,
      ObjectMapper mapper,
      Clock clock) {
    this.suites = suites;
    this.results = results;
    this.reports = reports;
    this.corrections = corrections;
    this.datasets = datasets;
    this.outbox = outbox;
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
    UUID id = UUID.randomUUID();
    String label = "suite '" + sv.suite().name() + "' version " + sv.version().version();
    boolean correct = target.correct();
    if (correct && suite.corrections().isEmpty()) {
      if (stage == null) {
        throw ApiException.invalid(
            label + " has no corrections to apply",
            List.of(new Problem.FieldError("correct", "the suite has no corrections", "true")));
      }
      // a validate stage gets its verdict without corrected data (the orchestrator says why)
      correct = false;
    }
    OutputLocation output = correct ? outputLocation(teamId, sv, target, stage, id) : null;
    try (Evaluation ev = evaluate(teamId, suite, label, target, false)) {
      ValidationReport report = ev.report();
      Correction correction = null;
      if (output != null) {
        CorrectionReport cr = ev.correct();
        correction = Correction.of(cr, upload(output, cr.corrected()), quarantine(output, cr));
      }
      String reportUri =
          reports.write(
              reportKey(teamId, sv, stage, id),
              document(id, sv, target, stage, report, correction));
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
      ResultRow stored = store(row, correction);
      return new Outcome(stored, report, stored == row ? correction : correction(stored));
    }
  }

  /**
   * Fetches the target's data and runs the suite over it, with the anomaly checks judged against
   * the team's history (none when {@code teamId} is null). Stores nothing.
   *
   * @param label how problems name the suite, such as {@code suite 'x' version 3}
   * @param allowLocal whether the dataset and references may be local files (the one-shot task)
   * @throws ApiException 422 for an unknown format or a suite that names columns the data lacks
   * @throws io.stevedore.validation.dataset.DatasetNotFoundException when the data does not exist
   * @throws io.stevedore.validation.engine.EngineException when the data cannot be read
   */
  public Evaluation evaluate(
      UUID teamId, Suite suite, String label, Target target, boolean allowLocal) {
    // checked before any data is read
    DataFormat requested = format(target.format(), suite.format());
    List<Datasets.Fetched> copies = new ArrayList<>();
    try {
      Datasets.Fetched data = fetch(target.datasetUri(), allowLocal);
      copies.add(data);
      DataFormat format = data.format() != null ? data.format() : requested;
      DatasetSource source = new DatasetSource(suite.dataset(), format, data.path(), suite.csv());
      Map<String, Map<String, String>> known = new LinkedHashMap<>();
      known.put(suite.dataset(), ValidationEngine.columnsOf(source));
      List<DatasetSource> refs = new ArrayList<>();
      for (String name : referencedDatasets(suite)) {
        if (name.equals(suite.dataset())) {
          continue;
        }
        Optional<DatasetSource> ref =
            reference(teamId, name, target.references(), copies, allowLocal);
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
            label + " does not fit dataset " + target.datasetUri() + ": " + invalid.getMessage(),
            invalid.errors());
      }
      ValidationReport report = withHistory(teamId, suite, engine.run(suite, source, refs));
      return new Evaluation(suite, source, refs, copies, report);
    } catch (RuntimeException e) {
      copies.forEach(Datasets.Fetched::close);
      throw e;
    }
  }

  private Datasets.Fetched fetch(String uri, boolean allowLocal) {
    return allowLocal ? datasets.fetchAllowingLocal(uri) : datasets.fetch(uri);
  }

  /** Where a correction's files go. */
  record OutputLocation(String bucket, String correctedKey, String quarantineKey, boolean given) {}

  /**
   * Where the corrected dataset and the quarantined rows of a validation go.
   *
   * @throws ApiException 422 when the request's output URI is not {@code s3://bucket/key}
   */
  OutputLocation outputLocation(
      UUID teamId, SuiteVersion sv, Target target, Stage stage, UUID resultId) {
    String dataset = sv.parsed().dataset();
    String base =
        stage != null && stage.runId() != null
            ? stage.runId() + "/" + stage.stageId() + "/" + stage.attempt() + "/"
            : "adhoc/" + teamId + "/" + dataset + "/" + resultId + "/";
    String quarantineKey = base + sv.suite().name() + ".quarantine.parquet";
    if (target.outputUri() == null) {
      return new OutputLocation(
          config.stagesBucket(), base + "corrected/" + dataset + ".parquet", quarantineKey, false);
    }
    String uri = target.outputUri();
    S3Datasets.S3Uri parsed;
    try {
      parsed = S3Datasets.S3Uri.parse(uri);
    } catch (RuntimeException e) {
      parsed = null;
    }
    if (parsed == null || parsed.key().isEmpty()) {
      throw ApiException.invalid(
          "outputUri '" + uri + "' is not of the form s3://bucket/key or s3://bucket/prefix/",
          List.of(new Problem.FieldError("outputUri", "must be s3://bucket/key", uri)));
    }
    String key = parsed.isPrefix() ? parsed.key() + dataset + ".parquet" : parsed.key();
    return new OutputLocation(parsed.bucket(), key, quarantineKey, true);
  }

  private String upload(OutputLocation output, Path corrected) {
    try {
      return reports.putFile(output.bucket(), output.correctedKey(), corrected);
    } catch (NoSuchBucketException e) {
      if (output.given()) {
        throw ApiException.invalid(
            "bucket '" + output.bucket() + "' of outputUri does not exist",
            List.of(
                new Problem.FieldError(
                    "outputUri",
                    "bucket does not exist",
                    "s3://" + output.bucket() + "/" + output.correctedKey())));
      }
      throw ReportStore.missingBucket(output.bucket());
    }
  }

  private String quarantine(OutputLocation output, CorrectionReport cr) {
    String bucket = config.quarantineBucket();
    try {
      return reports.putFile(bucket, output.quarantineKey(), cr.quarantine());
    } catch (NoSuchBucketException e) {
      throw ReportStore.missingBucket(bucket);
    }
  }

  /** The correction stored with a result, if any. */
  public Correction correction(ResultRow row) {
    return corrections.forResult(row.teamId(), row.id()).orElse(null);
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
    return store(row, null);
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

  /**
   * Stores the row, its correction and, for a failed verdict, an alert, in the current transaction
   * or in one of its own; a duplicate (the same stage attempt and suite) is skipped and the stored
   * row returned.
   */
  private ResultRow store(ResultRow row, Correction correction) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () -> {
              if (!results.insert(row)) {
                return row.stageRunId() == null
                    ? row
                    : results.findForStageRun(row.stageRunId(), row.suiteId()).orElse(row);
              }
              if (correction != null) {
                corrections.insert(
                    row.id(), row.teamId(), row.dataset(), correction, row.createdAt());
              }
              if (row.verdict() == Verdict.FAIL && config.alertOnFail()) {
                outbox.send(Queues.ALERTS, alert(row, correction));
              }
              return row;
            });
  }

  /** The alert a failed result raises (kind {@code VALIDATION_FAILED}, severity critical). */
  Alert alert(ResultRow row, Correction correction) {
    List<String> failed = failedChecks(row);
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("dataset", row.dataset());
    attributes.put("datasetUri", row.datasetUri());
    attributes.put("suite", row.suite());
    attributes.put("suiteVersion", String.valueOf(row.suiteVersion()));
    attributes.put("resultId", row.id().toString());
    attributes.put("score", String.format(Locale.ROOT, "%.2f", row.score()));
    if (row.rowCount() != null) {
      attributes.put("rowCount", String.valueOf(row.rowCount()));
    }
    if (!failed.isEmpty()) {
      attributes.put("failedChecks", String.join(", ", failed));
    }
    if (row.reportUri() != null) {
      attributes.put("reportUri", row.reportUri());
    }
    if (row.attempt() != null) {
      attributes.put("attempt", String.valueOf(row.attempt()));
    }
    if (correction != null) {
      attributes.put("quarantinedRows", String.valueOf(correction.quarantinedRows()));
      attributes.put("quarantineUri", correction.quarantineUri());
    }
    String detail =
        row.error() != null
            ? "The validation could not run: " + row.error()
            : "Failed checks: "
                + String.join(", ", failed)
                + ". Score "
                + attributes.get("score")
                + " over "
                + row.rowCount()
                + " rows. Report: "
                + row.reportUri();
    return new Alert(
        UUID.randomUUID(),
        "validation",
        "VALIDATION_FAILED",
        "critical",
        row.teamId(),
        results.teamName(row.teamId()).orElse(null),
        row.runId(),
        row.stageId(),
        "dataset '" + row.dataset() + "' failed suite '" + row.suite() + "'",
        detail,
        attributes,
        List.of(),
        row.createdAt());
  }

  /**
   * Judges the report against the dataset's history (nothing when {@code teamId} is null): every
   * anomaly check of the suite compares its metric with the values it measured in the dataset's
   * last {@code window} results, once there are {@code minResults} of them; and the built-in
   * warn-severity row-count check {@value #ANOMALY_CHECK} is added once the dataset has {@code
   * history.min-results} earlier readable results.
   */
  ValidationReport withHistory(UUID teamId, Suite suite, ValidationReport report) {
    if (teamId == null) {
      return report;
    }
    ValidationConfig.History h = config.history();
    List<CheckResult> checks = new ArrayList<>(report.checks());
    for (int i = 0; i < checks.size(); i++) {
      CheckResult r = checks.get(i);
      if (r.value() == null
          || r.error() != null
          || !(suite.check(r.name()).orElse(null) instanceof Check.Anomaly a)) {
        continue;
      }
      int window = a.window() == null ? h.window() : a.window();
      int min = a.minResults() == null ? h.minResults() : a.minResults();
      double maxZ = a.maxZScore() == null ? h.maxZScore() : a.maxZScore();
      List<Double> earlier = results.recentMetricValues(teamId, report.dataset(), r.name(), window);
      if (earlier.size() < min) {
        checks.set(
            i,
            new CheckResult(
                r.name(),
                r.type(),
                r.severity(),
                r.mostly(),
                String.format(
                    Locale.ROOT,
                    "%s = %s; %d earlier results, %d needed: not judged yet",
                    a.metric(),
                    number(r.value()),
                    earlier.size(),
                    min),
                null,
                1.0,
                true,
                null,
                null,
                r.value()));
      } else {
        checks.set(
            i,
            zScoreCheck(r.name(), r.severity(), a.metric(), r.value(), earlier, maxZ, r.value()));
      }
    }
    List<Long> counts = results.recentRowCounts(teamId, report.dataset(), h.window());
    if (counts.size() >= h.minResults()) {
      checks.add(anomaly(report.rowCount(), counts, h.maxZScore()));
    }
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

  /** The built-in row-count check against earlier counts: |z| at most {@code maxZ} passes. */
  static CheckResult anomaly(long rows, List<Long> earlier, double maxZ) {
    return zScoreCheck(
        ANOMALY_CHECK,
        io.stevedore.validation.suite.Severity.WARN,
        "rows",
        rows,
        earlier.stream().map(Long::doubleValue).toList(),
        maxZ,
        null);
  }

  /**
   * A metric's value against its earlier values: passes when |z| is at most {@code maxZ}, with the
   * sample standard deviation; a constant history with another value is an infinite z-score.
   */
  static CheckResult zScoreCheck(
      String name,
      io.stevedore.validation.suite.Severity severity,
      String metric,
      double value,
      List<Double> earlier,
      double maxZ,
      Double keep) {
    double mean = earlier.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double var = 0;
    for (double c : earlier) {
      var += (c - mean) * (c - mean);
    }
    double sd = earlier.size() > 1 ? Math.sqrt(var / (earlier.size() - 1)) : 0;
    double z;
    if (sd == 0) {
      z = value == mean ? 0 : Double.POSITIVE_INFINITY;
    } else {
      z = (value - mean) / sd;
    }
    boolean passed = Math.abs(z) <= maxZ;
    String observed =
        String.format(
            Locale.ROOT,
            "%s %s; last %d results: mean %.1f, stddev %.1f; z-score %s (bound %.1f)",
            metric.equals("rows") ? number(value) : metric + " =",
            metric.equals("rows") ? "rows" : number(value),
            earlier.size(),
            mean,
            sd,
            Double.isInfinite(z) ? "infinite" : String.format(Locale.ROOT, "%.2f", z),
            maxZ);
    return new CheckResult(
        name,
        "anomaly",
        severity,
        1.0,
        observed,
        null,
        passed ? 1.0 : 0.0,
        passed,
        null,
        null,
        keep);
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  private Optional<DatasetSource> reference(
      UUID teamId,
      String name,
      Map<String, String> given,
      List<Datasets.Fetched> copies,
      boolean allowLocal) {
    String uri = given.get(name);
    if (uri == null && teamId != null) {
      uri = results.latestUri(teamId, name).orElse(null);
    }
    Optional<Suite> describing =
        teamId == null ? Optional.empty() : suites.describing(teamId, name);
    if (uri == null || (describing.isEmpty() && teamId != null)) {
      // the referential check then fails with an error naming the dataset
      return Optional.empty();
    }
    Datasets.Fetched copy = fetch(uri, allowLocal);
    copies.add(copy);
    DataFormat format =
        copy.format() != null
            ? copy.format()
            : describing.map(Suite::format).orElseGet(() -> formatOf(given.get(name)));
    Suite.CsvOptions csv = describing.map(Suite::csv).orElse(null);
    return Optional.of(new DatasetSource(name, format, copy.path(), csv));
  }

  /** The format a file name suggests (for references of the one-shot task, which has no suites). */
  static DataFormat formatOf(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
      return DataFormat.CSV;
    }
    if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
      return DataFormat.JSON;
    }
    return DataFormat.PARQUET;
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
      UUID id,
      SuiteVersion sv,
      Target target,
      Stage stage,
      ValidationReport report,
      Correction correction) {
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
    if (correction != null) {
      doc.put("correction", correction);
    }
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
      if (c.value() != null) {
        m.put("value", c.value());
      }
      list.add(m);
    }
    try {
      return mapper.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write check metrics as JSON", e);
    }
  }
}

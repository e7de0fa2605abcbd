package io.stevedore.validation.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.contract.ValidationResult.Verdict;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.spec.SpecProblem;
import io.stevedore.validation.config.ValidationConfig;
import io.stevedore.validation.dataset.DatasetNotFoundException;
import io.stevedore.validation.dataset.S3Datasets.S3Uri;
import io.stevedore.validation.domain.SuiteService;
import io.stevedore.validation.domain.ValidationService;
import io.stevedore.validation.engine.CheckResult;
import io.stevedore.validation.engine.CorrectionReport;
import io.stevedore.validation.engine.EngineException;
import io.stevedore.validation.engine.ValidationReport;
import io.stevedore.validation.store.ReportStore;
import io.stevedore.validation.store.ResultStore;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParseResult;
import io.stevedore.validation.suite.SuiteParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The one-shot task: the service's engine as a command, for datasets too large for the service
 * (they are read outside any transaction, on the task's own memory and disk).
 *
 * <pre>
 * java -jar quarkus-run.jar validate --suite suite.yaml | --suite name --team team [--version n]
 *     --dataset s3://bucket/key | postgres://source/schema.table | /local/path
 *     --report s3://bucket/key.json | /local/report.json
 *     [--format csv] [--reference name=uri ...]
 *     [--correct --output s3://bucket/prefix/ | /local/dir/ [--quarantine uri]]
 * </pre>
 *
 * Exit codes: 0 pass, 1 warn, 2 fail, 3 error (bad arguments, unknown suite or team, missing or
 * unreadable data, a suite that does not fit the data). It prints {@code PASS|WARN|FAIL <dataset>
 * ...} and a line per failed check on stdout; errors and logs go to stderr. Nothing is stored in
 * the database: the report (and the corrected dataset and quarantine file) are the output. With a
 * suite from the database, anomaly checks are judged against the team's history.
 */
@ApplicationScoped
public class OneShotValidation {

  public static final String COMMAND = "validate";
  public static final int PASS = 0;
  public static final int WARN = 1;
  public static final int FAIL = 2;
  public static final int ERROR = 3;

  static final String USAGE =
      "usage: validate --suite <file.yaml|name> [--team <team>] [--version <n>]"
          + " --dataset <s3://...|postgres://source/schema.table|path> --report <s3://...|path>"
          + " [--format parquet|csv|json] [--reference name=uri]..."
          + " [--correct --output <s3://...|path> [--quarantine <s3://...|path>]]";

  private static final List<String> OPTIONS =
      List.of(
          "suite",
          "team",
          "version",
          "dataset",
          "report",
          "format",
          "reference",
          "output",
          "quarantine");

  private final ValidationService validations;
  private final SuiteService suites;
  private final ResultStore results;
  private final ReportStore reports;
  private final ValidationConfig config;
  private final ObjectMapper mapper;

  OneShotValidation(
      ValidationService validations,
      SuiteService suites,
      ResultStore results,
      ReportStore reports,
      ValidationConfig config,
      ObjectMapper mapper) {
    this.validations = validations;
    this.suites = suites;
    this.results = results;
    this.reports = reports;
    this.config = config;
    this.mapper = mapper;
  }

  /** Bad arguments or inputs: the message goes to stderr, the exit code is {@link #ERROR}. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Runs the task; returns the exit code. */
  public int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return validate(args, out);
    } catch (UsageException e) {
      err.println(e.getMessage());
      return ERROR;
    } catch (DatasetNotFoundException | EngineException e) {
      err.println("error: " + e.getMessage());
      return ERROR;
    } catch (ApiException e) {
      err.println("error: " + e.getMessage());
      for (Problem.FieldError f : e.errors()) {
        err.println(
            "  "
                + f.field()
                + ": "
                + f.message()
                + (f.value() == null ? "" : " (" + f.value() + ")"));
      }
      return ERROR;
    } catch (RuntimeException e) {
      err.println("error: " + e);
      return ERROR;
    }
  }

  private int validate(String[] args, PrintStream out) {
    Map<String, String> opts = new LinkedHashMap<>();
    Map<String, String> references = new LinkedHashMap<>();
    boolean correct = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--correct")) {
        correct = true;
      } else if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        throw new UsageException(USAGE);
      } else if (a.startsWith("--") && OPTIONS.contains(a.substring(2)) && i + 1 < args.length) {
        String value = args[++i];
        if (a.equals("--reference")) {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new UsageException("--reference takes name=uri, got '" + value + "'\n" + USAGE);
          }
          references.put(value.substring(0, eq), value.substring(eq + 1));
        } else {
          opts.put(a.substring(2), value);
        }
      } else {
        throw new UsageException("unexpected argument '" + a + "'\n" + USAGE);
      }
    }
    for (String required : List.of("suite", "dataset", "report")) {
      if (!opts.containsKey(required)) {
        throw new UsageException("--" + required + " is required\n" + USAGE);
      }
    }
    if (correct != opts.containsKey("output")) {
      throw new UsageException("--correct and --output go together\n" + USAGE);
    }

    UUID teamId = null;
    if (opts.containsKey("team")) {
      teamId =
          results
              .teamId(opts.get("team"))
              .orElseThrow(() -> new UsageException("team '" + opts.get("team") + "' not found"));
    }
    Suite suite;
    String label;
    Integer version = null;
    Path suiteFile = Path.of(opts.get("suite"));
    if (Files.isRegularFile(suiteFile)) {
      suite = parse(suiteFile);
      label = "suite file " + suiteFile;
    } else {
      if (teamId == null) {
        throw new UsageException(
            "--suite '"
                + opts.get("suite")
                + "' is not a file; a suite read from the database needs --team");
      }
      version = version(opts.get("version"));
      var sv = suites.get(teamId, opts.get("suite"), version);
      suite = sv.parsed();
      version = sv.version().version();
      label = "suite '" + sv.suite().name() + "' version " + version;
    }
    String datasetUri = opts.get("dataset");
    ValidationService.Target target =
        new ValidationService.Target(
            opts.get("suite"), version, datasetUri, opts.get("format"), references, correct, null);

    try (ValidationService.Evaluation ev =
        validations.evaluate(teamId, suite, label, target, true)) {
      ValidationReport report = ev.report();
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("suite", label);
      doc.put("datasetUri", datasetUri);
      doc.put("report", report);
      if (correct) {
        CorrectionReport cr = ev.correct();
        String correctedUri =
            place(cr.corrected(), opts.get("output"), suite.dataset() + ".parquet");
        String quarantine = opts.get("quarantine");
        if (quarantine == null) {
          quarantine =
              opts.get("output").startsWith("s3://")
                  ? "s3://"
                      + config.quarantineBucket()
                      + "/oneshot/"
                      + suite.dataset()
                      + "/"
                      + UUID.randomUUID()
                      + ".quarantine.parquet"
                  : sibling(correctedUri, suite.dataset() + ".quarantine.parquet");
        }
        String quarantineUri =
            place(cr.quarantine(), quarantine, suite.dataset() + ".quarantine.parquet");
        Map<String, Object> correction = new LinkedHashMap<>();
        correction.put("inputRows", cr.inputRows());
        correction.put("correctedRows", cr.correctedRows());
        correction.put("quarantinedRows", cr.quarantinedRows());
        correction.put("rules", cr.rules());
        correction.put("quarantinedByCheck", cr.quarantinedByCheck());
        correction.put("correctedUri", correctedUri);
        correction.put("quarantineUri", quarantineUri);
        doc.put("correction", correction);
        out.printf(
            Locale.ROOT,
            "corrected %d of %d rows kept to %s; %d quarantined to %s%n",
            cr.correctedRows(),
            cr.inputRows(),
            correctedUri,
            cr.quarantinedRows(),
            quarantineUri);
      }
      String reportUri = writeReport(opts.get("report"), doc);
      out.printf(
          Locale.ROOT,
          "%s %s score %.2f rows %d report %s%n",
          report.verdict(),
          report.dataset(),
          report.score(),
          report.rowCount(),
          reportUri);
      for (CheckResult c : report.checks()) {
        if (!c.passed()) {
          out.println(
              "  failed "
                  + c.name()
                  + " ("
                  + c.severity().wire()
                  + "): "
                  + (c.error() != null ? c.error() : c.observed()));
        }
      }
      return report.verdict() == Verdict.PASS
          ? PASS
          : report.verdict() == Verdict.WARN ? WARN : FAIL;
    }
  }

  private static Suite parse(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UsageException("suite file " + file + " cannot be read: " + e.getMessage());
    }
    SuiteParseResult parsed = SuiteParser.parse(text);
    if (!parsed.isValid()) {
      StringBuilder sb = new StringBuilder("suite file " + file + " is invalid:");
      for (SpecProblem p : parsed.problems()) {
        sb.append("\n  ").append(p.path()).append(": ").append(p.message());
        if (p.value() != null) {
          sb.append(" (").append(p.value()).append(')');
        }
      }
      throw new UsageException(sb.toString());
    }
    return parsed.suite();
  }

  private static Integer version(String text) {
    if (text == null) {
      return null;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageException("--version must be a positive whole number, got '" + text + "'");
  }

  /** Puts a file at an S3 URI or local path (a prefix or directory receives {@code name}). */
  private String place(Path file, String where, String name) {
    if (where.startsWith("s3://")) {
      S3Uri uri = S3Uri.parse(where);
      String key = uri.isPrefix() ? uri.key() + name : uri.key();
      return reports.putFile(uri.bucket(), key, file);
    }
    Path target = Path.of(where);
    try {
      if (where.endsWith("/") || Files.isDirectory(target)) {
        Files.createDirectories(target);
        target = target.resolve(name);
      } else if (target.toAbsolutePath().getParent() != null) {
        Files.createDirectories(target.toAbsolutePath().getParent());
      }
      Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UsageException("cannot write " + target + ": " + e.getMessage());
    }
    return target.toAbsolutePath().toString();
  }

  private static String sibling(String path, String name) {
    Path parent = Path.of(path).toAbsolutePath().getParent();
    return parent.resolve(name).toString();
  }

  private String writeReport(String where, Map<String, Object> doc) {
    if (where.startsWith("s3://")) {
      S3Uri uri = S3Uri.parse(where);
      if (uri.isPrefix()) {
        throw new UsageException("--report must name an object, not a prefix: " + where);
      }
      return reports.write(uri.bucket(), uri.key(), doc);
    }
    Path target = Path.of(where).toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Files.write(target, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    } catch (IOException e) {
      throw new UsageException("cannot write report " + target + ": " + e.getMessage());
    }
    return target.toString();
  }
}

package io.stevedore.validation.api.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.validation.api.dashboard.DashboardStore.RecentResult;
import io.stevedore.validation.api.dashboard.DashboardViews.Cell;
import io.stevedore.validation.api.dashboard.DashboardViews.CorrectionsView;
import io.stevedore.validation.api.dashboard.DashboardViews.DatasetPage;
import io.stevedore.validation.api.dashboard.DashboardViews.DatasetRow;
import io.stevedore.validation.api.dashboard.DashboardViews.FailingCheck;
import io.stevedore.validation.api.dashboard.DashboardViews.HistoryRow;
import io.stevedore.validation.api.dashboard.DashboardViews.Latest;
import io.stevedore.validation.api.dashboard.DashboardViews.SampleRow;
import io.stevedore.validation.api.dashboard.DashboardViews.SampleTable;
import io.stevedore.validation.store.ResultStore;
import io.stevedore.validation.store.ResultStore.ResultRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Builds the dashboard's pages from a team's results; every read is scoped to the team. */
@ApplicationScoped
public class Dashboard {

  private final DashboardStore store;
  private final ResultStore results;
  private final DashboardReports reports;
  private final DashboardCorrections corrections;
  private final DashboardConfig config;
  private final ObjectMapper mapper;

  Dashboard(
      DashboardStore store,
      ResultStore results,
      DashboardReports reports,
      DashboardCorrections corrections,
      DashboardConfig config,
      ObjectMapper mapper) {
    this.store = store;
    this.results = results;
    this.reports = reports;
    this.corrections = corrections;
    this.config = config;
    this.mapper = mapper;
  }

  /**
   * The team's datasets by name: those with results with their latest verdict, score and trend,
   * then the datasets its suites describe that were never validated.
   */
  public List<DatasetRow> datasets(UUID teamId) {
    Map<String, List<RecentResult>> byDataset = new LinkedHashMap<>();
    for (RecentResult r : store.recentByDataset(teamId, Math.max(1, config.trendLength()))) {
      byDataset.computeIfAbsent(r.dataset(), d -> new ArrayList<>()).add(r);
    }
    List<DatasetRow> rows = new ArrayList<>();
    for (var e : byDataset.entrySet()) {
      List<RecentResult> newestFirst = e.getValue();
      RecentResult latest = newestFirst.get(0);
      List<Double> scores = new ArrayList<>();
      for (int i = newestFirst.size() - 1; i >= 0; i--) {
        scores.add(newestFirst.get(i).score());
      }
      Double previous = newestFirst.size() > 1 ? newestFirst.get(1).score() : null;
      rows.add(
          new DatasetRow(
              e.getKey(),
              href(e.getKey()),
              latest.suite(),
              latest.verdict().name(),
              latest.verdict().name().toLowerCase(Locale.ROOT),
              DashboardFormat.score(latest.score()),
              DashboardFormat.count(latest.rowCount()),
              DashboardFormat.time(latest.createdAt()),
              Sparkline.of(scores, 120, 28),
              DashboardFormat.change(latest.score(), previous),
              latest.error()));
    }
    for (String dataset : store.describedDatasets(teamId)) {
      if (!byDataset.containsKey(dataset)) {
        rows.add(
            new DatasetRow(
                dataset,
                null,
                "",
                "not validated yet",
                "none",
                "",
                "",
                "",
                Sparkline.of(List.of(), 120, 28),
                "",
                null));
      }
    }
    rows.sort((a, b) -> a.name().compareTo(b.name()));
    return rows;
  }

  /** A dataset's page, or empty when the team has no result for it. */
  public Optional<DatasetPage> dataset(UUID teamId, String dataset) {
    List<ResultRow> history = results.recent(teamId, dataset, Math.max(1, config.historyLength()));
    if (history.isEmpty()) {
      return Optional.empty();
    }
    ResultRow latest = history.get(0);
    List<JsonNode> latestChecks = checks(latest);
    List<JsonNode> failed =
        latestChecks.stream().filter(c -> !c.path("passed").asBoolean()).toList();

    DashboardReports.Lookup report = reports.read(latest.reportUri());
    Map<String, JsonNode> samplesByCheck = new LinkedHashMap<>();
    if (report.document() != null) {
      for (JsonNode c : report.document().path("report").path("checks")) {
        samplesByCheck.put(c.path("name").asText(), c.path("samples"));
      }
    }
    List<FailingCheck> failing = new ArrayList<>();
    for (JsonNode c : failed) {
      String name = c.path("name").asText();
      failing.add(
          new FailingCheck(
              name,
              c.path("type").asText(""),
              c.path("severity").asText(""),
              c.path("failedRows").isIntegralNumber()
                  ? DashboardFormat.count(c.path("failedRows").asLong())
                  : "",
              DashboardFormat.percent(c.path("passRatio").asDouble()),
              textOrNull(c.path("observed")),
              textOrNull(c.path("error")),
              samples(samplesByCheck.get(name), c.path("failedRows"))));
    }

    List<Double> scores = new ArrayList<>();
    int trend = Math.min(history.size(), Math.max(1, config.trendLength()));
    for (int i = trend - 1; i >= 0; i--) {
      scores.add(history.get(i).score());
    }
    List<HistoryRow> rows = new ArrayList<>();
    for (ResultRow r : history) {
      List<String> failedNames =
          checks(r).stream()
              .filter(c -> !c.path("passed").asBoolean())
              .map(c -> c.path("name").asText())
              .toList();
      rows.add(
          new HistoryRow(
              DashboardFormat.time(r.createdAt()),
              r.verdict().name(),
              r.verdict().name().toLowerCase(Locale.ROOT),
              DashboardFormat.score(r.score()),
              DashboardFormat.count(r.rowCount()),
              String.join(", ", failedNames),
              r.suite() + " v" + r.suiteVersion(),
              origin(r),
              r.error()));
    }
    CorrectionsView corrected =
        latest.reportUri() == null
            ? CorrectionsView.none("No corrections: the validation could not run.")
            : corrections.fromReport(report.document());
    return Optional.of(
        new DatasetPage(
            dataset,
            new Latest(
                latest.suite(),
                latest.suiteVersion(),
                latest.verdict().name(),
                latest.verdict().name().toLowerCase(Locale.ROOT),
                DashboardFormat.score(latest.score()),
                DashboardFormat.count(latest.rowCount()),
                DashboardFormat.time(latest.createdAt()),
                latest.datasetUri(),
                latest.reportUri(),
                origin(latest),
                latest.error(),
                latestChecks.size(),
                failed.size()),
            failing,
            failed.isEmpty() || latest.reportUri() == null ? null : report.problem(),
            Sparkline.of(scores, 480, 80),
            rows,
            corrected));
  }

  /** The path of a dataset's page, its name percent-encoded as one path segment. */
  static String href(String dataset) {
    return "/dashboard/datasets/"
        + URLEncoder.encode(dataset, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private SampleTable samples(JsonNode samples, JsonNode failedRows) {
    if (samples == null || !samples.isArray() || samples.isEmpty()) {
      return new SampleTable(List.of(), List.of(), "");
    }
    int shown = Math.min(samples.size(), Math.max(0, config.samplesShown()));
    Set<String> columns = new LinkedHashSet<>();
    for (int i = 0; i < shown; i++) {
      Iterator<String> names = samples.get(i).path("row").fieldNames();
      names.forEachRemaining(columns::add);
    }
    List<SampleRow> rows = new ArrayList<>();
    for (int i = 0; i < shown; i++) {
      JsonNode sample = samples.get(i);
      JsonNode row = sample.path("row");
      List<Cell> cells = new ArrayList<>();
      for (String column : columns) {
        JsonNode v = row.get(column);
        if (v == null || v.isNull()) {
          cells.add(new Cell("null", true));
        } else {
          cells.add(new Cell(v.isValueNode() ? v.asText() : v.toString(), false));
        }
      }
      rows.add(new SampleRow(sample.path("reason").asText(""), cells));
    }
    String note =
        failedRows.isIntegralNumber()
            ? shown + " of " + DashboardFormat.count(failedRows.asLong()) + " failing rows shown"
            : shown + " failing rows shown";
    return new SampleTable(List.copyOf(columns), rows, note);
  }

  private List<JsonNode> checks(ResultRow r) {
    try {
      JsonNode all = mapper.readTree(r.metrics() == null ? "[]" : r.metrics());
      List<JsonNode> list = new ArrayList<>();
      all.forEach(list::add);
      return list;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metrics of validation " + r.id() + " are not JSON");
    }
  }

  private static String origin(ResultRow r) {
    if (r.runId() == null) {
      return "ad hoc (HTTP)";
    }
    return "run " + r.runId() + ", stage " + r.stageId() + ", attempt " + r.attempt();
  }

  private static String textOrNull(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
  }
}

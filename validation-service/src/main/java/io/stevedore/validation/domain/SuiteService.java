package io.stevedore.validation.domain;

import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.spec.SpecProblem;
import io.stevedore.validation.store.SuiteStore;
import io.stevedore.validation.store.SuiteStore.SuiteRow;
import io.stevedore.validation.store.SuiteStore.VersionRow;
import io.stevedore.validation.suite.Catalog;
import io.stevedore.validation.suite.Suite;
import io.stevedore.validation.suite.SuiteParseResult;
import io.stevedore.validation.suite.SuiteParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A team's suites: every change is a new immutable version; sending the latest version's text again
 * changes nothing. A suite is checked when saved: its structure, and that every dataset a
 * referential check names is the dataset of one of the team's suites (its columns are checked when
 * data is validated, since only the data knows them).
 */
@ApplicationScoped
public class SuiteService {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

  /** A suite at one version, parsed. */
  public record SuiteVersion(SuiteRow suite, VersionRow version, Suite parsed) {}

  /** The outcome of a save: whether the suite is new, and whether a version was added. */
  public record Saved(SuiteVersion suite, boolean created, boolean changed) {}

  private final SuiteStore store;
  private final Clock clock;

  SuiteService(SuiteStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Saves a suite from its YAML or JSON text under {@code name} (default: its dataset's name).
   *
   * @throws ApiException 422 listing every problem of the suite
   */
  @Transactional
  public Saved save(UUID teamId, String name, String text) {
    Suite suite = parse(teamId, text);
    String suiteName = name == null || name.isBlank() ? suite.dataset() : name;
    if (!NAME.matcher(suiteName).matches()) {
      throw ApiException.invalid(
          "suite name '" + suiteName + "' is invalid",
          List.of(
              new Problem.FieldError(
                  "name",
                  "letters, digits, '_', '.' and '-', starting with a letter or '_', at most 128",
                  suiteName)));
    }
    Instant now = clock.instant();
    boolean created = store.insert(UUID.randomUUID(), teamId, suiteName, now);
    SuiteRow row = store.findForUpdate(teamId, suiteName).orElseThrow();
    if (row.latestVersion() > 0) {
      VersionRow latest = store.version(row.id(), row.latestVersion()).orElseThrow();
      if (latest.source().equals(text)) {
        return new Saved(new SuiteVersion(row, latest, suite), false, false);
      }
    }
    int version = row.latestVersion() + 1;
    VersionRow v =
        new VersionRow(row.id(), version, suite.dataset(), suite.format().wire(), text, now);
    store.addVersion(row, version, v);
    SuiteRow updated = store.find(teamId, suiteName).orElseThrow();
    return new Saved(new SuiteVersion(updated, v, suite), created, true);
  }

  /**
   * The named suite at {@code version}, or its latest.
   *
   * @throws ApiException 404 when the team has no such suite or version
   */
  public SuiteVersion get(UUID teamId, String name, Integer version) {
    return find(teamId, name, version)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    version == null
                        ? "suite '" + name + "' not found"
                        : "suite '" + name + "' version " + version + " not found"));
  }

  /** As {@link #get}, empty when not found. */
  public Optional<SuiteVersion> find(UUID teamId, String name, Integer version) {
    Optional<SuiteRow> row = store.find(teamId, name);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    int v = version == null ? row.get().latestVersion() : version;
    return store
        .version(row.get().id(), v)
        .map(vr -> new SuiteVersion(row.get(), vr, SuiteParser.parse(vr.source()).orElseThrow()));
  }

  public List<SuiteRow> list(UUID teamId) {
    return store.list(teamId);
  }

  /** The latest suite of the team that describes {@code dataset}, if any. */
  public Optional<Suite> describing(UUID teamId, String dataset) {
    return store.latestOfTeam(teamId).stream()
        .filter(v -> v.dataset().equals(dataset))
        .findFirst()
        .map(v -> SuiteParser.parse(v.source()).orElseThrow());
  }

  private Suite parse(UUID teamId, String text) {
    Map<String, Map<String, String>> known = new HashMap<>();
    for (VersionRow v : store.latestOfTeam(teamId)) {
      known.put(v.dataset(), Map.of());
    }
    SuiteParseResult structural = SuiteParser.parse(text);
    if (!structural.isValid()) {
      // parse again against the team's datasets, so dataset problems show at the same time
      throw SuiteParseResult.invalid(SuiteParser.parse(text, Catalog.of(known)).problems());
    }
    Suite suite = structural.suite();
    known.put(suite.dataset(), Map.of());
    List<SpecProblem> problems = SuiteParser.validate(suite, Catalog.of(known));
    if (!problems.isEmpty()) {
      throw SuiteParseResult.invalid(problems);
    }
    return suite;
  }
}

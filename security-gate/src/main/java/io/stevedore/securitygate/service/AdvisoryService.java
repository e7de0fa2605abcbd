package io.stevedore.securitygate.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.store.SchemaMigrator;
import io.stevedore.securitygate.advisory.Advisory;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.advisory.OsvImporter;
import io.stevedore.securitygate.store.AdvisoryStore;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The advisory database: OSV records in {@code security_gate.advisories}, mirrored in the process's
 * {@link AdvisoryIndex}, which is loaded at start-up and updated in place by each import once it
 * commits. An import that changes the data version starts a rescan of recent images.
 */
@ApplicationScoped
public class AdvisoryService {

  private static final Logger LOG = Logger.getLogger(AdvisoryService.class);
  private static final ObjectMapper OSV = new ObjectMapper();

  private final AdvisoryIndex index;
  private final AdvisoryStore store;
  private final Json json;
  private final Clock clock;
  private final RescanService rescans;

  AdvisoryService(
      AdvisoryIndex index, AdvisoryStore store, Json json, Clock clock, RescanService rescans) {
    this.index = index;
    this.store = store;
    this.json = json;
    this.clock = clock;
    this.rescans = rescans;
  }

  /** What an import did, and the data version it left. */
  public record ImportResult(
      UUID id,
      Instant importedAt,
      String source,
      int inserted,
      int updated,
      int unchanged,
      List<String> problems,
      String previousDataVersion,
      String dataVersion,
      int advisories) {}

  void load(@Observes @Priority(SchemaMigrator.PRIORITY + 2) StartupEvent event) {
    long start = System.nanoTime();
    List<String> problems = loadInto(store, index);
    LOG.infof(
        "loaded %d advisories (data version %s) in %d ms%s",
        index.size(),
        index.dataVersion(),
        (System.nanoTime() - start) / 1_000_000,
        problems.isEmpty() ? "" : "; unreadable: " + problems);
  }

  /** Reads every stored OSV record into {@code index}; returns the records that did not parse. */
  public static List<String> loadInto(AdvisoryStore store, AdvisoryIndex index) {
    List<String> problems = new ArrayList<>();
    store.forEach(
        (osv, importedAt) -> {
          try {
            index.upsert(OsvImporter.parse(OSV.readTree(osv), importedAt));
          } catch (IOException | IllegalArgumentException e) {
            problems.add(e.getMessage());
          }
        });
    return problems;
  }

  public AdvisoryIndex index() {
    return index;
  }

  /**
   * Imports OSV JSON (one record or an array) or a zip of {@code .json} records. Records are stored
   * in one transaction; the in-memory index changes only after it commits.
   *
   * @param teamId who imported, recorded with the import
   */
  public ImportResult importBytes(UUID teamId, String source, byte[] body) {
    boolean zip = body.length >= 4 && body[0] == 'P' && body[1] == 'K';
    List<Advisory> stored = new ArrayList<>();
    String before = index.dataVersion();
    OsvImporter.Report report =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  OsvImporter importer =
                      new OsvImporter(
                          (Advisory a, JsonNode osv) -> {
                            AdvisoryIndex.Change change = store.upsert(a, osv.toString());
                            if (change != AdvisoryIndex.Change.UNCHANGED) {
                              stored.add(a);
                            }
                            return change;
                          },
                          clock);
                  try {
                    return zip
                        ? importer.importZip(new ByteArrayInputStream(body), source)
                        : importer.importJson(body, source);
                  } catch (IOException e) {
                    return new OsvImporter.Report(
                        0,
                        0,
                        0,
                        List.of(source + ": not a readable zip: " + e.getMessage()),
                        clock.instant());
                  }
                });
    if (report.inserted() + report.updated() + report.unchanged() == 0) {
      throw ApiException.invalid(
          "no OSV advisory could be read from '" + source + "'",
          report.problems().isEmpty()
              ? List.of(new Problem.FieldError("body", "no OSV records found", null))
              : report.problems().stream()
                  .limit(20)
                  .map(p -> new Problem.FieldError("body", p, null))
                  .toList());
    }
    stored.forEach(index::upsert);
    String after = index.dataVersion();
    UUID id = UUID.randomUUID();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                store.recordImport(
                    new AdvisoryStore.ImportRow(
                        id,
                        report.importedAt(),
                        source,
                        teamId,
                        report.inserted(),
                        report.updated(),
                        report.unchanged(),
                        json.write(report.problems()),
                        after)));
    LOG.infof(
        "advisory import '%s': %d new, %d updated, %d unchanged, %d problems; data version %s",
        source,
        report.inserted(),
        report.updated(),
        report.unchanged(),
        report.problems().size(),
        after);
    if (!after.equals(before)) {
      rescans.requestRescan(after);
    }
    return new ImportResult(
        id,
        report.importedAt(),
        source,
        report.inserted(),
        report.updated(),
        report.unchanged(),
        report.problems(),
        before,
        after,
        index.size());
  }
}

package io.stevedore.securitygate.store;

import io.stevedore.common.store.Jdbc;
import io.stevedore.securitygate.advisory.Advisory;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;

/** Imported OSV records and the record of each import (schema {@code security_gate}). */
@ApplicationScoped
public class AdvisoryStore {

  /** One import. */
  public record ImportRow(
      UUID id,
      Instant importedAt,
      String source,
      UUID teamId,
      int inserted,
      int updated,
      int unchanged,
      String problemsJson,
      String dataVersion) {}

  private final Jdbc jdbc;

  AdvisoryStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores an advisory unless a version modified at the same time or later is stored; says what it
   * did. Its package index rows are replaced with it.
   */
  public AdvisoryIndex.Change upsert(Advisory advisory, String osvJson) {
    // insert-or-conditional-update, so concurrent imports of the same record cannot collide
    int inserted =
        jdbc.update(
            "insert into security_gate.advisories (id, modified, imported_at, osv)"
                + " values (?, ?, ?, ?::jsonb) on conflict (id) do nothing",
            advisory.id(),
            advisory.modified(),
            advisory.importedAt(),
            osvJson);
    AdvisoryIndex.Change change = AdvisoryIndex.Change.INSERTED;
    if (inserted == 0) {
      int updated =
          jdbc.update(
              "update security_gate.advisories set modified = ?, imported_at = ?, osv = ?::jsonb"
                  + " where id = ? and modified < ?",
              advisory.modified(),
              advisory.importedAt(),
              osvJson,
              advisory.id(),
              advisory.modified());
      if (updated == 0) {
        return AdvisoryIndex.Change.UNCHANGED;
      }
      change = AdvisoryIndex.Change.UPDATED;
      jdbc.update(
          "delete from security_gate.advisory_packages where advisory_id = ?", advisory.id());
    }
    for (Advisory.Affected a : advisory.affected()) {
      jdbc.update(
          "insert into security_gate.advisory_packages (advisory_id, ecosystem, name)"
              + " values (?, ?, ?) on conflict do nothing",
          advisory.id(),
          a.ecosystem(),
          a.name());
    }
    return change;
  }

  /** Every stored OSV record with its import time, in id order. */
  public void forEach(BiConsumer<String, Instant> consumer) {
    jdbc.list(
            "select osv::text as osv, imported_at from security_gate.advisories order by id",
            rs -> {
              consumer.accept(rs.getString("osv"), Jdbc.instant(rs, "imported_at"));
              return Boolean.TRUE;
            })
        .size();
  }

  public void recordImport(ImportRow row) {
    jdbc.update(
        "insert into security_gate.advisory_imports (id, imported_at, source, team_id, inserted,"
            + " updated, unchanged, problems, data_version) values (?, ?, ?, ?, ?, ?, ?, ?::jsonb,"
            + " ?)",
        row.id(),
        row.importedAt(),
        row.source(),
        row.teamId(),
        row.inserted(),
        row.updated(),
        row.unchanged(),
        row.problemsJson(),
        row.dataVersion());
  }

  /** The latest imports, newest first. */
  public List<ImportRow> recentImports(int limit) {
    return jdbc.list(
        "select id, imported_at, source, team_id, inserted, updated, unchanged,"
            + " problems::text as problems, data_version from security_gate.advisory_imports"
            + " order by imported_at desc limit ?",
        rs ->
            new ImportRow(
                rs.getObject("id", UUID.class),
                Jdbc.instant(rs, "imported_at"),
                rs.getString("source"),
                rs.getObject("team_id", UUID.class),
                rs.getInt("inserted"),
                rs.getInt("updated"),
                rs.getInt("unchanged"),
                rs.getString("problems"),
                rs.getString("data_version")),
        limit);
  }
}

package io.stevedore.validation.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.common.store.Jdbc;
import io.stevedore.validation.domain.Correction;
import io.stevedore.validation.engine.CorrectionReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Corrections made by the service, one per corrected result (table {@code corrections}). */
@ApplicationScoped
public class CorrectionStore {

  private static final TypeReference<List<CorrectionReport.RuleOutcome>> RULES =
      new TypeReference<>() {};
  private static final TypeReference<Map<String, Long>> BY_CHECK = new TypeReference<>() {};

  private final Jdbc jdbc;
  private final ObjectMapper mapper;

  CorrectionStore(Jdbc jdbc, ObjectMapper mapper) {
    this.jdbc = jdbc;
    this.mapper = mapper;
  }

  /** Records the correction of a stored result. */
  public void insert(UUID resultId, UUID teamId, String dataset, Correction c, Instant createdAt) {
    jdbc.update(
        "insert into validation.corrections (id, result_id, team_id, dataset, input_rows,"
            + " corrected_rows, quarantined_rows, rules, quarantined_by_check, corrected_uri,"
            + " quarantine_uri, created_at)"
            + " values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?, ?)",
        UUID.randomUUID(),
        resultId,
        teamId,
        dataset,
        c.inputRows(),
        c.correctedRows(),
        c.quarantinedRows(),
        json(c.rules()),
        json(c.quarantinedByCheck()),
        c.correctedUri(),
        c.quarantineUri(),
        createdAt);
  }

  /** The correction of a result of the team, if it was corrected. */
  public Optional<Correction> forResult(UUID teamId, UUID resultId) {
    return jdbc.one(
        "select input_rows, corrected_rows, quarantined_rows, rules::text, quarantined_by_check::text,"
            + " corrected_uri, quarantine_uri from validation.corrections"
            + " where team_id = ? and result_id = ?",
        this::row,
        teamId,
        resultId);
  }

  private Correction row(ResultSet rs) throws SQLException {
    try {
      return new Correction(
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          mapper.readValue(rs.getString(4), RULES),
          mapper.readValue(rs.getString(5), BY_CHECK),
          rs.getString(6),
          rs.getString(7));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored correction is not JSON: " + e.getOriginalMessage());
    }
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a correction as JSON", e);
    }
  }
}

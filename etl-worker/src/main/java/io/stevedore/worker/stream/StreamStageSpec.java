package io.stevedore.worker.stream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * The part of a stream stage's spec ({@code STEVEDORE_STAGE_SPEC}) that stream mode reads; other
 * fields of the stage are ignored.
 *
 * @param id the stage's id
 * @param sql the stage's SQL over the micro-batch, as table {@code batch}
 * @param source where records come from
 * @param target where the SQL's rows go
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record StreamStageSpec(String id, String sql, Source source, Target target) {

  /**
   * @param kind {@code sqs} or {@code kinesis}
   * @param uri {@code sqs://<queue-url-or-name>} or {@code kinesis://<stream-name>}
   * @param format {@code json} (the only format: each record is a JSON object)
   * @param columns optional explicit DuckDB column types, such as {@code {"zip": "VARCHAR"}}
   */
  @RegisterForReflection
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(String kind, String uri, String format, Map<String, String> columns) {}

  /**
   * @param kind {@code postgres} (the warehouse connection)
   * @param table {@code schema.table} or {@code table}
   * @param mode {@code append} or {@code merge}
   * @param key the key columns for {@code merge}
   */
  @RegisterForReflection
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Target(String kind, String table, String mode, List<String> key) {}
}

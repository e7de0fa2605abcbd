package io.stevedore.worker.stage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * The part of a pipeline stage ({@code STEVEDORE_STAGE_SPEC}, the stage as the orchestrator stores
 * it) the worker uses. Worker-local on purpose: the worker does not depend on {@code common}.
 * Unknown fields are ignored, so a newer spec does not break an older worker.
 *
 * @param id the stage id
 * @param type extract, transform or load (others are not the worker's)
 * @param dependsOn the stages whose outputs are this stage's inputs
 * @param source what an extract reads
 * @param sql what a transform runs
 * @param target where a load writes
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record StageSpec(
    String id, String type, List<String> dependsOn, Source source, String sql, Target target) {

  public StageSpec {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
  }

  /**
   * What an extract reads.
   *
   * @param kind s3, postgres or http
   * @param uri s3: an object or a prefix
   * @param query postgres: the query, with named parameters such as {@code :logical_date}
   * @param format parquet, csv or json
   * @param columns explicit SQL types by column name
   * @param connection postgres: the connection's name; default {@code warehouse}
   */
  @RegisterForReflection
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(
      String kind,
      String uri,
      String query,
      String format,
      Map<String, String> columns,
      String connection) {

    public Source {
      columns = columns == null ? Map.of() : Map.copyOf(columns);
    }
  }

  /**
   * Where a load writes.
   *
   * @param kind postgres, s3 or jdbc
   * @param uri s3: the prefix
   * @param table postgres and jdbc: the table
   * @param format s3: the file format
   * @param mode append, overwrite or merge
   * @param key merge: the key columns
   * @param partitionBy s3: the partition columns
   * @param connection postgres and jdbc: the connection's name
   * @param createTable postgres and jdbc: create the table when it does not exist
   */
  @RegisterForReflection
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Target(
      String kind,
      String uri,
      String table,
      String format,
      String mode,
      List<String> key,
      List<String> partitionBy,
      String connection,
      boolean createTable) {

    public Target {
      key = key == null ? List.of() : List.copyOf(key);
      partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
    }
  }
}

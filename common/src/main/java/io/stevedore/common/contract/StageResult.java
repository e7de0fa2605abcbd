package io.stevedore.common.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stage attempt did, as its worker reports it at the end in a {@link TaskEvent} of kind
 * {@code RESULT}. Every field is optional: a worker reports what it knows.
 *
 * @param rowsIn rows read from the stage's inputs
 * @param rowsOut rows written to its output or target
 * @param bytesIn bytes read
 * @param bytesOut bytes written
 * @param durationMs the stage's work, in milliseconds
 * @param schema the output's columns, in order
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageResult(
    Long rowsIn, Long rowsOut, Long bytesIn, Long bytesOut, Long durationMs, List<Column> schema) {

  /**
   * A column of the output.
   *
   * @param name the column's name
   * @param type its type, as the engine names it ({@code VARCHAR}, {@code BIGINT}, {@code
   *     DECIMAL(18,3)}...)
   */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Column(String name, String type) {}

  /**
   * What is wrong with this result, one readable line per problem (a negative count, a column
   * without a name); empty when it can be stored.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    negative(problems, "rowsIn", rowsIn);
    negative(problems, "rowsOut", rowsOut);
    negative(problems, "bytesIn", bytesIn);
    negative(problems, "bytesOut", bytesOut);
    negative(problems, "durationMs", durationMs);
    if (schema != null) {
      for (int i = 0; i < schema.size(); i++) {
        Column column = schema.get(i);
        if (column == null || column.name() == null || column.name().isBlank()) {
          problems.add("result.schema[" + i + "] has no name");
        }
      }
    }
    return problems;
  }

  private static void negative(List<String> problems, String field, Long value) {
    if (value != null && value < 0) {
      problems.add("result." + field + " is negative: " + value);
    }
  }
}

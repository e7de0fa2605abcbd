package io.stevedore.worker.engine;

import java.util.List;
import java.util.Map;

/**
 * What a stage's work produced, before the runner adds its duration and reports it.
 *
 * @param outputs output name ({@code data}) to URI; empty for a load
 * @param rowsIn rows read
 * @param rowsOut rows written
 * @param bytesIn bytes read
 * @param bytesOut bytes written
 * @param schema the output's columns {@code [{name, type}]}
 */
public record StageWork(
    Map<String, String> outputs,
    long rowsIn,
    long rowsOut,
    long bytesIn,
    long bytesOut,
    List<Column> schema) {

  /** The name of a stage's main output, as the orchestrator and validation-service read it. */
  public static final String DATA = "data";
}

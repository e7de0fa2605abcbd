package io.stevedore.worker.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.stevedore.worker.engine.Column;
import java.util.List;

/**
 * What a succeeded stage attempt did, sent in its RESULT event ({@code result}) and printed as one
 * JSON line on stdout.
 *
 * @param rowsIn rows read from the inputs
 * @param rowsOut rows written
 * @param bytesIn bytes downloaded (or sent by the database)
 * @param bytesOut bytes written
 * @param durationMs the attempt's duration
 * @param schema the output's columns, {@code [{name, type}]}
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageResult(
    long rowsIn, long rowsOut, long bytesIn, long bytesOut, long durationMs, List<Column> schema) {}

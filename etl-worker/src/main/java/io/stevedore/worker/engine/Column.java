package io.stevedore.worker.engine;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A column of a stage's output, as reported in its result.
 *
 * @param name the column's name
 * @param type its DuckDB type ({@code VARCHAR}, {@code BIGINT}, {@code DECIMAL(9,6)}...)
 */
@RegisterForReflection
public record Column(String name, String type) {}

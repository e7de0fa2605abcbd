package io.stevedore.validation.engine;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * One failing row kept as an example.
 *
 * @param reason why it failed, such as {@code delay outside [-60, 600]}
 * @param row the row's values by column (for a uniqueness check: the duplicated key and how many
 *     rows share it)
 */
@RegisterForReflection
public record FailedRow(String reason, Map<String, Object> row) {}

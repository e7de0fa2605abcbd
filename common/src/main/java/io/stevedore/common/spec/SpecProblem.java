package io.stevedore.common.spec;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Objects;

/**
 * One thing wrong with a pipeline spec.
 *
 * <p>{@code toString()} reads {@code path: message}, e.g. {@code stages[3].dependsOn[0]: unknown
 * stage 'extract-flight'}; a problem with the whole document (a syntax error, an empty document)
 * has an empty path and reads as its message alone.
 *
 * @param path where the problem is, in {@code a.b[3].c} notation ({@code ""} for the document
 *     itself); a name that is not a plain word is quoted, as in {@code env['MY VAR']}
 * @param message what is wrong, for people; never a Java class name
 * @param value the offending value as text (a scalar as written, a list or object as compact JSON),
 *     or {@code null} when the value is absent
 */
@RegisterForReflection
public record SpecProblem(String path, String message, String value) {

  public SpecProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}

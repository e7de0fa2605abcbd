package io.stevedore.validation.suite;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A rule that corrects a dataset. Rules apply in the order written: value rules ({@link Trim},
 * {@link Cast}, {@link FillNull}) rewrite columns; then {@link DropInvalid} moves the rows that
 * still fail the named checks to quarantine.
 */
@RegisterForReflection
public sealed interface CorrectionRule {

  /** The rule's type as a suite writes it. */
  String type();

  /** Removes leading and trailing whitespace from text columns. */
  @RegisterForReflection
  record Trim(List<String> columns) implements CorrectionRule {
    public String type() {
      return "trim";
    }
  }

  /** Casts a column to {@code to}; values that do not convert become {@code defaultValue}. */
  @RegisterForReflection
  record Cast(String column, String to, Object defaultValue) implements CorrectionRule {
    public String type() {
      return "cast";
    }
  }

  /** Replaces nulls of a column by {@code value}. */
  @RegisterForReflection
  record FillNull(String column, Object value) implements CorrectionRule {
    public String type() {
      return "fillNull";
    }
  }

  /** Moves rows that fail any of the named row-level checks to quarantine, with the reasons. */
  @RegisterForReflection
  record DropInvalid(List<String> checks) implements CorrectionRule {
    public String type() {
      return "dropInvalid";
    }
  }
}

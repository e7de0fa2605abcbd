package io.stevedore.validation.suite;

/**
 * What a failed check does to the verdict: {@code warn} lowers it to warn, {@code fail} fails it.
 */
public enum Severity {
  WARN,
  FAIL;

  /** The name as a suite writes it. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

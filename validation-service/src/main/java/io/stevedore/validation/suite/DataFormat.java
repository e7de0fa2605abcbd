package io.stevedore.validation.suite;

/** How a dataset is stored: Parquet, CSV (with a header) or JSON lines. */
public enum DataFormat {
  PARQUET,
  CSV,
  JSON;

  /** The name as a suite writes it. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

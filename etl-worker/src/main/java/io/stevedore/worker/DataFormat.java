package io.stevedore.worker;

/** File formats the worker reads and writes (as in the pipeline spec's {@code format}). */
enum DataFormat {
  PARQUET,
  CSV,
  JSON;

  /** Lower case, as the spec writes it and as the usage lists it. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

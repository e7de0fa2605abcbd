package io.stevedore.validation.suite;

import java.util.Map;
import java.util.Optional;

/**
 * What is known about the datasets a suite may name: their columns (name to DuckDB type, in order).
 * A dataset whose columns are not known yet maps to an empty map; its column names are then not
 * checked.
 */
public record Catalog(Map<String, Map<String, String>> datasets) {

  public Catalog {
    datasets = Map.copyOf(datasets);
  }

  public static Catalog of(Map<String, Map<String, String>> datasets) {
    return new Catalog(datasets);
  }

  public Optional<Map<String, String>> columns(String dataset) {
    return Optional.ofNullable(datasets.get(dataset));
  }

  public boolean knows(String dataset) {
    return datasets.containsKey(dataset);
  }
}

package io.stevedore.worker.load;

import java.util.List;

/**
 * What a load wrote.
 *
 * @param rows the rows of the input written to the target (for a retry that found the load already
 *     committed: the rows that load wrote)
 * @param bytes the bytes sent: CSV to Postgres's {@code COPY}, Parquet to S3; 0 for a JDBC target
 * @param locations where the rows are: {@code connection:table} for a table, the manifest's and the
 *     data files' {@code s3://} URIs for the lake
 */
public record LoadOutcome(long rows, long bytes, List<String> locations) {

  public LoadOutcome {
    locations = List.copyOf(locations);
  }
}

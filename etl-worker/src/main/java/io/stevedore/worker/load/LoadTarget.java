package io.stevedore.worker.load;

import java.util.List;
import java.util.Locale;

/**
 * Where and how a load writes.
 *
 * @param kind the kind of target
 * @param table {@code POSTGRES} and {@code JDBC}: the table, {@code name} or {@code schema.name}
 * @param uri {@code S3}: the lake location, {@code s3://bucket/prefix/}
 * @param mode how the load treats what is already there (null means {@link Mode#APPEND})
 * @param key {@code MERGE}: the columns that identify a row
 * @param partitionBy {@code S3}: the Hive-style partition columns, outermost first
 * @param createTable {@code POSTGRES} and {@code JDBC}: create the table (and its schema) from the
 *     input's columns when it does not exist
 * @param connection {@code POSTGRES} and {@code JDBC}: the connection's name under {@code
 *     stevedore.worker.connections}; null means {@value Loads#DEFAULT_CONNECTION}
 */
public record LoadTarget(
    Kind kind,
    String table,
    String uri,
    Mode mode,
    List<String> key,
    List<String> partitionBy,
    boolean createTable,
    String connection) {

  /** The kinds of target. */
  public enum Kind {
    /** A Postgres table, written with {@code COPY}. */
    POSTGRES,
    /** A Hive-partitioned Parquet data set in S3, published through a manifest. */
    S3,
    /** A table of any database whose JDBC driver is on the classpath, written in batches. */
    JDBC;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a load treats the rows already in the target. */
  public enum Mode {
    /** Adds the input's rows. */
    APPEND,
    /** Replaces everything in the target with the input's rows. */
    OVERWRITE,
    /** Inserts the input's rows, replacing the rows with the same key ({@code POSTGRES} only). */
    MERGE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LoadTarget {
    if (kind == null) {
      throw new InvalidTargetException("a load target needs a kind: postgres, s3 or jdbc");
    }
    mode = mode == null ? Mode.APPEND : mode;
    key = key == null ? List.of() : List.copyOf(key);
    partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
  }

  /** The connection's name, {@value Loads#DEFAULT_CONNECTION} when none is given. */
  public String connectionName() {
    return connection == null || connection.isBlank() ? Loads.DEFAULT_CONNECTION : connection;
  }
}

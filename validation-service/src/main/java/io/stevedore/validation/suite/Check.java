package io.stevedore.validation.suite;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * One check of a suite. Every check has a unique {@code name} (derived from its type and columns
 * when the suite does not give one), a {@link Severity} and {@code mostly}: the share of rows, from
 * 0 to 1, that must pass (1.0 unless given).
 *
 * <p>Row-level checks ({@link Schema}, {@link Completeness}, {@link Unique}, {@link Range}, {@link
 * AllowedValues}, {@link Pattern}, {@link Length}, {@link Referential}, {@link Predicate}) count
 * the rows that fail; a null value passes every row-level check except {@link Completeness} and a
 * non-nullable column of {@link Schema}, so that missing values are counted in one place. Dataset
 * checks ({@link RowCount}, {@link Freshness}, {@link Aggregate}, {@link Anomaly}) pass or fail as
 * a whole and ignore {@code mostly}.
 */
@RegisterForReflection
public sealed interface Check {

  String name();

  Severity severity();

  double mostly();

  /** The type as a suite writes it, e.g. {@code allowedValues}. */
  String type();

  /** The dataset columns the check reads (empty for SQL checks and row counts). */
  List<String> columns();

  /** Whether the check counts failing rows (otherwise it judges the dataset as a whole). */
  default boolean rowLevel() {
    return !(this instanceof RowCount
        || this instanceof Freshness
        || this instanceof Aggregate
        || this instanceof Anomaly);
  }

  /** One expected column of a schema check; {@code type} null means any type. */
  @RegisterForReflection
  record ColumnSpec(String name, String type, boolean nullable) {}

  /** Columns present, with their types and nullability; unexpected columns unless allowed. */
  @RegisterForReflection
  record Schema(String name, Severity severity, double mostly, List<ColumnSpec> expected)
      implements Check {
    public String type() {
      return "schema";
    }

    public List<String> columns() {
      return expected.stream().map(ColumnSpec::name).toList();
    }
  }

  /** The share of non-null values is at least {@code mostly}. */
  @RegisterForReflection
  record Completeness(String name, Severity severity, double mostly, String column)
      implements Check {
    public String type() {
      return "completeness";
    }

    public List<String> columns() {
      return List.of(column);
    }
  }

  /** No two rows share a value of the key (rows with a null in the key are not compared). */
  @RegisterForReflection
  record Unique(String name, Severity severity, double mostly, List<String> columns)
      implements Check {
    public String type() {
      return "unique";
    }
  }

  /**
   * Every value lies within {@code [min, max]} (either bound may be absent). Bounds are numbers or,
   * for dates and timestamps, ISO texts.
   */
  @RegisterForReflection
  record Range(String name, Severity severity, double mostly, String column, Object min, Object max)
      implements Check {
    public String type() {
      return "range";
    }

    public List<String> columns() {
      return List.of(column);
    }
  }

  /** Every value is one of {@code values}. */
  @RegisterForReflection
  record AllowedValues(
      String name, Severity severity, double mostly, String column, List<Object> values)
      implements Check {
    public String type() {
      return "allowedValues";
    }

    public List<String> columns() {
      return List.of(column);
    }
  }

  /** Every value, as text, matches the regular expression entirely (RE2 syntax). */
  @RegisterForReflection
  record Pattern(String name, Severity severity, double mostly, String column, String regex)
      implements Check {
    public String type() {
      return "pattern";
    }

    public List<String> columns() {
      return List.of(column);
    }
  }

  /** Every value, as text, has between {@code min} and {@code max} characters (not bytes). */
  @RegisterForReflection
  record Length(
      String name, Severity severity, double mostly, String column, Integer min, Integer max)
      implements Check {
    public String type() {
      return "length";
    }

    public List<String> columns() {
      return List.of(column);
    }
  }

  /** The number of rows lies within {@code [min, max]}. */
  @RegisterForReflection
  record RowCount(String name, Severity severity, double mostly, Long min, Long max)
      implements Check {
    public String type() {
      return "rowCount";
    }

    public List<String> columns() {
      return List.of();
    }
  }

  /** The newest value of a date or timestamp column is no older than {@code maxAge} before now. */
  @RegisterForReflection
  record Freshness(String name, Severity severity, double mostly, String column, Duration maxAge)
      implements Check {
    public String type() {
      return "freshness";
    }

    public List<String> columns() {
      return List.of(column);
    }
  }

  /**
   * Every non-null key of this dataset exists in {@code referencedColumns} of the dataset named
   * {@code dataset}.
   */
  @RegisterForReflection
  record Referential(
      String name,
      Severity severity,
      double mostly,
      List<String> columns,
      String dataset,
      List<String> referencedColumns)
      implements Check {
    public String type() {
      return "referential";
    }
  }

  /**
   * A row-level SQL boolean expression over the dataset's columns, such as {@code distance > 0 OR
   * delay IS NULL}; a row passes when it is true. User SQL, run read-only over the dataset alone:
   * it may not contain subqueries, and the engine locks file access to the datasets of the run.
   */
  @RegisterForReflection
  record Predicate(String name, Severity severity, double mostly, String sql) implements Check {
    public String type() {
      return "predicate";
    }

    public List<String> columns() {
      return List.of();
    }
  }

  /**
   * A SQL aggregate over the dataset, such as {@code avg(delay)}, whose value must lie within
   * {@code [min, max]}. The same restrictions as {@link Predicate} apply.
   */
  @RegisterForReflection
  record Aggregate(
      String name, Severity severity, double mostly, String sql, BigDecimal min, BigDecimal max)
      implements Check {
    public String type() {
      return "aggregate";
    }

    public List<String> columns() {
      return List.of();
    }
  }

  /**
   * A metric of the dataset compared with its values in the dataset's recent results: the z-score
   * {@code |value - mean| / stddev} over the last {@code window} results must be at most {@code
   * maxZScore}. The metric is {@value #ROW_COUNT} or a SQL aggregate such as {@code avg(delay)}
   * (the same restrictions as {@link Aggregate}). The engine only measures the value; the service
   * judges it against the history it keeps, once there are {@code minResults} earlier values (until
   * then the check passes, "not judged"). Null settings take the service's {@code history.*}
   * defaults.
   */
  @RegisterForReflection
  record Anomaly(
      String name,
      Severity severity,
      double mostly,
      String metric,
      Integer window,
      Integer minResults,
      Double maxZScore)
      implements Check {

    /** The metric that is the row count rather than SQL. */
    public static final String ROW_COUNT = "rowCount";

    public String type() {
      return "anomaly";
    }

    public List<String> columns() {
      return List.of();
    }

    /** Whether the metric is the row count (else it is a SQL aggregate). */
    public boolean rowCountMetric() {
      return ROW_COUNT.equals(metric);
    }
  }
}

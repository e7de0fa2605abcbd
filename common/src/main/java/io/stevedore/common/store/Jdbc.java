package io.stevedore.common.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.util.PGobject;

/**
 * Plain JDBC on the default datasource, with bind parameters only. Inside a JTA transaction every
 * call uses the transaction's connection, so several calls commit or roll back together.
 */
@ApplicationScoped
public class Jdbc {

  /** Reads one row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final DataSource dataSource;

  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw new DataAccessException(sql, e);
    }
  }

  public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
    List<T> rows = list(sql, mapper, params);
    if (rows.size() > 1) {
      throw new IllegalStateException("expected at most one row, got " + rows.size());
    }
    return rows.stream().findFirst();
  }

  /** Runs an insert, update or delete; returns the number of rows changed. */
  public int update(String sql, Object... params) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new DataAccessException(sql, e);
    }
  }

  /**
   * An array parameter of a Postgres element type ({@code text}, {@code int4}, {@code timestamptz}
   * …), for set-based statements over {@code unnest(?, ?, …)}: one statement for many rows instead
   * of one execution each. Instants are bound as ISO-8601 text, enums by name.
   */
  public record SqlArray(String type, Object[] values) {}

  /** {@link SqlArray} of {@code type} from a column of values. */
  public static SqlArray array(String type, List<?> values) {
    Object[] bound = new Object[values.size()];
    for (int i = 0; i < bound.length; i++) {
      Object value = values.get(i);
      // An instant as ISO-8601 with its offset: Postgres reads it as the same instant whatever the
      // session's time zone (a Timestamp in an array would be written in the JVM's zone).
      bound[i] =
          value instanceof Instant instant
              ? instant.toString()
              : value instanceof Enum<?> e ? e.name() : value;
    }
    return new SqlArray(type, bound);
  }

  /**
   * Runs one insert, update or delete for every row of parameters as a single JDBC batch (one round
   * trip); returns the number of rows each changed, in order.
   */
  public int[] batch(String sql, List<Object[]> rows) {
    if (rows.isEmpty()) {
      return new int[0];
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (Object[] params : rows) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, bindable(params[i]));
        }
        ps.addBatch();
      }
      return ps.executeBatch();
    } catch (SQLException e) {
      throw new DataAccessException(sql, e);
    }
  }

  static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      if (params[i] instanceof UUID[] ids) {
        ps.setObject(i + 1, arrayLiteral("uuid", ids));
      } else if (params[i] instanceof SqlArray array) {
        ps.setObject(i + 1, arrayLiteral(array.type(), array.values()));
      } else {
        ps.setObject(i + 1, bindable(params[i]));
      }
    }
    return ps;
  }

  /**
   * An array parameter as Postgres's text form of an array of {@code type}, every element quoted
   * (what {@code Connection.createArrayOf} sends too, but it escapes character by character: with a
   * few thousand ids per statement that was a tenth of the orchestrator's CPU in a busy dispatch).
   */
  static PGobject arrayLiteral(String type, Object[] values) throws SQLException {
    StringBuilder text = new StringBuilder(16 + values.length * 40).append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      Object value = values[i];
      if (value == null) {
        text.append("NULL");
        continue;
      }
      String element = value.toString();
      text.append('"');
      if (element.indexOf('"') < 0 && element.indexOf('\\') < 0) {
        text.append(element);
      } else {
        for (int j = 0; j < element.length(); j++) {
          char ch = element.charAt(j);
          if (ch == '"' || ch == '\\') {
            text.append('\\');
          }
          text.append(ch);
        }
      }
      text.append('"');
    }
    PGobject array = new PGobject();
    array.setType(type + "[]");
    array.setValue(text.append('}').toString());
    return array;
  }

  /** Instants bind as timestamps with time zone; everything else as the driver maps it. */
  static Object bindable(Object value) {
    if (value instanceof Instant instant) {
      return Timestamp.from(instant);
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    return value;
  }

  /** An instant column, or null. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  /** A failed statement; the message names the SQL state, never the bound values. */
  public static class DataAccessException extends RuntimeException {
    private final String sqlState;

    DataAccessException(String sql, SQLException cause) {
      super("SQL failed (" + cause.getSQLState() + "): " + cause.getMessage(), cause);
      this.sqlState = cause.getSQLState();
    }

    public String sqlState() {
      return sqlState;
    }

    /** True for a unique or exclusion constraint violation. */
    public boolean isUniqueViolation() {
      return "23505".equals(sqlState);
    }
  }
}

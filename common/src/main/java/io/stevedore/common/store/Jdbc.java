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
import javax.sql.DataSource;

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

  static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, bindable(params[i]));
    }
    return ps;
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

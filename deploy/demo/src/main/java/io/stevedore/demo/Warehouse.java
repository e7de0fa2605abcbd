package io.stevedore.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the demo reads back from the Postgres warehouse. */
public final class Warehouse {

  /** A state's average departure delay over the loaded days, weighted by its flights. */
  public record StateDelay(String state, double avgDelay, long flights) {}

  private final String url;
  private final String user;
  private final String password;

  public Warehouse(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** Rows in the demo's table. */
  public long rows() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement s = c.prepareStatement("select count(*) from " + DemoPipeline.TABLE);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The {@code limit} states with the largest average delay. */
  public List<StateDelay> mostDelayed(int limit) throws SQLException {
    String sql =
        "select state, sum(avg_delay * flights) / sum(flights) as delay, sum(flights) as flights"
            + " from "
            + DemoPipeline.TABLE
            + " group by state order by delay desc, state limit ?";
    List<StateDelay> states = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          states.add(new StateDelay(r.getString(1), r.getDouble(2), r.getLong(3)));
        }
      }
    }
    return states;
  }
}

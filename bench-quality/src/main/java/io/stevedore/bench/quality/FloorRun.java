package io.stevedore.bench.quality;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/**
 * The floor: one hand-written DuckDB query computing what the engine reports for the benchmark's 16
 * checks (failing rows, the observed bounds of range and length checks, the mean delay, the row
 * count, the rows whose key repeats for both uniqueness checks), without the engine's checking,
 * compiling, profiling and sampling. Written for this data (no null keys, see the completeness
 * checks), the way a person would.
 *
 * <p>Usage: {@code FloorRun <parquet file> <rounds>}; prints {@link Probe}'s protocol, a new
 * connection per round like the engine.
 */
public final class FloorRun {

  private FloorRun() {}

  static final String HUBS =
      "'ATL', 'ORD', 'DFW', 'LAX', 'PHX', 'DEN', 'LAS', 'IAH', 'DTW', 'MSP', 'SFO', 'STL', 'EWR',"
          + " 'SLC', 'BWI', 'MCO', 'SEA', 'CLT', 'PHL', 'BOS'";

  static final String SQL =
      """
      SELECT * FROM (
        SELECT count(*) AS n,
          count(*) FILTER (WHERE origin IS NULL) AS complete_origin,
          count(*) FILTER (WHERE destination IS NULL) AS complete_destination,
          count(*) FILTER (WHERE date IS NULL) AS complete_date,
          count(*) FILTER (WHERE delay IS NULL) AS complete_delay,
          count(*) FILTER (WHERE delay < -60 OR delay > 180) AS delay_range,
          min(delay) AS delay_lo, max(delay) AS delay_hi,
          count(*) FILTER (WHERE distance < 30 OR distance > 3000) AS distance_range,
          min(distance) AS distance_lo, max(distance) AS distance_hi,
          count(*) FILTER (WHERE NOT regexp_full_match(origin, '[A-Z]{3}')) AS origin_pattern,
          count(*) FILTER (WHERE NOT regexp_full_match(destination, '[A-Z]{3}'))
            AS destination_pattern,
          count(*) FILTER (WHERE length(origin) <> 3) AS origin_length,
          min(length(origin)) AS origin_length_lo, max(length(origin)) AS origin_length_hi,
          count(*) FILTER (WHERE NOT (destination = ANY([%s]))) AS destination_hub,
          count(*) FILTER (WHERE (origin <> destination) IS NOT TRUE) AS not_same_airport,
          count(*) FILTER (WHERE (delay <= 15 OR distance >= 500) IS NOT TRUE)
            AS short_flights_on_time,
          avg(delay) AS mean_delay
        FROM read_parquet($1)
      ), (
        SELECT coalesce(sum(c) FILTER (WHERE g = 0), 0) AS unique_flight,
               coalesce(sum(c) FILTER (WHERE g = 1), 0) AS unique_departure
        FROM (
          SELECT grouping(date, origin, destination) AS g, count(*) AS c
          FROM read_parquet($1)
          GROUP BY GROUPING SETS ((date, origin, destination), (date, origin))
          HAVING count(*) > 1
        )
      )
      """
          .formatted(HUBS);

  /** The share of rows each row-level check must pass (the suite's {@code mostly}). */
  static final Map<String, Double> MOSTLY = new LinkedHashMap<>();

  static {
    for (String c :
        new String[] {
          "complete_origin",
          "complete_destination",
          "complete_date",
          "complete_delay",
          "delay_range",
          "distance_range",
          "origin_pattern",
          "destination_pattern",
          "origin_length",
          "destination_hub",
          "not_same_airport",
          "short_flights_on_time",
          "unique_flight",
          "unique_departure"
        }) {
      MOSTLY.put(c, 1.0);
    }
    MOSTLY.put("destination_hub", 0.5);
    MOSTLY.put("short_flights_on_time", 0.9);
    MOSTLY.put("unique_flight", 0.9);
    MOSTLY.put("unique_departure", 0.5);
  }

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    String file = Path.of(args[0]).toAbsolutePath().toString();
    int rounds = Integer.parseInt(args[1]);
    Probe.start(t0);
    Map<String, Object> row = new LinkedHashMap<>();
    for (int r = 1; r <= rounds; r++) {
      long s = System.nanoTime();
      long cpu = Probe.cpu();
      try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
          PreparedStatement ps = c.prepareStatement(SQL)) {
        ps.setString(1, file);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
        }
      }
      Probe.run(r, s, cpu);
    }
    long n = ((Number) row.get("n")).longValue();
    for (Map.Entry<String, Double> e : MOSTLY.entrySet()) {
      long failed = ((Number) row.get(e.getKey())).longValue();
      double ratio = n == 0 ? 1.0 : (double) (n - failed) / n;
      Probe.check(e.getKey(), failed, ratio + 1e-12 >= e.getValue(), ratio);
    }
    Probe.check("row_count", null, n >= 1_000_000, (double) n);
    double mean = ((Number) row.get("mean_delay")).doubleValue();
    Probe.check("mean_delay", null, mean >= -10 && mean <= 30, mean);
    Probe.note(
        "delay "
            + row.get("delay_lo")
            + ".."
            + row.get("delay_hi")
            + ", distance "
            + row.get("distance_lo")
            + ".."
            + row.get("distance_hi")
            + ", origin length "
            + row.get("origin_length_lo")
            + ".."
            + row.get("origin_length_hi"));
    Probe.peak();
  }
}

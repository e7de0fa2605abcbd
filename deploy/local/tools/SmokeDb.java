import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Writes, checks and removes one marker row in the local Postgres, for deploy/local/smoke-test: a
 * single-file program run as {@code java -cp postgresql.jar SmokeDb.java JDBC_URL COMMAND MARKER}.
 *
 * <ul>
 *   <li>{@code put} inserts the marker into {@code public.stevedore_smoke_test} (creating it);
 *   <li>{@code check} exits 0 when the marker is there, 1 when it is not;
 *   <li>{@code delete} removes it.
 * </ul>
 */
public class SmokeDb {

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SmokeDb JDBC_URL put|check|delete MARKER");
      System.exit(2);
    }
    String url = args[0];
    String command = args[1];
    String marker = args[2];
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
      switch (command) {
        case "put" -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "create table if not exists public.stevedore_smoke_test ("
                    + " marker text primary key, written_at timestamptz not null default now())");
          }
          try (PreparedStatement ps =
              c.prepareStatement("insert into public.stevedore_smoke_test (marker) values (?)")) {
            ps.setString(1, marker);
            ps.executeUpdate();
          }
          System.out.println("wrote marker " + marker);
        }
        case "check" -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select written_at from public.stevedore_smoke_test where marker = ?")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                System.out.println(
                    "marker " + marker + " found (written " + rs.getTimestamp(1).toInstant() + ")");
              } else {
                System.out.println("marker " + marker + " NOT found");
                System.exit(1);
              }
            }
          }
        }
        case "delete" -> {
          try (PreparedStatement ps =
              c.prepareStatement("delete from public.stevedore_smoke_test where marker = ?")) {
            ps.setString(1, marker);
            System.out.println("deleted " + ps.executeUpdate() + " marker row(s)");
          }
        }
        default -> {
          System.err.println("unknown command '" + command + "': expected put, check or delete");
          System.exit(2);
        }
      }
    }
  }
}

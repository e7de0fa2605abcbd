package io.stevedore.common.store;

import io.stevedore.common.auth.Caller;
import jakarta.enterprise.context.RequestScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs SQL scoped to the caller's team. Every statement must contain the marker {@code {team}},
 * which becomes {@code team_id = ?} (or {@code <alias>.team_id = ?} when written {@code
 * {team:alias}}) bound to the caller's team id; a statement without the marker is refused. Other
 * values go through bind parameters only. A row of another team is therefore simply not found, so
 * lookups answer 404, never 403, and names do not leak.
 */
@RequestScoped
public class TeamScopedJdbc {

  private final Jdbc jdbc;
  private final Caller caller;

  TeamScopedJdbc(Jdbc jdbc, Caller caller) {
    this.jdbc = jdbc;
    this.caller = caller;
  }

  /** The caller's team id. */
  public UUID teamId() {
    return caller.teamId();
  }

  public <T> List<T> list(String sql, Jdbc.RowMapper<T> mapper, Object... params) {
    Scoped scoped = scope(sql, params, teamId());
    return jdbc.list(scoped.sql(), mapper, scoped.params().toArray());
  }

  public <T> Optional<T> one(String sql, Jdbc.RowMapper<T> mapper, Object... params) {
    Scoped scoped = scope(sql, params, teamId());
    return jdbc.one(scoped.sql(), mapper, scoped.params().toArray());
  }

  /** Runs an insert, update or delete; returns the number of rows changed. */
  public int update(String sql, Object... params) {
    Scoped scoped = scope(sql, params, teamId());
    return jdbc.update(scoped.sql(), scoped.params().toArray());
  }

  /** A statement with its team markers replaced and the team id inserted among its binds. */
  record Scoped(String sql, List<Object> params) {}

  static Scoped scope(String sql, Object[] params, UUID teamId) {
    StringBuilder out = new StringBuilder();
    List<Object> binds = new ArrayList<>();
    int nextParam = 0;
    boolean scoped = false;
    for (int i = 0; i < sql.length(); i++) {
      char ch = sql.charAt(i);
      if (ch == '?') {
        if (nextParam >= params.length) {
          throw new IllegalArgumentException("more '?' than parameters in: " + sql);
        }
        binds.add(params[nextParam++]);
        out.append('?');
      } else if (sql.startsWith("{team", i)) {
        int end = sql.indexOf('}', i);
        String inner = sql.substring(i + 1, end);
        String column = inner.startsWith("team:") ? inner.substring(5) + ".team_id" : "team_id";
        out.append(column).append(" = ?");
        binds.add(teamId);
        scoped = true;
        i = end;
      } else {
        out.append(ch);
      }
    }
    if (!scoped) {
      throw new IllegalArgumentException("team-scoped SQL lacks the {team} marker: " + sql);
    }
    if (nextParam != params.length) {
      throw new IllegalArgumentException("fewer '?' than parameters in: " + sql);
    }
    return new Scoped(out.toString(), binds);
  }
}

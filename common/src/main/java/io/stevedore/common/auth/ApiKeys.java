package io.stevedore.common.auth;

import io.stevedore.common.config.StevedoreConfig;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Teams and their API keys (schema {@code jobs}): create, authenticate, revoke. */
@ApplicationScoped
public class ApiKeys {

  private static final Pattern TEAM_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private final DataSource dataSource;
  private final Clock clock;
  private final Optional<byte[]> adminKeyHash;

  ApiKeys(DataSource dataSource, Clock clock, StevedoreConfig config) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.adminKeyHash = config.auth().adminKey().filter(k -> !k.isBlank()).map(ApiKeyFormat::hash);
  }

  /** A team. */
  public record Team(UUID id, String name, Instant createdAt) {}

  /** A new key: {@code key} is shown once and never stored. */
  public record CreatedKey(String id, String team, String key, String description) {}

  /** A stored key, without its secret. */
  public record KeyInfo(String id, String description, Instant createdAt, Instant revokedAt) {}

  public boolean isAdminKey(String presented) {
    return adminKeyHash.isPresent()
        && presented != null
        && MessageDigest.isEqual(adminKeyHash.get(), ApiKeyFormat.hash(presented));
  }

  /** The team of a valid, unrevoked key. */
  public Optional<Team> authenticate(String presented) {
    Optional<ApiKeyFormat.Parsed> parsed = ApiKeyFormat.parse(presented);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    String sql =
        "select k.secret_hash, t.id, t.name, t.created_at from jobs.api_keys k"
            + " join jobs.teams t on t.id = k.team_id where k.id = ? and k.revoked_at is null";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, parsed.get().id());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || !ApiKeyFormat.matches(parsed.get().secret(), rs.getBytes(1))) {
          return Optional.empty();
        }
        return Optional.of(
            new Team(rs.getObject(2, UUID.class), rs.getString(3), rs.getTimestamp(4).toInstant()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not check API key: " + e.getMessage(), e);
    }
  }

  @Transactional
  public Team createTeam(String name) {
    if (name == null || !TEAM_NAME.matcher(name).matches()) {
      throw ApiException.invalid(
          "team name '" + name + "' is invalid",
          List.of(
              new Problem.FieldError(
                  "name",
                  "must be 1-63 characters of lowercase letters, digits and '-', starting with a"
                      + " letter",
                  name)));
    }
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into jobs.teams (id, name, created_at) values (?, ?, ?)"
                    + " on conflict (name) do nothing")) {
      ps.setObject(1, id);
      ps.setString(2, name);
      ps.setTimestamp(3, Timestamp.from(now));
      if (ps.executeUpdate() == 0) {
        throw ApiException.conflict("team '" + name + "' already exists");
      }
      return new Team(id, name, now);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create team: " + e.getMessage(), e);
    }
  }

  public List<Team> listTeams() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id, name, created_at from jobs.teams order by name");
        ResultSet rs = ps.executeQuery()) {
      List<Team> teams = new ArrayList<>();
      while (rs.next()) {
        teams.add(
            new Team(rs.getObject(1, UUID.class), rs.getString(2), rs.getTimestamp(3).toInstant()));
      }
      return teams;
    } catch (SQLException e) {
      throw new IllegalStateException("could not list teams: " + e.getMessage(), e);
    }
  }

  public Team team(String name) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id, name, created_at from jobs.teams where name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw ApiException.notFound("team '" + name + "' not found");
        }
        return new Team(
            rs.getObject(1, UUID.class), rs.getString(2), rs.getTimestamp(3).toInstant());
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read team: " + e.getMessage(), e);
    }
  }

  @Transactional
  public CreatedKey createKey(String teamName, String description) {
    Team team = team(teamName);
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into jobs.api_keys (id, team_id, secret_hash, description, created_at)"
                    + " values (?, ?, ?, ?, ?)")) {
      ps.setString(1, generated.id());
      ps.setObject(2, team.id());
      ps.setBytes(3, generated.secretHash());
      ps.setString(4, description);
      ps.setTimestamp(5, Timestamp.from(clock.instant()));
      ps.executeUpdate();
      return new CreatedKey(generated.id(), team.name(), generated.key(), description);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create API key: " + e.getMessage(), e);
    }
  }

  public List<KeyInfo> listKeys(String teamName) {
    Team team = team(teamName);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select id, description, created_at, revoked_at from jobs.api_keys"
                    + " where team_id = ? order by created_at")) {
      ps.setObject(1, team.id());
      try (ResultSet rs = ps.executeQuery()) {
        List<KeyInfo> keys = new ArrayList<>();
        while (rs.next()) {
          Timestamp revoked = rs.getTimestamp(4);
          keys.add(
              new KeyInfo(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getTimestamp(3).toInstant(),
                  revoked == null ? null : revoked.toInstant()));
        }
        return keys;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not list API keys: " + e.getMessage(), e);
    }
  }

  @Transactional
  public void revokeKey(String teamName, String keyId) {
    Team team = team(teamName);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "update jobs.api_keys set revoked_at = coalesce(revoked_at, ?)"
                    + " where id = ? and team_id = ?")) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setString(2, keyId);
      ps.setObject(3, team.id());
      if (ps.executeUpdate() == 0) {
        throw ApiException.notFound("API key '" + keyId + "' of team '" + teamName + "' not found");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not revoke API key: " + e.getMessage(), e);
    }
  }
}

package io.stevedore.common.auth;

import io.stevedore.common.config.StevedoreConfig;
import io.stevedore.common.http.ApiException;
import io.stevedore.common.http.Problem;
import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/** Teams and their API keys (schema {@code jobs}): create, authenticate, revoke. */
@ApplicationScoped
public class ApiKeys {

  private static final Pattern TEAM_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private final Jdbc jdbc;
  private final Clock clock;
  private final Optional<byte[]> adminKeyHash;
  private final Map<String, byte[]> serviceKeyHashes;

  ApiKeys(Jdbc jdbc, Clock clock, StevedoreConfig config) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.adminKeyHash = config.auth().adminKey().filter(k -> !k.isBlank()).map(ApiKeyFormat::hash);
    Map<String, byte[]> services = new TreeMap<>();
    config
        .auth()
        .serviceKeys()
        .forEach(
            (service, hex) -> {
              try {
                byte[] hash = HexFormat.of().parseHex(hex.trim().toLowerCase(Locale.ROOT));
                if (hash.length != 32) {
                  throw new IllegalArgumentException("not 32 bytes");
                }
                services.put(service, hash);
              } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                    "stevedore.auth.service-keys."
                        + service
                        + " must be the SHA-256 of the key in hex (64 characters)");
              }
            });
    this.serviceKeyHashes = Map.copyOf(services);
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

  /** The name of the service whose key this is, if it is one. */
  public Optional<String> serviceOf(String presented) {
    if (presented == null || serviceKeyHashes.isEmpty()) {
      return Optional.empty();
    }
    byte[] hash = ApiKeyFormat.hash(presented);
    return serviceKeyHashes.entrySet().stream()
        .filter(e -> MessageDigest.isEqual(e.getValue(), hash))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private static Team team(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Team(
        rs.getObject("id", UUID.class), rs.getString("name"), Jdbc.instant(rs, "created_at"));
  }

  /** The team of a valid, unrevoked key. */
  public Optional<Team> authenticate(String presented) {
    Optional<ApiKeyFormat.Parsed> parsed = ApiKeyFormat.parse(presented);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    record Stored(byte[] hash, Team team) {}
    return jdbc.one(
            "select k.secret_hash, t.id, t.name, t.created_at from jobs.api_keys k"
                + " join jobs.teams t on t.id = k.team_id where k.id = ? and k.revoked_at is null",
            rs -> new Stored(rs.getBytes("secret_hash"), team(rs)),
            parsed.get().id())
        .filter(stored -> ApiKeyFormat.matches(parsed.get().secret(), stored.hash()))
        .map(Stored::team);
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
    int inserted =
        jdbc.update(
            "insert into jobs.teams (id, name, created_at) values (?, ?, ?)"
                + " on conflict (name) do nothing",
            id,
            name,
            now);
    if (inserted == 0) {
      throw ApiException.conflict("team '" + name + "' already exists");
    }
    return new Team(id, name, now);
  }

  public List<Team> listTeams() {
    return jdbc.list("select id, name, created_at from jobs.teams order by name", ApiKeys::team);
  }

  public Team team(String name) {
    return jdbc.one(
            "select id, name, created_at from jobs.teams where name = ?", ApiKeys::team, name)
        .orElseThrow(() -> ApiException.notFound("team '" + name + "' not found"));
  }

  @Transactional
  public CreatedKey createKey(String teamName, String description) {
    Team team = team(teamName);
    ApiKeyFormat.Generated generated = ApiKeyFormat.generate();
    jdbc.update(
        "insert into jobs.api_keys (id, team_id, secret_hash, description, created_at)"
            + " values (?, ?, ?, ?, ?)",
        generated.id(),
        team.id(),
        generated.secretHash(),
        description,
        clock.instant());
    return new CreatedKey(generated.id(), team.name(), generated.key(), description);
  }

  public List<KeyInfo> listKeys(String teamName) {
    Team team = team(teamName);
    return jdbc.list(
        "select id, description, created_at, revoked_at from jobs.api_keys"
            + " where team_id = ? order by created_at",
        rs ->
            new KeyInfo(
                rs.getString("id"),
                rs.getString("description"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "revoked_at")),
        team.id());
  }

  @Transactional
  public void revokeKey(String teamName, String keyId) {
    Team team = team(teamName);
    int changed =
        jdbc.update(
            "update jobs.api_keys set revoked_at = coalesce(revoked_at, ?)"
                + " where id = ? and team_id = ?",
            clock.instant(),
            keyId,
            team.id());
    if (changed == 0) {
      throw ApiException.notFound("API key '" + keyId + "' of team '" + teamName + "' not found");
    }
  }
}

package io.stevedore.securitygate.store;

import io.stevedore.common.store.Jdbc;
import io.stevedore.securitygate.registry.RegistryClient;
import io.stevedore.securitygate.registry.RegistryReference;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/** What each registry reference was resolved to, once ({@code security_gate.image_resolutions}). */
@ApplicationScoped
public class ResolutionStore {

  /** A recorded resolution. */
  public record ResolutionRow(
      String reference, String digest, String indexDigest, Instant resolvedAt) {}

  private final Jdbc jdbc;

  ResolutionStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** The key a reference is recorded under: {@code registry/repo@digest} or {@code :tag}. */
  public static String key(RegistryReference ref) {
    return ref.repositoryPath() + (ref.digest() != null ? "@" + ref.digest() : ":" + ref.tag());
  }

  public Optional<ResolutionRow> find(RegistryReference ref) {
    return jdbc.one(
        "select reference, digest, index_digest, resolved_at from security_gate.image_resolutions"
            + " where reference = ?",
        rs ->
            new ResolutionRow(
                rs.getString("reference"),
                rs.getString("digest"),
                rs.getString("index_digest"),
                Jdbc.instant(rs, "resolved_at")),
        key(ref));
  }

  /**
   * Records a resolution unless one exists (another instance may have resolved the same reference
   * at the same time); returns the one recorded.
   */
  public ResolutionRow record(RegistryClient.Resolution r, Instant now) {
    RegistryReference ref = r.reference();
    jdbc.update(
        "insert into security_gate.image_resolutions (reference, registry, repository, tag,"
            + " digest, index_digest, resolved_at) values (?, ?, ?, ?, ?, ?, ?)"
            + " on conflict (reference) do nothing",
        key(ref),
        ref.registry(),
        ref.repository(),
        ref.digest() != null ? null : ref.tag(),
        r.digest(),
        r.indexDigest(),
        now);
    return find(ref).orElseThrow();
  }
}

package io.stevedore.securitygate.store;

import io.stevedore.common.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Images by digest with their inventory (schema {@code security_gate}). */
@ApplicationScoped
public class ImageStore {

  /** An image as stored. */
  public record ImageRow(
      String digest,
      String reference,
      String resolvedTag,
      Instant firstSeen,
      Instant lastSeen,
      String inventoryJson) {}

  private final Jdbc jdbc;

  ImageStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the image, or refreshes its inventory and last-seen time. */
  public void upsert(String digest, String reference, String inventoryJson, Instant now) {
    jdbc.update(
        "insert into security_gate.images (digest, reference, resolved_tag, first_seen, last_seen,"
            + " inventory) values (?, ?, ?, ?, ?, ?::jsonb) on conflict (digest) do update set"
            + " last_seen = excluded.last_seen, inventory = excluded.inventory,"
            + " reference = coalesce(images.reference, excluded.reference),"
            + " resolved_tag = coalesce(images.resolved_tag, excluded.resolved_tag)",
        digest,
        reference,
        tag(reference),
        now,
        now,
        inventoryJson);
  }

  /** Marks the image seen now; false when it is not stored. */
  public boolean touch(String digest, Instant now) {
    return jdbc.update(
            "update security_gate.images set last_seen = greatest(last_seen, ?) where digest = ?",
            now,
            digest)
        == 1;
  }

  public Optional<ImageRow> find(String digest) {
    return jdbc.one(
        "select digest, reference, resolved_tag, first_seen, last_seen, inventory::text as inv"
            + " from security_gate.images where digest = ?",
        ImageStore::row,
        digest);
  }

  /** Images seen since {@code since}, most recent first. */
  public List<ImageRow> seenSince(Instant since, int limit) {
    return jdbc.list(
        "select digest, reference, resolved_tag, first_seen, last_seen, inventory::text as inv"
            + " from security_gate.images where last_seen >= ? order by last_seen desc limit ?",
        ImageStore::row,
        since,
        limit);
  }

  private static ImageRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new ImageRow(
        rs.getString("digest"),
        rs.getString("reference"),
        rs.getString("resolved_tag"),
        Jdbc.instant(rs, "first_seen"),
        Jdbc.instant(rs, "last_seen"),
        rs.getString("inv"));
  }

  /** The tag of {@code registry/repo:tag[@digest]}, or null when it names none. */
  static String tag(String reference) {
    if (reference == null) {
      return null;
    }
    String r = reference;
    int at = r.indexOf('@');
    if (at >= 0) {
      r = r.substring(0, at);
    }
    int slash = r.lastIndexOf('/');
    int colon = r.lastIndexOf(':');
    return colon > slash ? r.substring(colon + 1) : null;
  }
}

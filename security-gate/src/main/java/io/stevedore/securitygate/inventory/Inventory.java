package io.stevedore.securitygate.inventory;

import io.stevedore.securitygate.image.ImageConfig;
import java.util.List;

/**
 * Everything known about what an image contains.
 *
 * @param imageDigest the image's pinned digest
 * @param os the distribution, {@link OsRelease#UNKNOWN} when the image names none
 * @param components OS packages and Java libraries
 * @param config user, environment, labels and exposed ports
 * @param notes what could not be read, and why (a skipped jar, an unreadable database)
 */
public record Inventory(
    String imageDigest,
    OsRelease os,
    List<Component> components,
    ImageConfig config,
    List<String> notes) {

  public Inventory {
    components = List.copyOf(components);
    notes = List.copyOf(notes);
  }
}

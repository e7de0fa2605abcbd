package io.stevedore.securitygate.advisory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The hand-written OSV records under {@code src/test/resources/osv}. */
public final class OsvFixtures {

  public static final Instant IMPORTED = Instant.parse("2026-11-01T12:00:00Z");

  private OsvFixtures() {}

  public static Path directory() {
    try {
      return Path.of(OsvFixtures.class.getResource("/osv/DSA-0001-1.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An index holding every fixture, imported at {@link #IMPORTED}. */
  public static AdvisoryIndex index() {
    AdvisoryIndex index = new AdvisoryIndex();
    try {
      new OsvImporter(index, Clock.fixed(IMPORTED, ZoneOffset.UTC)).importPath(directory());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return index;
  }
}

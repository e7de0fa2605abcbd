package io.stevedore.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real data sets of the workspace ({@code ../shared/data} from the repository root: flights,
 * airports, zip codes, Seattle weather; see its README). Looked up in this order: the environment
 * variable {@code STEVEDORE_SHARED_DATA}, a {@code shared/data} folder above the working directory,
 * then {@code /work/shared/data}.
 */
public final class SharedData {

  /** Environment variable naming the data folder explicitly. */
  public static final String ENV = "STEVEDORE_SHARED_DATA";

  private SharedData() {}

  /** The data folder. */
  public static Path dir() {
    List<Path> tried = new ArrayList<>();
    String configured = System.getenv(ENV);
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (Files.isDirectory(p)) {
        return p;
      }
      tried.add(p);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      tried.add(candidate);
    }
    Path workspace = Path.of("/work/shared/data");
    if (Files.isDirectory(workspace)) {
      return workspace;
    }
    tried.add(workspace);
    throw new IllegalStateException(
        "the shared data sets were not found; set " + ENV + " to their folder. Tried: " + tried);
  }

  /** A file of the data folder, such as {@code airports.csv}. */
  public static Path file(String name) {
    Path file = dir().resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("shared data file " + file + " does not exist");
    }
    return file;
  }
}

package io.stevedore.securitygate.image;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runtime settings from an image's config blob.
 *
 * @param user the {@code User} field, empty when unset (which means root)
 * @param env the {@code Env} entries, {@code NAME=value}
 * @param labels the {@code Labels}
 * @param exposedPorts the {@code ExposedPorts} keys, such as {@code 8080/tcp}
 * @param os the operating system, such as {@code linux}
 * @param architecture the CPU architecture, such as {@code amd64}
 */
public record ImageConfig(
    String user,
    List<String> env,
    Map<String, String> labels,
    Set<String> exposedPorts,
    String os,
    String architecture) {

  public ImageConfig {
    user = user == null ? "" : user;
    env = List.copyOf(env);
    labels = Map.copyOf(labels);
    exposedPorts = Set.copyOf(exposedPorts);
    os = os == null ? "" : os;
    architecture = architecture == null ? "" : architecture;
  }

  /** Whether the image runs as root: no user, user {@code 0} or {@code root}, any group. */
  public boolean runsAsRoot() {
    String name = user.split(":", 2)[0].trim();
    return name.isEmpty() || name.equals("0") || name.equals("root");
  }
}

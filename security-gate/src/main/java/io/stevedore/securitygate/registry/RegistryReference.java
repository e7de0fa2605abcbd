package io.stevedore.securitygate.registry;

import io.stevedore.securitygate.image.Digests;
import io.stevedore.securitygate.image.ImageException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image in a registry: {@code registry/repository[:tag][@digest]}. Docker Hub short names are
 * expanded ({@code nginx} is {@code docker.io/library/nginx}); without tag or digest the tag is
 * {@code latest}.
 *
 * @param registry the registry host (and port), lower-cased; {@code docker.io} for Docker Hub
 * @param repository the repository path
 * @param tag the tag, or null when only a digest is given
 * @param digest the digest, or null
 */
public record RegistryReference(String registry, String repository, String tag, String digest) {

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  public RegistryReference {
    if (tag == null && digest == null) {
      tag = "latest";
    }
  }

  /** Whether {@code image} names a registry image rather than a local path or {@code file:} URI. */
  public static boolean isRegistryReference(String image) {
    return image != null
        && !image.isBlank()
        && !image.startsWith("/")
        && !image.startsWith("file:")
        && !image.startsWith(".");
  }

  /**
   * Parses a reference.
   *
   * @throws ImageException naming the reference and what is wrong with it
   */
  public static RegistryReference parse(String reference) {
    if (reference == null || reference.isBlank()) {
      throw new ImageException("image reference is empty");
    }
    String r = reference.trim();
    String digest = null;
    int at = r.indexOf('@');
    if (at >= 0) {
      digest = r.substring(at + 1);
      try {
        Digests.require(digest);
      } catch (ImageException e) {
        throw new ImageException("image reference '" + reference + "': " + e.getMessage());
      }
      r = r.substring(0, at);
    }
    String tag = null;
    int slash = r.lastIndexOf('/');
    int colon = r.lastIndexOf(':');
    if (colon > slash) {
      tag = r.substring(colon + 1);
      r = r.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new ImageException(
            "image reference '" + reference + "': tag '" + tag + "' is not a valid tag");
      }
    }
    int first = r.indexOf('/');
    String head = first < 0 ? r : r.substring(0, first);
    String registry;
    String repository;
    if (first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"))) {
      registry = head.toLowerCase(Locale.ROOT);
      repository = r.substring(first + 1);
    } else {
      registry = "docker.io";
      repository = first < 0 ? "library/" + r : r;
    }
    if (!REPOSITORY.matcher(repository).matches()) {
      throw new ImageException(
          "image reference '"
              + reference
              + "': repository '"
              + repository
              + "' is not a valid repository name");
    }
    return new RegistryReference(registry, repository, tag, digest);
  }

  /** The same repository pinned to {@code digest} (the tag kept for the record). */
  public RegistryReference withDigest(String pinned) {
    return new RegistryReference(registry, repository, tag, Digests.require(pinned));
  }

  /** What to ask the registry for: the digest when pinned, else the tag. */
  public String manifestReference() {
    return digest != null ? digest : tag;
  }

  /** The registry host without its port. */
  public String host() {
    int colon = registry.lastIndexOf(':');
    return colon < 0 ? registry : registry.substring(0, colon);
  }

  /** {@code registry/repository}. */
  public String repositoryPath() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    return repositoryPath() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}

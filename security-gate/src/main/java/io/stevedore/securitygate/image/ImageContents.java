package io.stevedore.securitygate.image;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What was read from one image: its identity, its config, and the files the inventory and the
 * secret scan need, as they are visible after all layers (whiteouts applied).
 *
 * @param digest the image's pinned digest: the manifest digest for an OCI layout, the config digest
 *     (image id) for a {@code docker save} tar
 * @param configDigest the digest of the config blob
 * @param config the runtime settings
 * @param layerDigests the layers' digests, lowest first
 * @param files kept files by path (no leading {@code /})
 * @param skipped paths of files that matched but exceeded a size bound, with the reason
 * @param indexDigest the digest of the image index the image was chosen from (a registry pull of a
 *     multi-platform image), or null
 * @param signatures cosign signatures stored beside the image (OCI layouts only)
 */
public record ImageContents(
    String digest,
    String configDigest,
    ImageConfig config,
    List<String> layerDigests,
    SortedMap<String, byte[]> files,
    Map<String, String> skipped,
    String indexDigest,
    List<CosignSignature> signatures) {

  public ImageContents {
    layerDigests = List.copyOf(layerDigests);
    files = new TreeMap<>(files);
    skipped = Map.copyOf(skipped);
    signatures = List.copyOf(signatures);
  }

  public ImageContents(
      String digest,
      String configDigest,
      ImageConfig config,
      List<String> layerDigests,
      SortedMap<String, byte[]> files,
      Map<String, String> skipped) {
    this(digest, configDigest, config, layerDigests, files, skipped, null, List.of());
  }
}

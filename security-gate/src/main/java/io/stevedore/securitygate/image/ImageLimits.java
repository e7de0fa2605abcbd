package io.stevedore.securitygate.image;

/**
 * Bounds on reading an image, so that a hostile or huge image ends in an error, not an exhausted
 * heap or disk.
 *
 * @param maxLayerBytes the most uncompressed bytes one layer may expand to (layer bombs)
 * @param maxBlobBytes the most bytes of a manifest, index or config blob
 * @param maxJarBytes the largest jar kept for inventory; larger jars are skipped and reported
 * @param maxScanFileBytes the largest text file kept for the secret scan
 * @param maxScanTotalBytes the most bytes of text files kept for the secret scan in all
 */
public record ImageLimits(
    long maxLayerBytes,
    long maxBlobBytes,
    long maxJarBytes,
    long maxScanFileBytes,
    long maxScanTotalBytes) {

  /**
   * 2 GiB per layer, 4 MiB per JSON blob, 64 MiB per jar, 64 KiB per scanned file, 8 MiB in all.
   */
  public static ImageLimits defaults() {
    return new ImageLimits(2L << 30, 4L << 20, 64L << 20, 64L << 10, 8L << 20);
  }
}

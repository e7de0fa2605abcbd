package io.stevedore.securitygate.verdict;

import io.stevedore.securitygate.image.Digests;

/**
 * What a verdict depends on: the image, the policy content and the advisory data. A verdict stays
 * valid while all three are unchanged.
 *
 * @param imageDigest the image's pinned digest
 * @param policyHash the policy's content hash
 * @param advisoryVersion the advisory index's data version
 */
public record VerdictKey(String imageDigest, String policyHash, String advisoryVersion) {

  public VerdictKey {
    Digests.require(imageDigest);
  }

  /** One string for storage and lookups. */
  public String value() {
    return imageDigest + "|" + policyHash + "|" + advisoryVersion;
  }
}

package io.stevedore.securitygate.image;

/**
 * One cosign signature found beside an image: a layer of the signature manifest tagged {@code
 * sha256-<hex>.sig}, holding the simple-signing payload, with the signature in the layer's {@code
 * dev.cosignproject.cosign/signature} annotation.
 *
 * @param target the digest the signature tag names ({@code sha256-<hex>.sig})
 * @param payload the simple-signing payload (JSON), as signed
 * @param signature the base64 signature over the payload, or null when the layer carries none
 */
public record CosignSignature(String target, byte[] payload, String signature) {}

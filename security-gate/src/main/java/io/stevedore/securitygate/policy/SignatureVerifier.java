package io.stevedore.securitygate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.securitygate.image.CosignSignature;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Verifies cosign signatures (the "simple signing" scheme): beside the image, a manifest tagged
 * {@code sha256-<hex>.sig} has one layer per signature whose blob is the payload
 *
 * <pre>
 * {"critical":{"identity":{"docker-reference":"..."},
 *              "image":{"docker-manifest-digest":"sha256:..."},
 *              "type":"cosign container image signature"},"optional":{...}}
 * </pre>
 *
 * and whose annotation {@code dev.cosignproject.cosign/signature} is the base64 ECDSA signature
 * (SHA256withECDSA, P-256) over the payload bytes. A signature counts when it verifies with the
 * policy's key and its payload names the image's digest (or the index it was chosen from).
 */
public final class SignatureVerifier {

  static final String PAYLOAD_TYPE = "cosign container image signature";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SignatureVerifier() {}

  /**
   * Reads a PEM ({@code -----BEGIN PUBLIC KEY-----}) ECDSA P-256 public key.
   *
   * @throws IllegalArgumentException saying why it is not one
   */
  public static PublicKey publicKey(String pem) {
    String body =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    if (!pem.contains("-----BEGIN PUBLIC KEY-----") || body.isEmpty()) {
      throw new IllegalArgumentException("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    try {
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
      if (!(key instanceof ECPublicKey ec)
          || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException("not an ECDSA P-256 public key");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("not an ECDSA")) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException("not a readable ECDSA P-256 public key");
    }
  }

  /**
   * The findings of the policy's signature rule, or none when the policy requires no signature.
   *
   * @param keyRefs configured keys by name (PEM)
   * @param digests the image's digest, and the digest of the index it was chosen from, if any
   */
  public static List<Finding> check(
      Policy policy,
      List<String> digests,
      List<CosignSignature> signatures,
      Function<String, Optional<String>> keyRefs) {
    Policy.Signature rule = policy.signature();
    if (rule == null) {
      return List.of();
    }
    String subject = digests.get(0);
    String keyName = rule.keyRef() != null ? "key '" + rule.keyRef() + "'" : "the policy's key";
    PublicKey key;
    try {
      String pem =
          rule.publicKey() != null
              ? rule.publicKey()
              : keyRefs
                  .apply(rule.keyRef())
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "signing key '" + rule.keyRef() + "' is not configured"));
      key = publicKey(pem);
    } catch (IllegalArgumentException e) {
      return List.of(
          Finding.of(
              Finding.Rule.SIGNATURE_INVALID,
              Finding.Outcome.FAIL,
              subject,
              "the signature cannot be checked: " + e.getMessage()));
    }
    List<CosignSignature> relevant =
        signatures.stream().filter(s -> digests.contains(s.target())).toList();
    if (relevant.isEmpty()) {
      return List.of(
          Finding.of(
              Finding.Rule.SIGNATURE_MISSING,
              Finding.Outcome.FAIL,
              subject,
              "the policy requires a cosign signature, and none is stored beside the image (tag "
                  + "sha256-"
                  + subject.substring("sha256:".length())
                  + ".sig)"));
    }
    List<String> reasons = new ArrayList<>();
    for (CosignSignature s : relevant) {
      String reason = problem(s, key);
      if (reason == null) {
        return List.of(
            Finding.of(
                Finding.Rule.SIGNATURE_VERIFIED,
                Finding.Outcome.INFO,
                subject,
                "cosign signature of " + s.target() + " verified with " + keyName));
      }
      reasons.add(reason);
    }
    return List.of(
        Finding.of(
            Finding.Rule.SIGNATURE_INVALID,
            Finding.Outcome.FAIL,
            subject,
            "no cosign signature beside the image verifies with " + keyName + ": " + reasons));
  }

  /** Why a signature does not count, or null when it does. */
  static String problem(CosignSignature s, PublicKey key) {
    if (s.signature() == null || s.signature().isBlank()) {
      return "a signature layer has no dev.cosignproject.cosign/signature annotation";
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(s.signature().trim());
    } catch (IllegalArgumentException e) {
      return "a signature is not base64";
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(s.payload());
      if (!verifier.verify(der)) {
        return "a signature does not match the payload under this key";
      }
    } catch (GeneralSecurityException e) {
      return "a signature is malformed (" + e.getClass().getSimpleName() + ")";
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(s.payload());
    } catch (IOException e) {
      return "a signed payload is not JSON";
    }
    JsonNode critical = payload == null ? null : payload.path("critical");
    if (critical == null || !PAYLOAD_TYPE.equals(critical.path("type").asText())) {
      return "a signed payload is not a cosign container image signature";
    }
    String named = critical.path("image").path("docker-manifest-digest").asText("");
    if (!named.equals(s.target())) {
      return "a signed payload names " + named + ", not " + s.target();
    }
    return null;
  }
}

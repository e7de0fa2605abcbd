package io.stevedore.orchestrator.gate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What security-gate said about an image.
 *
 * @param verdict PASS, WARN or FAIL; UNKNOWN when the gate could not be asked or could not read the
 *     image
 * @param digest the digest the gate pinned the image to, or null
 * @param findings the gate's findings as it sent them (an array), never null
 * @param detail a one-line explanation: the findings in short, or why there is no verdict
 * @param policyAllows whether the team's policy lets the image run despite a FAIL (its enforcement
 *     is {@code warn}; security-gate's {@code allowed})
 */
public record GateAnswer(
    String verdict, String digest, JsonNode findings, String detail, boolean policyAllows) {

  public boolean isKnown() {
    return !"UNKNOWN".equals(verdict);
  }
}

package io.stevedore.orchestrator.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The one-line reason made from security-gate's findings, in the shape security-gate serializes
 * them ({@code policy/Finding}: every field present, null when it does not apply).
 */
class SecurityGateClientTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode findings(String json) throws Exception {
    return JSON.readTree(json);
  }

  @Test
  void namesTheRuleOfAFindingWithoutAnAdvisoryAndLeavesOutNulls() throws Exception {
    String summary =
        SecurityGateClient.summary(
            "FAIL",
            findings(
                """
                [{"rule":"RUN_AS_ROOT","outcome":"FAIL","subject":"config.User",
                  "message":"the image runs as root","advisoryId":null,"cves":[],
                  "severity":null,"fixedVersion":null}]
                """));
    assertThat(summary)
        .isEqualTo("FAIL: 1 finding: RUN_AS_ROOT in config.User: the image runs as root")
        .doesNotContain("null");
  }

  @Test
  void putsTheFindingsThatFailTheImageFirst() throws Exception {
    String summary =
        SecurityGateClient.summary(
            "FAIL",
            findings(
                """
                [{"rule":"SIGNATURE_VERIFIED","outcome":"INFO","subject":"cosign",
                  "message":"signature verified","advisoryId":null,"severity":null},
                 {"rule":"VULNERABILITY","outcome":"WARN","subject":"pkg:deb/debian/curl@7",
                  "message":"medium","advisoryId":"DSA-2","severity":"MEDIUM"},
                 {"rule":"VULNERABILITY","outcome":"FAIL","subject":"pkg:deb/debian/libssl3@3",
                  "message":"fixed in 3.0.13","advisoryId":"DSA-1","severity":"CRITICAL"}]
                """));
    assertThat(summary)
        .startsWith(
            "FAIL: 3 findings: DSA-1 (CRITICAL) in pkg:deb/debian/libssl3@3: fixed in 3.0.13;"
                + " DSA-2 (MEDIUM)")
        .endsWith("SIGNATURE_VERIFIED in cosign: signature verified");
  }

  @Test
  void saysHowManyMoreThereAreBeyondFive() throws Exception {
    StringBuilder array = new StringBuilder("[");
    for (int i = 0; i < 7; i++) {
      array.append(i == 0 ? "" : ",").append("{\"rule\":\"R").append(i).append("\"}");
    }
    String summary = SecurityGateClient.summary("FAIL", findings(array + "]"));
    assertThat(summary).startsWith("FAIL: 7 findings: R0; R1").endsWith("R4; and 2 more");
  }
}

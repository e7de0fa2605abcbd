package io.stevedore.securitygate.advisory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CvssTest {

  @Test
  void computesV3BaseScoresAsNvdDoes() {
    assertThat(Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).hasValue(9.8);
    assertThat(Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")).hasValue(10.0);
    assertThat(Cvss.baseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N")).hasValue(5.9);
    assertThat(Cvss.baseScore("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")).hasValue(7.8);
    assertThat(Cvss.baseScore("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H")).hasValue(6.5);
    assertThat(Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")).hasValue(0.0);
  }

  @Test
  void bucketsScoresIntoSeverities() {
    assertThat(Severity.ofScore(0.0)).isEqualTo(Severity.NONE);
    assertThat(Severity.ofScore(3.9)).isEqualTo(Severity.LOW);
    assertThat(Severity.ofScore(4.0)).isEqualTo(Severity.MEDIUM);
    assertThat(Severity.ofScore(7.0)).isEqualTo(Severity.HIGH);
    assertThat(Severity.ofScore(9.0)).isEqualTo(Severity.CRITICAL);
    assertThat(Severity.parse("moderate")).contains(Severity.MEDIUM);
  }

  @Test
  void ignoresVectorsItCannotScore() {
    assertThat(Cvss.baseScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"))
        .isEmpty();
    assertThat(Cvss.baseScore("CVSS:3.1/AV:X/AC:L")).isEmpty();
    assertThat(Cvss.baseScore(null)).isEmpty();
  }
}

package io.stevedore.securitygate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretScannerTest {

  @Test
  void findsWellKnownSecretShapesAndRedactsThem() {
    String text =
        """
        aws=AKIAIOSFODNN7EXAMPLE
        -----BEGIN RSA PRIVATE KEY-----
        token: ghp_abcdefghijklmnopqrstuvwxyz0123456789
        slack=xoxb-1234567890-abcdefghij
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        """;

    assertThat(SecretScanner.scan(text))
        .extracting(SecretScanner.Hit::kind, SecretScanner.Hit::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("AWS access key id", 1),
            org.assertj.core.groups.Tuple.tuple("private key", 2),
            org.assertj.core.groups.Tuple.tuple("GitHub token", 3),
            org.assertj.core.groups.Tuple.tuple("Slack token", 4),
            org.assertj.core.groups.Tuple.tuple("AWS secret access key", 5));
    assertThat(SecretScanner.scan("AKIAIOSFODNN7EXAMPLE").get(0).redacted())
        .isEqualTo("AKIA****************")
        .doesNotContain("IOSFODNN7EXAMPLE");
  }

  @Test
  void ignoresLookAlikesThatAreNotSecrets() {
    assertThat(SecretScanner.scan("AKIA is a prefix; XAKIAIOSFODNN7EXAMPLEX; ghp_short")).isEmpty();
    assertThat(SecretScanner.scan("-----BEGIN PUBLIC KEY-----")).isEmpty();
    assertThat(SecretScanner.scan("-----BEGIN CERTIFICATE-----")).isEmpty();
  }
}

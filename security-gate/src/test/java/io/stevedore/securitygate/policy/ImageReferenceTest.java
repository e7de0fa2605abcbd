package io.stevedore.securitygate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  @Test
  void prefixAdmitsOnlyAtAPathBoundary() {
    assertThat(ImageReference.isUnder("ecr.example/team/app:1.0", "ecr.example/team")).isTrue();
    assertThat(
            ImageReference.isUnder(
                "ecr.example/team/app@sha256:" + "a".repeat(64), "ecr.example/team/"))
        .isTrue();
    assertThat(ImageReference.isUnder("ecr.example/team", "ecr.example/team")).isTrue();
    assertThat(ImageReference.isUnder("ecr.example/team-evil/app:1.0", "ecr.example/team"))
        .isFalse();
    assertThat(ImageReference.isUnder("ecr.example/teamx", "ecr.example/team")).isFalse();
    assertThat(ImageReference.isUnder("ecr.example.evil.io/team/app", "ecr.example/team"))
        .isFalse();
    assertThat(ImageReference.isUnder("ecr.example:5000/team/app", "ecr.example/team")).isFalse();
  }

  @Test
  void registryHostIsCaseInsensitiveButPathIsNot() {
    assertThat(ImageReference.isUnder("ECR.Example/team/app", "ecr.example/team")).isTrue();
    assertThat(ImageReference.isUnder("ecr.example/Team/app", "ecr.example/team")).isFalse();
  }

  @Test
  void expandsDockerHubShortNames() {
    assertThat(ImageReference.repository("nginx:1.25")).isEqualTo("docker.io/library/nginx");
    assertThat(ImageReference.repository("bitnami/redis")).isEqualTo("docker.io/bitnami/redis");
    assertThat(ImageReference.isUnder("nginx", "docker.io/library")).isTrue();
    assertThat(ImageReference.isUnder("localhost:5000/x/y:2", "localhost:5000/x")).isTrue();
  }
}

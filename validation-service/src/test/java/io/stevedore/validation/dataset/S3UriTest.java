package io.stevedore.validation.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.validation.dataset.S3Datasets.S3Uri;
import org.junit.jupiter.api.Test;

class S3UriTest {

  @Test
  void readsObjectsAndPrefixes() {
    S3Uri object = S3Uri.parse("s3://raw/2026/11/flights.parquet");
    assertThat(object.bucket()).isEqualTo("raw");
    assertThat(object.key()).isEqualTo("2026/11/flights.parquet");
    assertThat(object.isPrefix()).isFalse();
    assertThat(S3Uri.parse("s3://raw/run/stage/").isPrefix()).isTrue();
    assertThat(S3Uri.parse("s3://raw").isPrefix()).isTrue();
  }

  @Test
  void rejectsWhatIsNotAnS3Uri() {
    assertThatThrownBy(() -> S3Uri.parse("/tmp/flights.parquet"))
        .isInstanceOf(DatasetNotFoundException.class)
        .hasMessage("dataset URI '/tmp/flights.parquet' is not of the form s3://bucket/key");
    assertThatThrownBy(() -> S3Uri.parse("s3:///key"))
        .isInstanceOf(DatasetNotFoundException.class)
        .hasMessageContaining("names no bucket");
  }
}

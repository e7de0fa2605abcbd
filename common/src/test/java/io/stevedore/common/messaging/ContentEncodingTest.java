package io.stevedore.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class ContentEncodingTest {

  @Test
  void leavesAShortBodyAsItIs() {
    String json = "{\"runId\":\"r-1\"}";

    ContentEncoding.Encoded encoded = ContentEncoding.encode(json);

    assertThat(encoded.body()).isSameAs(json);
    assertThat(encoded.encoding()).isNull();
    assertThat(ContentEncoding.decode(encoded.body(), encoded.encoding())).isEqualTo(json);
  }

  @Test
  void compressesALongBodyAndDecodesItBack() {
    StringBuilder json = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 100; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"runId\":\"8a1c0b52-6c0e-4f59-9a57-2b1f0c8f1e2d\",\"stageId\":\"s")
          .append(i)
          .append("\",\"status\":\"RUNNING\",\"note\":\"caf\u00e9 \u2014 \u00fcber\"}");
    }
    String text = json.append("]}").toString();

    ContentEncoding.Encoded encoded = ContentEncoding.encode(text);

    assertThat(text.length()).isGreaterThan(ContentEncoding.COMPRESS_ABOVE);
    assertThat(encoded.encoding()).isEqualTo(ContentEncoding.GZIP);
    assertThat(encoded.body()).matches("[A-Za-z0-9+/=]+");
    assertThat(encoded.body().length()).isLessThan(text.length() / 10);
    assertThat(ContentEncoding.decode(encoded.body(), ContentEncoding.GZIP)).isEqualTo(text);
  }

  @Test
  void namesWhatIsWrongWithABodyThatDoesNotDecode() {
    assertThatThrownBy(() -> ContentEncoding.decode("not base64!", ContentEncoding.GZIP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the body is marked gzip but is not base64");
    String notGzip = Base64.getEncoder().encodeToString("plain text".getBytes());
    assertThatThrownBy(() -> ContentEncoding.decode(notGzip, ContentEncoding.GZIP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the body is marked gzip but does not decompress");
    assertThatThrownBy(() -> ContentEncoding.decode("{}", "br"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported stevedore-content-encoding 'br' (supported: gzip)");
  }
}

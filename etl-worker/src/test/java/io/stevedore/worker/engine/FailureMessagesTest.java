package io.stevedore.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureMessagesTest {

  @Test
  void namesTheS3ObjectAndDropsTheStatementEchoAndAdvice() {
    FailureMessages messages = new FailureMessages();
    messages.alias("/tmp/stevedore-x-1/in/00000-a.json", "s3://raw/a.json");

    String clean =
        messages.clean(
            "java.sql.SQLException: Invalid Input Error: JSON transform error in file"
                + " \"/tmp/stevedore-x-1/in/00000-a.json\", in line 7: Failed to cast value\n"
                + "Try setting 'auto_detect' to true\n\n"
                + "LINE 1: COPY (SELECT * FROM read_json(['/tmp/stevedore-x-1/in/00000-a.json']\n"
                + "                            ^^^^^^^^^^^^^\n");

    assertThat(clean)
        .isEqualTo(
            "Invalid Input Error: JSON transform error in file \"s3://raw/a.json\", in line 7:"
                + " Failed to cast value");
  }
}

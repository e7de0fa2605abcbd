package io.stevedore.scheduler;

import static io.restassured.RestAssured.given;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Creates teams and keys through the admin API, as an operator would. */
public final class Teams {

  public static final String ADMIN = "Bearer test-admin-key-0123456789";

  /** Lets RestAssured send YAML bodies as they are. */
  static final RestAssuredConfig YAML_AS_TEXT =
      RestAssuredConfig.config()
          .encoderConfig(
              EncoderConfig.encoderConfig()
                  .encodeContentTypeAs("application/yaml", ContentType.TEXT)
                  .encodeContentTypeAs("text/yaml", ContentType.TEXT));

  /** A team with its API key. */
  public record Team(String name, String key) {
    public RequestSpecification as() {
      return given().config(YAML_AS_TEXT).header("Authorization", "Bearer " + key);
    }
  }

  private Teams() {}

  public static Team create(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body(Map.of("name", name))
        .post("/admin/teams")
        .then()
        .statusCode(201);
    String key =
        given()
            .header("Authorization", ADMIN)
            .contentType(ContentType.JSON)
            .body(Map.of("description", "test"))
            .post("/admin/teams/" + name + "/keys")
            .then()
            .statusCode(201)
            .extract()
            .path("key");
    return new Team(name, key);
  }

  /** A minimal valid pipeline spec in YAML. */
  public static String spec(String team, String name, String schedule) {
    return "name: "
        + name
        + "\nteam: "
        + team
        + "\nparameters:\n  region: { default: \"us\" }\n"
        + (schedule == null ? "" : "schedule: " + schedule + "\n")
        + "stages:\n"
        + "  - id: extract\n"
        + "    type: extract\n"
        + "    source: { kind: s3, uri: \"s3://raw/{{ params.region }}/{{ logical_date }}.csv\","
        + " format: csv }\n"
        + "  - id: shape\n"
        + "    type: transform\n"
        + "    dependsOn: [extract]\n"
        + "    sql: select * from extract\n";
  }
}

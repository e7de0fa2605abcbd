package io.stevedore.common.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import org.junit.jupiter.api.Test;

/** Bad input gets a problem+json that names the field and the value; never a stack trace. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class ProblemResponsesTest {

  static final String ADMIN = "Bearer test-admin-key-0123456789";

  @Test
  void malformedJsonIs400WithLineAndColumn() {
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body("{\"name\": ")
        .post("/admin/teams")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://stevedore.io/problems/bad-request"))
        .body("detail", containsString("not valid JSON"))
        .body("instance", equalTo("/admin/teams"))
        .body(not(containsString("com.fasterxml")))
        .body(not(containsString("Exception")));
  }

  @Test
  void unknownFieldIs400NamingTheField() {
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body("{\"name\": \"x\", \"colour\": \"blue\"}")
        .post("/admin/teams")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", equalTo("unknown field 'colour'"))
        .body("errors[0].field", equalTo("colour"));
  }

  @Test
  void wrongTypeIs400NamingFieldAndExpectedType() {
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.JSON)
        .body("{\"name\": {\"nested\": true}}")
        .post("/admin/teams")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("name"))
        .body("detail", containsString("'name' must be a string"));
  }

  @Test
  void invalidUtf8Is400() {
    byte[] body = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    given()
        .header("Authorization", ADMIN)
        .contentType("application/json")
        .body(body)
        .post("/admin/teams")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body(not(containsString("Exception")));
  }

  @Test
  void unsupportedMediaTypeIs415Problem() {
    given()
        .header("Authorization", ADMIN)
        .contentType(ContentType.XML)
        .body("<team/>")
        .post("/admin/teams")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void unknownPathUnderApiIs404Problem() {
    given().header("Authorization", ADMIN).get("/admin/teams/x/keys/y/z").then().statusCode(404);
  }
}

package io.stevedore.validation.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import io.stevedore.validation.domain.SuiteService;
import io.stevedore.validation.domain.ValidationService;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The dashboard over plain HTTP: sessions, CSRF, team scoping and escaping, with results of the
 * real engine on the real airports data.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class DashboardHttpTest {

  /** Three airports, one with a state that is markup and too long for the length check. */
  static final String HOSTILE_AIRPORTS =
      "iata,name,city,state,country,latitude,longitude\n"
          + "AAA,One,Here,MS,USA,31.9,-89.2\n"
          + "BBB,Two,There,TX,USA,30.6,-95.0\n"
          + "CCC,Three,Elsewhere,<script>alert(1)</script>,USA,29.1,-90.4\n";

  @Inject ApiKeys keys;
  @Inject S3Client s3;
  @Inject SuiteService suites;
  @Inject ValidationService validations;

  Fixtures.Team teamA;
  Fixtures.Team teamB;

  @BeforeEach
  void setUp() {
    Fixtures.buckets(s3);
    teamA = Fixtures.team(keys, "dash-a");
    teamB = Fixtures.team(keys, "dash-b");
  }

  void validate(Fixtures.Team team, String suite, String uri) {
    team.as()
        .contentType("application/json")
        .body(Map.of("suite", suite, "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(201);
  }

  @Test
  void aTeamSeesOnlyItsOwnDatasets() {
    // team A: the real airports (12 without a state), team B: three airports of its own, and zip
    // codes
    assertThat(teamA.saveSuite("airports.yaml")).isEqualTo(201);
    validate(
        teamA,
        "airports",
        Fixtures.upload(s3, teamA.name() + "/airports.csv", Fixtures.data("airports.csv")));
    assertThat(teamB.saveSuite("airports.yaml")).isEqualTo(201);
    assertThat(teamB.saveSuite("zipcodes.yaml")).isEqualTo(201);
    validate(
        teamB, "airports", Fixtures.upload(s3, teamB.name() + "/airports.csv", HOSTILE_AIRPORTS));
    validate(
        teamB,
        "zipcodes",
        Fixtures.upload(s3, teamB.name() + "/zipcodes.csv", Fixtures.data("zipcodes.csv")));

    DashboardClient a = new DashboardClient().signIn(teamA.key());
    String list = a.get("/dashboard").then().statusCode(200).extract().asString();
    assertThat(list).contains(teamA.name()).contains("/dashboard/datasets/airports");
    assertThat(list).doesNotContain("zipcodes").doesNotContain(teamB.name());
    assertThat(list).contains("3,376"); // A's own airports, not B's three

    String airports =
        a.get("/dashboard/datasets/airports").then().statusCode(200).extract().asString();
    assertThat(airports).contains("completeness(state)").contains("3,376").doesNotContain("BBB");

    Response zip = a.get("/dashboard/datasets/zipcodes");
    assertThat(zip.statusCode()).isEqualTo(404);
    assertThat(zip.contentType()).startsWith("text/html");
    assertThat(zip.asString())
        .contains("has no validation result for dataset")
        .doesNotContain("USA");

    // and B sees its own, with the markup in its data escaped
    DashboardClient b = new DashboardClient().signIn(teamB.key());
    String listB = b.get("/dashboard").then().statusCode(200).extract().asString();
    assertThat(listB).contains("zipcodes").contains("airports").doesNotContain("3,376");
    String airportsB =
        b.get("/dashboard/datasets/airports").then().statusCode(200).extract().asString();
    assertThat(airportsB).contains("length(state)").contains("CCC");
    assertThat(airportsB).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(airportsB).doesNotContain("<script>");
  }

  @Test
  void aWrongKeyGetsTheFormAgainWithAnErrorNotA500() {
    DashboardClient c = new DashboardClient();
    String csrf = c.openLoginForm();
    String wrong = "stv_0123456789ab_" + "x".repeat(43);
    Response r = c.submitLogin(wrong, csrf);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.contentType()).startsWith("text/html");
    assertThat(r.asString()).contains("That API key is not valid").doesNotContain(wrong);
    assertThat(r.cookie(DashboardSessions.SESSION_COOKIE)).isNull();

    // a right key id with a wrong secret is refused the same way
    String keyId = teamA.key().substring(4, 16);
    Response r2 =
        c.submitLogin("stv_" + keyId + "_" + "y".repeat(43), DashboardClient.csrf(r.asString()));
    assertThat(r2.statusCode()).isEqualTo(401);
    assertThat(r2.asString()).contains("That API key is not valid");

    Response r3 = c.submitLogin("not a key <b>", DashboardClient.csrf(r2.asString()));
    assertThat(r3.statusCode()).isEqualTo(401);
    assertThat(r3.asString()).contains("That is not an API key").doesNotContain("<b>");

    Response r4 = c.submitLogin(null, DashboardClient.csrf(r3.asString()));
    assertThat(r4.statusCode()).isEqualTo(401);
    assertThat(r4.asString()).contains("Enter your team&#39;s API key");
    assertThat(c.session).isNull();
  }

  @Test
  void loginNeedsTheFormsCsrfToken() {
    DashboardClient c = new DashboardClient();
    c.openLoginForm();
    Response forged = c.submitLogin(teamA.key(), "forged");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.contentType()).startsWith("text/html");
    assertThat(c.session).isNull();

    // a token without the cookie it was made for is refused too
    DashboardClient other = new DashboardClient();
    String token = other.openLoginForm();
    DashboardClient noCookie = new DashboardClient();
    assertThat(noCookie.submitLogin(teamA.key(), token).statusCode()).isEqualTo(403);
    assertThat(noCookie.session).isNull();

    // the form opened in two tabs: the first tab's form still signs in
    DashboardClient tabs = new DashboardClient();
    String first = tabs.openLoginForm();
    String nonce = tabs.loginNonce;
    tabs.openLoginForm();
    assertThat(tabs.loginNonce).isEqualTo(nonce);
    assertThat(tabs.submitLogin(teamA.key(), first).statusCode()).isEqualTo(303);
    assertThat(tabs.session).isNotBlank();
  }

  @Test
  void pagesNeedASessionAndCookiesAreHttpOnlyAndStrict() {
    Response anonymous = new DashboardClient().get("/dashboard");
    assertThat(anonymous.statusCode()).isEqualTo(303);
    assertThat(anonymous.header("Location")).endsWith("/dashboard/login");
    assertThat(new DashboardClient().get("/dashboard/datasets/airports").statusCode())
        .isEqualTo(303);
    // the API key is no way into the dashboard, and the session no way into the API
    assertThat(teamA.as().redirects().follow(false).get("/dashboard").statusCode()).isEqualTo(303);

    DashboardClient c = new DashboardClient();
    Response login = c.submitLogin(teamA.key(), c.openLoginForm());
    String setCookie =
        login.headers().getValues("Set-Cookie").stream()
            .filter(h -> h.startsWith(DashboardSessions.SESSION_COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly");
    assertThat(setCookie).containsIgnoringCase("SameSite=Strict");
    assertThat(setCookie).contains("Path=/dashboard");
    assertThat(setCookie).doesNotContain(teamA.key().substring(17));
    io.restassured.RestAssured.given()
        .cookie(DashboardSessions.SESSION_COOKIE, c.session)
        .get("/api/v1/suites")
        .then()
        .statusCode(401);

    Response page = c.get("/dashboard");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.header("Cache-Control")).isEqualTo("no-store");
    assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'");
    assertThat(page.asString()).doesNotContain(teamA.key());
  }

  @Test
  void aTamperedOrRevokedSessionIsNoSession() {
    DashboardClient c = new DashboardClient().signIn(teamA.key());
    assertThat(c.get("/dashboard").statusCode()).isEqualTo(200);

    // another team's id in the cookie breaks its signature
    String[] parts = c.session.split("\\.");
    parts[2] = teamB.id().toString();
    DashboardClient forged = new DashboardClient();
    forged.session = String.join(".", parts);
    assertThat(forged.get("/dashboard").statusCode()).isEqualTo(303);

    // revoking the key ends the session
    String keyId = teamA.key().substring(4, 16);
    keys.revokeKey(teamA.name(), keyId);
    Response after = c.get("/dashboard");
    assertThat(after.statusCode()).isEqualTo(303);
    assertThat(after.header("Location")).endsWith("/dashboard/login");
  }

  @Test
  void signingOutNeedsTheTokenAndDropsTheCookie() {
    DashboardClient c = new DashboardClient().signIn(teamA.key());
    String csrf = DashboardClient.csrf(c.get("/dashboard").asString());

    Response forged = c.request().formParam("csrf", "forged").post("/dashboard/logout");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(c.get("/dashboard").statusCode()).isEqualTo(200);

    Response out = c.request().formParam("csrf", csrf).post("/dashboard/logout");
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.header("Location")).endsWith("/dashboard/login");
    String cleared =
        out.headers().getValues("Set-Cookie").stream()
            .filter(h -> h.startsWith(DashboardSessions.SESSION_COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(cleared).containsIgnoringCase("Max-Age=0");
  }

  @Test
  void aValidationThatCouldNotRunShowsWhyAndNoCheck() {
    assertThat(teamA.saveSuite("airports.yaml")).isEqualTo(201);
    String uri = Fixtures.upload(s3, teamA.name() + "/airports.csv", Fixtures.data("airports.csv"));
    validate(teamA, "airports", uri);
    // then a validate stage whose data is gone (stored as the SQS consumer stores it)
    String missing = "s3://" + Fixtures.DATA_BUCKET + "/" + teamA.name() + "/gone.csv";
    validations.recordFailure(
        teamA.id(),
        suites.get(teamA.id(), "airports", null),
        new ValidationService.Target("airports", null, missing, null, null),
        null,
        "dataset object " + missing + " does not exist (no object or prefix of that name)");

    DashboardClient a = new DashboardClient().signIn(teamA.key());
    String list = a.get("/dashboard").then().statusCode(200).extract().asString();
    assertThat(list).contains("(could not run)").contains("0.00");
    String page = a.get("/dashboard/datasets/airports").then().statusCode(200).extract().asString();
    assertThat(page)
        .contains("The validation could not run: dataset object " + missing + " does not exist")
        .contains("No check ran")
        .doesNotContain("Every check of the latest result passed")
        .contains("No corrections: the validation could not run");
    // the history keeps the earlier result with its failed check
    assertThat(page).contains("completeness(state)");
  }
}

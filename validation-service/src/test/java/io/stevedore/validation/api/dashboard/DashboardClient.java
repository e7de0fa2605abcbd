package io.stevedore.validation.api.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without a browser: the dashboard over plain HTTP, holding its cookies by hand and
 * following no redirect, so each test can look at every step.
 */
final class DashboardClient {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  String loginNonce;
  String session;

  /** Opens the login form: keeps its cookie, returns its CSRF token. */
  String openLoginForm() {
    Response form = request().get("/dashboard/login");
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.contentType()).startsWith("text/html");
    String nonce = form.cookie(DashboardSessions.LOGIN_COOKIE);
    assertThat(nonce).isNotBlank();
    loginNonce = nonce;
    return csrf(form.asString());
  }

  /** Posts the login form with this key and token; keeps the session cookie if one is set. */
  Response submitLogin(String apiKey, String csrf) {
    RequestSpecification r = request().formParam("csrf", csrf);
    if (apiKey != null) {
      r.formParam("apiKey", apiKey);
    }
    Response response = r.post("/dashboard/login");
    String cookie = response.cookie(DashboardSessions.SESSION_COOKIE);
    if (cookie != null && !cookie.isEmpty()) {
      session = cookie;
    }
    // a form shown again comes with a new login cookie, as a browser would keep it
    String nonce = response.cookie(DashboardSessions.LOGIN_COOKIE);
    if (nonce != null && !nonce.isEmpty()) {
      loginNonce = nonce;
    }
    return response;
  }

  /** Signs in with a key: the form, then its submission, which must succeed. */
  DashboardClient signIn(String apiKey) {
    Response r = submitLogin(apiKey, openLoginForm());
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.header("Location")).endsWith("/dashboard");
    assertThat(session).isNotBlank();
    return this;
  }

  Response get(String path) {
    return request().get(path);
  }

  RequestSpecification request() {
    RequestSpecification r = given().redirects().follow(false);
    if (loginNonce != null) {
      r.cookie(DashboardSessions.LOGIN_COOKIE, loginNonce);
    }
    if (session != null) {
      r.cookie(DashboardSessions.SESSION_COOKIE, session);
    }
    return r;
  }

  static String csrf(String html) {
    Matcher m = CSRF.matcher(html);
    assertThat(m.find()).as("a CSRF field in %s", html).isTrue();
    return m.group(1);
  }
}

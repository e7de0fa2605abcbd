package io.stevedore.validation.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.SqsResource;
import io.stevedore.validation.Fixtures;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The dashboard in headless Chromium: sign in with the team's key, click from the list to a dataset
 * and read its failing check back. The results come from the real engine on the real airports data
 * (12 airports without a state).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class DashboardBrowserTest {

  @Inject ApiKeys keys;
  @Inject S3Client s3;

  @TestHTTPResource("/dashboard")
  URL dashboard;

  ChromeDriver browser;
  WebDriverWait wait;

  @BeforeEach
  void startBrowser() {
    HeadlessChromium.assumeInstalled();
    browser = HeadlessChromium.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(15));
  }

  @AfterEach
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  JsonPath validate(Fixtures.Team team, String suite, String uri) {
    return team.as()
        .contentType("application/json")
        .body(Map.of("suite", suite, "datasetUri", uri))
        .post("/api/v1/validations")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

  @Test
  void signsInClicksToTheDatasetAndReadsItsFailingCheck() throws Exception {
    Fixtures.buckets(s3);
    Fixtures.Team team = Fixtures.team(keys, "browser");
    assertThat(team.saveSuite("airports.yaml")).isEqualTo(201);
    assertThat(team.saveSuite("zipcodes.yaml")).isEqualTo(201);
    String airports =
        Fixtures.upload(s3, team.name() + "/airports.csv", Fixtures.data("airports.csv"));
    validate(team, "airports", airports);
    JsonPath latest = validate(team, "airports", airports);
    JsonPath zipcodes =
        validate(
            team,
            "zipcodes",
            Fixtures.upload(s3, team.name() + "/zipcodes.csv", Fixtures.data("zipcodes.csv")));
    assertThat(latest.getString("verdict")).isEqualTo("FAIL");
    List<String> failedByApi = latest.getList("checks.findAll { !it.passed }.name");
    assertThat(failedByApi).contains("completeness(state)");

    // not signed in: the dashboard sends the browser to its login form
    browser.get(dashboard.toString());
    wait.until(ExpectedConditions.urlContains("/dashboard/login"));
    assertThat(browser.getTitle()).contains("Sign in");

    // a wrong key: the form again, with the reason
    browser.findElement(By.id("apiKey")).sendKeys("stv_0123456789ab_" + "z".repeat(43));
    browser.findElement(By.id("sign-in")).click();
    WebElement error =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
    assertThat(error.getText()).contains("That API key is not valid");

    // the team's key: the datasets
    browser.findElement(By.id("apiKey")).sendKeys(team.key());
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("datasets")));
    assertThat(browser.findElement(By.id("team")).getText()).contains(team.name());
    WebElement row = browser.findElement(By.cssSelector("tr.dataset[data-dataset='airports']"));
    assertThat(row.findElement(By.cssSelector(".verdict")).getText()).isEqualTo("FAIL");
    assertThat(Double.parseDouble(row.findElement(By.cssSelector(".score")).getText()))
        .isEqualTo(latest.getDouble("score"));
    String points = row.findElement(By.cssSelector("svg.spark polyline")).getDomAttribute("points");
    assertThat(points.split(" ")).hasSize(2); // two results of airports: a trend of two
    assertThat(
            browser
                .findElement(By.cssSelector("tr.dataset[data-dataset='zipcodes'] .verdict"))
                .getText())
        .isEqualTo(zipcodes.getString("verdict"));
    Path list = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(list, Path.of("target", "dashboard-list.png"), StandardCopyOption.REPLACE_EXISTING);

    // click through to the dataset
    row.findElement(By.linkText("airports")).click();
    wait.until(ExpectedConditions.textToBe(By.id("dataset-name"), "airports"));
    assertThat(browser.getCurrentUrl()).endsWith("/dashboard/datasets/airports");
    assertThat(browser.findElement(By.id("verdict")).getText()).isEqualTo("FAIL");
    assertThat(browser.findElement(By.id("rows")).getText()).isEqualTo("3,376");

    List<String> shown =
        browser.findElements(By.cssSelector(".failing-check .check-name")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(shown).containsExactlyElementsOf(failedByApi);

    WebElement state =
        browser.findElement(By.cssSelector(".failing-check[data-check='completeness(state)']"));
    assertThat(state.findElement(By.cssSelector(".failed-rows")).getText()).isEqualTo("12");
    assertThat(state.findElement(By.cssSelector(".severity")).getText()).isEqualTo("fail");
    List<WebElement> samples = state.findElements(By.cssSelector("tr.sample"));
    assertThat(samples).hasSize(12);
    for (WebElement sample : samples) {
      assertThat(sample.findElement(By.cssSelector("td.reason")).getText()).contains("state");
    }
    List<String> headers =
        state.findElements(By.cssSelector("table.samples th")).stream()
            .map(WebElement::getText)
            .toList();
    int stateColumn = headers.indexOf("state");
    assertThat(stateColumn).isPositive();
    for (WebElement sample : samples) {
      assertThat(sample.findElements(By.tagName("td")).get(stateColumn).getText())
          .isEqualTo("null");
    }
    assertThat(browser.findElements(By.cssSelector("tr.history-row"))).hasSize(2);
    assertThat(browser.findElement(By.id("no-corrections")).getText()).contains("No corrections");
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(
        shot, Path.of("target", "dashboard-airports.png"), StandardCopyOption.REPLACE_EXISTING);

    // sign out: back at the form, and the pages need signing in again
    browser.findElement(By.id("logout")).click();
    wait.until(ExpectedConditions.urlContains("/dashboard/login"));
    browser.get(dashboard.toString() + "/datasets/airports");
    wait.until(ExpectedConditions.urlContains("/dashboard/login"));
    assertThat(browser.findElements(By.id("dataset-name"))).isEmpty();
  }
}

package io.stevedore.validation.api.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and its driver, headless, driven by Selenium without Selenium Manager (which
 * would try to download a browser). Missing, the browser tests skip with a loud message, unless
 * {@value #REQUIRE} is {@code 1} (as in CI), where they fail.
 */
final class HeadlessChromium {

  static final String REQUIRE = "STEVEDORE_REQUIRE_BROWSER";
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /** Skips (or, when required, fails) the calling test unless Chromium and its driver exist. */
  static void assumeInstalled() {
    boolean present = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    if (present) {
      return;
    }
    String message =
        "\n"
            + "*".repeat(78)
            + "\n*  BROWSER TEST NOT RUN: "
            + BROWSER
            + " and "
            + DRIVER
            + " are needed.\n*  Install them: apt-get install -y chromium chromium-driver"
            + "\n*  (set "
            + REQUIRE
            + "=1 to make this a failure, as CI does)\n"
            + "*".repeat(78);
    System.err.println(message);
    if ("1".equals(System.getenv(REQUIRE))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  static ChromeDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1280,800");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}

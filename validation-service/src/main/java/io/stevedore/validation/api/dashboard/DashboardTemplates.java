package io.stevedore.validation.api.dashboard;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.stevedore.validation.api.dashboard.DashboardViews.DatasetPage;
import io.stevedore.validation.api.dashboard.DashboardViews.DatasetRow;
import java.util.List;

/**
 * The dashboard's pages, {@code src/main/resources/templates/dashboard/*.html}, checked at build
 * time against these parameters. Every page but the login page takes the signed-in team's name and
 * the CSRF token of its sign-out form.
 */
@CheckedTemplate(basePath = "dashboard")
final class DashboardTemplates {

  private DashboardTemplates() {}

  /** The login form; {@code error} is shown above it when set. */
  static native TemplateInstance login(String csrf, String error);

  /** The team's datasets. */
  static native TemplateInstance datasets(String team, String csrf, List<DatasetRow> datasets);

  /** One dataset. */
  static native TemplateInstance dataset(String team, String csrf, DatasetPage page);

  /** An error; {@code team} is null when nobody is signed in. */
  static native TemplateInstance error(String team, String csrf, String title, String message);
}

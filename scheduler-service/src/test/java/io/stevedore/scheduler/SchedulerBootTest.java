package io.stevedore.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasKey;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.ServiceBootContract;
import io.stevedore.testing.SqsResource;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class SchedulerBootTest extends ServiceBootContract {

  @Override
  protected String ownSchema() {
    return "scheduler";
  }

  @Override
  protected List<String> ownTables() {
    return List.of(
        "schedules", "backfills", "backfill_items", "run_actions", "submission_rejections");
  }

  @Test
  void servesTheTeamAdminApi() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths", hasKey("/admin/teams"));
  }
}

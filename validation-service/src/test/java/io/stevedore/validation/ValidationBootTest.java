package io.stevedore.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.S3Resource;
import io.stevedore.testing.ServiceBootContract;
import io.stevedore.testing.SqsResource;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(S3Resource.class)
class ValidationBootTest extends ServiceBootContract {

  @Override
  protected String ownSchema() {
    return "validation";
  }

  @Override
  protected List<String> ownTables() {
    return List.of("suites", "suite_versions", "validation_results", "corrections");
  }

  @Test
  void droppedTheFirstReportTable() throws Exception {
    assertThat(tablesOf("validation")).doesNotContain("validation_reports");
  }
}

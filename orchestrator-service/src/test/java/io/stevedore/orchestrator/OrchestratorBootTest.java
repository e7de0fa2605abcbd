package io.stevedore.orchestrator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.ServiceBootContract;
import io.stevedore.testing.SqsResource;
import java.util.List;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class OrchestratorBootTest extends ServiceBootContract {

  @Override
  protected String ownSchema() {
    return "orchestrator";
  }

  @Override
  protected List<String> ownTables() {
    return List.of("launch_intents");
  }
}

package io.stevedore.securitygate.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stevedore.common.auth.ApiKeys;
import io.stevedore.securitygate.Fixtures;
import io.stevedore.securitygate.advisory.AdvisoryIndex;
import io.stevedore.securitygate.store.AdvisoryStore;
import io.stevedore.testing.PostgresResource;
import io.stevedore.testing.SqsResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** What a restarted instance loads from the database equals what the running one holds. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SqsResource.class)
class AdvisoryLoadTest {

  @Inject ApiKeys keys;
  @Inject AdvisoryStore store;
  @Inject AdvisoryIndex live;

  @Test
  void indexLoadedFromTheDatabaseHasTheLiveDataVersion() {
    Fixtures.Team team = Fixtures.team(keys, "load");
    team.as()
        .contentType("application/zip")
        .body(Fixtures.osvZip())
        .post("/api/v1/advisories/import")
        .then()
        .statusCode(200);

    AdvisoryIndex restarted = new AdvisoryIndex();
    assertThat(AdvisoryService.loadInto(store, restarted)).isEmpty();

    assertThat(restarted.size()).isEqualTo(live.size()).isGreaterThanOrEqualTo(5);
    assertThat(restarted.dataVersion()).isEqualTo(live.dataVersion());
    assertThat(restarted.forPackage("Debian:12", "openssl"))
        .extracting(a -> a.id())
        .contains("DSA-0001-1");
  }
}

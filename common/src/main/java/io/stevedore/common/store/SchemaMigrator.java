package io.stevedore.common.store;

import io.quarkus.runtime.StartupEvent;
import io.stevedore.common.config.StevedoreConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Migrates the shared schema {@code jobs} (from {@code db/jobs}) and then the service's own schema
 * (from {@code db/<service>}), each with its own Flyway history table inside its schema. Runs
 * before any other start-up observer (consumers and relays start after it).
 */
@ApplicationScoped
public class SchemaMigrator {

  /** Observer priority of the migration; start-up work that needs the schema uses a larger one. */
  public static final int PRIORITY = 10;

  private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);

  private final DataSource dataSource;
  private final StevedoreConfig config;

  SchemaMigrator(DataSource dataSource, StevedoreConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  void onStart(@Observes @Priority(PRIORITY) StartupEvent event) {
    if (config.db().migrateAtStart()) {
      migrate();
    }
  }

  /** Applies every pending migration of {@code jobs} and of the service's schema. */
  public void migrate() {
    migrate("jobs");
    String own = config.serviceName().replace('-', '_');
    if (getClass().getClassLoader().getResource("db/" + own) != null) {
      migrate(own);
    }
  }

  private void migrate(String schema) {
    Flyway flyway =
        Flyway.configure(getClass().getClassLoader())
            .dataSource(dataSource)
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .table("flyway_schema_history")
            .locations("classpath:db/" + schema)
            .load();
    var result = flyway.migrate();
    var current = flyway.info().current();
    LOG.infof(
        "schema %s at version %s (%d migrations applied)",
        schema, current == null ? "none" : current.getVersion(), result.migrationsExecuted);
  }
}

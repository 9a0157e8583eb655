package dev.sealer.app;

import dev.sealer.store.Migrations;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Brings the database schema to the latest Flyway migration before anything uses it. */
@Singleton
@Startup(10)
public class SchemaMigration {
    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);

    @Inject
    AgroalDataSource dataSource;

    @PostConstruct
    void migrate() {
        int applied = Migrations.migrate(dataSource);
        LOG.infof("database schema up to date (%d migration(s) applied now)", applied);
    }
}

package dev.sealer.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the Flyway migrations in {@code db/migration}: the schema is owned by them alone. */
public final class Migrations {
    private Migrations() {
    }

    /** Migrates {@code dataSource} to the latest schema; returns the number of migrations applied. */
    public static int migrate(DataSource dataSource) {
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
        return flyway.migrate().migrationsExecuted;
    }
}

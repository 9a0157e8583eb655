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
        try {
            return flyway.migrate().migrationsExecuted;
        } catch (org.flywaydb.core.api.exception.FlywayValidateException e) {
            // V1 was rewritten once before the first release (compact receipt rows, sparse log nodes)
            throw new IllegalStateException("the database was created by a pre-release Sealer schema that this version cannot read ("
                    + e.getMessage().lines().filter(l -> l.contains("checksum")).findFirst().orElse("schema validation failed").trim()
                    + "). Seal into a new, empty database; for the dev default move work/pg aside (./sealer db stop && mv work/pg work/pg.old).", e);
        }
    }
}

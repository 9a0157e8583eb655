package dev.sealer.store;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the Flyway migrations in {@code db/migration}: the schema is owned by them alone. They
 * run as the database's owner role; the last step grants the service's role SELECT and INSERT
 * on the append-only tables and nothing else ({@code app_role} placeholder).
 */
public final class Migrations {
    private Migrations() {
    }

    /** Migrates {@code dataSource} (connected as the owner role) to the latest schema; returns the number of migrations applied. */
    public static int migrate(DataSource dataSource, String appRole) {
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .placeholders(Map.of("app_role", appRole == null ? "" : appRole))
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

    /** The migrations not yet applied to {@code dataSource} (read-only: the service's own role can ask). */
    public static int pending(DataSource dataSource) {
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(Map.of("app_role", ""))
                .load();
        return flyway.info().pending().length;
    }
}

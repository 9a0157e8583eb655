package dev.sealer.app;

import dev.sealer.store.DatabaseRoles;
import dev.sealer.store.Migrations;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Before anything uses the database: brings the schema to the latest migration, as the owner
 * role ({@code sealer.db.owner.username}) when one is configured, and then refuses to run when
 * the service's own role is more privileged than read-and-append ({@link DatabaseRoles}),
 * unless {@code sealer.db.allow-privileged-role=true} says the operator accepts it.
 */
@Singleton
@Startup(10)
public class SchemaMigration {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SchemaMigration.class);

    @Inject
    AgroalDataSource dataSource;
    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> appUser;
    @ConfigProperty(name = "sealer.db.owner.username")
    Optional<String> ownerUser;
    @ConfigProperty(name = "sealer.db.owner.password")
    Optional<String> ownerPassword;
    @ConfigProperty(name = "sealer.db.allow-privileged-role", defaultValue = "false")
    boolean allowPrivileged;

    @PostConstruct
    void migrate() {
        if (ownerUser.isPresent() && !ownerUser.get().isBlank()) {
            int applied = Migrations.migrate(owner(url, ownerUser.get(), ownerPassword.orElse("")), appUser.orElse(""));
            LOG.infof("database schema up to date (%d migration(s) applied now as owner role %s)", applied, ownerUser.get());
        } else {
            int pending = Migrations.pending(dataSource);
            if (pending > 0) {
                if (!allowPrivileged) {
                    throw new IllegalStateException(pending + " schema migration(s) pending and no owner role configured: set sealer.db.owner.username"
                            + " (SEALER_DB_OWNER_USER) and its password so migrations run as the owner, not as the service's role");
                }
                int applied = Migrations.migrate(dataSource, "");
                LOG.warnf("database schema migrated as the service's own role (%d migration(s)): sealer.db.allow-privileged-role is set", applied);
            }
        }
        List<String> problems;
        try (Connection c = dataSource.getConnection()) {
            problems = DatabaseRoles.excessPrivileges(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check the database role's privileges: " + e.getMessage(), e);
        }
        if (problems.isEmpty()) {
            LOG.infof("database role %s may only read and append", appUser.orElse("(default)"));
        } else if (allowPrivileged) {
            problems.forEach(p -> LOG.warnf("database role has more rights than it needs: %s (allowed by sealer.db.allow-privileged-role)", p));
        } else {
            throw new IllegalStateException("refusing to run with a privileged database role: " + String.join("; ", problems)
                    + ". Run the service as a role with SELECT and INSERT only (docs/operations.md, \"Database roles\"),"
                    + " or set sealer.db.allow-privileged-role=true to accept the risk.");
        }
    }

    /** Plain connections as the owner, for the migrations only (no pool: they run once). */
    private static javax.sql.DataSource owner(String url, String user, String password) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }
}

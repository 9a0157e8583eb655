package dev.sealer.testing;

import dev.sealer.dev.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A real PostgreSQL for the tests, one per test JVM: a Testcontainers container when a Docker
 * engine is reachable, else embedded PostgreSQL binaries in a fresh temporary directory.
 */
public final class TestDatabase {
    private static TestDatabase instance;

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final EmbeddedDatabase embedded;

    private TestDatabase(String jdbcUrl, String username, String password, EmbeddedDatabase embedded) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.embedded = embedded;
    }

    /**
     * The JVM's test database. Quarkus loads test classes in several class loaders, so the one
     * instance is found again through system properties rather than this class's static field.
     */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            String url = System.getProperty("sealer.test.db.url");
            if (url != null) {
                String dir = System.getProperty("sealer.test.db.dir");
                instance = new TestDatabase(url, System.getProperty("sealer.test.db.user"), System.getProperty("sealer.test.db.password"),
                        dir == null ? null : EmbeddedDatabase.attach(java.nio.file.Path.of(dir)));
            } else {
                instance = dockerAvailable() ? startContainer() : startEmbedded();
                System.setProperty("sealer.test.db.url", instance.jdbcUrl);
                System.setProperty("sealer.test.db.user", instance.username);
                System.setProperty("sealer.test.db.password", instance.password);
                if (instance.embedded != null) {
                    System.setProperty("sealer.test.db.dir", instance.embedded.dataDirectory().getParent().toString());
                }
            }
        }
        return instance;
    }

    private static boolean dockerAvailable() {
        if (Boolean.getBoolean("sealer.test.no-docker")) {
            return false;
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    @SuppressWarnings("resource")
    private static TestDatabase startContainer() {
        var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:18").withDatabaseName("sealer");
        container.start();
        TestDatabase db = new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(), null);
        db.provisionRoles("sealer");
        return db;
    }

    /** The owner / service role split of {@link EmbeddedDatabase#provisionRoles} on {@code database}. */
    private void provisionRoles(String database) {
        try (Connection c = connect(); java.sql.Statement st = c.createStatement()) {
            EmbeddedDatabase.provisionRoles(st, database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the database roles: " + e.getMessage(), e);
        }
    }

    private static TestDatabase startEmbedded() {
        try {
            EmbeddedDatabase db = EmbeddedDatabase.start(Files.createTempDirectory("sealer-test-pg-"), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
            return new TestDatabase(db.jdbcUrl(), db.username(), "", db);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** A fresh, empty database on the same server (for tests that need a history of their own); its JDBC URL. */
    public String newDatabase(String name) {
        try (Connection c = connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
            st.execute("create database " + name);
            EmbeddedDatabase.provisionRoles(st, name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return serviceUrl(name);
    }

    /** The URL of {@code database} on this server without a user (the service and the migrations give their roles). */
    public String serviceUrl(String database) {
        int slash = jdbcUrl.lastIndexOf('/');
        int query = jdbcUrl.indexOf('?', slash);
        String params = query < 0 ? "" : jdbcUrl.substring(query + 1).replaceAll("(^|&)user=[^&]*", "");
        params = params.startsWith("&") ? params.substring(1) : params;
        return jdbcUrl.substring(0, slash + 1) + database + (params.isEmpty() ? "" : "?" + params);
    }

    /** The URL of the test database, without a user. */
    public String serviceUrl() {
        return serviceUrl(EmbeddedDatabase.DATABASE);
    }

    /** The service's role: SELECT and INSERT only. */
    public String appRole() {
        return EmbeddedDatabase.APP_ROLE;
    }

    /** The owner role the migrations run as. */
    public String ownerRole() {
        return EmbeddedDatabase.OWNER_ROLE;
    }

    /** A connection as the service's own role (what an attacker who stole its password gets). */
    public Connection connectAsApp() throws SQLException {
        return DriverManager.getConnection(serviceUrl(), appRole(), "");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password);
    }

    /** The embedded server, for fault tests that stop and start it; absent with Testcontainers. */
    public java.util.Optional<EmbeddedDatabase> embedded() {
        return java.util.Optional.ofNullable(embedded);
    }
}

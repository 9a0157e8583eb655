package dev.sealer.app;

import dev.sealer.app.storage.Storage;
import dev.sealer.store.JdbcStorage;
import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's {@link Storage}: PostgreSQL through the pooled data source (the service's
 * least-privileged role). The only place the application is tied to the JDBC implementation;
 * a test may put a fault-injecting {@code Storage} bean in its place.
 */
public class StorageWiring {
    @Produces
    @Singleton
    @DefaultBean
    Storage storage(AgroalDataSource dataSource) {
        return new JdbcStorage(dataSource);
    }
}

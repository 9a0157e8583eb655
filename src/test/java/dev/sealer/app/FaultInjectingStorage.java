package dev.sealer.app;

import dev.sealer.app.storage.AuditRows;
import dev.sealer.app.storage.LogRows;
import dev.sealer.app.storage.ReceiptRows;
import dev.sealer.app.storage.Storage;
import dev.sealer.app.storage.SuiteEventRows;
import dev.sealer.app.storage.Tables;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.integrity.IntegrityCheck;
import dev.sealer.store.JdbcStorage;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real PostgreSQL storage with one fault a real database cannot be made to produce on
 * demand: the next {@code n} writes of log nodes fail, after the batch's receipts were already
 * inserted in the same transaction. Enabled only by the profiles that name it.
 */
@Alternative
@Singleton
public class FaultInjectingStorage implements Storage {
    @Inject
    AgroalDataSource dataSource;

    private Storage real;
    private final AtomicInteger failNodeWrites = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    @PostConstruct
    void start() {
        real = new JdbcStorage(dataSource);
    }

    /** The next {@code n} node writes fail as a lost database would (STORE_UNAVAILABLE). */
    public void failNextNodeWrites(int n) {
        failNodeWrites.set(n);
    }

    /** How many faults were injected so far. */
    public int injected() {
        return injected.get();
    }

    @Override
    public <T> T read(String what, Work<T> work) {
        return real.read(what, t -> work.run(faulty(t)));
    }

    @Override
    public <T> T transaction(String what, Work<T> work) {
        return real.transaction(what, t -> work.run(faulty(t)));
    }

    @Override
    public <T> T snapshot(String what, Work<T> work) {
        return real.snapshot(what, t -> work.run(faulty(t)));
    }

    @Override
    public Session session() {
        Session s = real.session();
        return new Session() {
            @Override
            public <T> T transaction(String what, Work<T> work) {
                return s.transaction(what, t -> work.run(faulty(t)));
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    private Tables faulty(Tables t) {
        LogRows log = (LogRows) Proxy.newProxyInstance(LogRows.class.getClassLoader(), new Class<?>[] {LogRows.class}, (proxy, method, args) -> {
            if (method.getName().equals("insertNodes") && failNodeWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                injected.incrementAndGet();
                throw new SealerException(Reason.STORE_UNAVAILABLE, "injected: the database went away while the log nodes were written");
            }
            try {
                return method.invoke(t.log(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        return new Tables() {
            @Override
            public ReceiptRows receipts() {
                return t.receipts();
            }

            @Override
            public LogRows log() {
                return log;
            }

            @Override
            public dev.sealer.app.storage.LineageRows lineage() {
                return t.lineage();
            }

            @Override
            public SuiteEventRows suiteEvents() {
                return t.suiteEvents();
            }

            @Override
            public AuditRows audit() {
                return t.audit();
            }

            @Override
            public dev.sealer.app.storage.TimestampRows timestamps() {
                return t.timestamps();
            }

            @Override
            public IntegrityCheck.Report sweep(IntegrityCheck check) {
                return t.sweep(check);
            }
        };
    }
}

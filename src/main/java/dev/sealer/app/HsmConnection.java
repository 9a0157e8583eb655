package dev.sealer.app;

import dev.sealer.hsm.HsmConfig;
import dev.sealer.hsm.Pkcs11Hsm;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Opens the HSM at startup; the service refuses to start when the token or its root keys are wrong. */
@Singleton
@Startup
public class HsmConnection {
    private static final Logger LOG = Logger.getLogger(HsmConnection.class);

    private final Pkcs11Hsm hsm;
    private final Optional<Path> pinFile;
    private final long maxBackoffNanos;
    private long backoffNanos; // guarded by the probe's SKIP execution: one probe at a time
    private long nextRecoveryNanos;

    HsmConnection(@ConfigProperty(name = "sealer.hsm.library") String library,
            @ConfigProperty(name = "sealer.hsm.token-label") String tokenLabel,
            @ConfigProperty(name = "sealer.hsm.pin-file") Optional<Path> pinFile,
            @ConfigProperty(name = "sealer.hsm.root-key-label") String rootKeyLabel,
            @ConfigProperty(name = "sealer.hsm.attestation-key-label") String attestationKeyLabel,
            @ConfigProperty(name = "sealer.hsm.recovery-backoff-max", defaultValue = "30s") java.time.Duration maxBackoff) {
        this.pinFile = pinFile;
        this.maxBackoffNanos = Math.max(1, maxBackoff.toNanos());
        char[] pin = HsmConfig.resolvePin(Optional.ofNullable(System.getenv(HsmConfig.PIN_ENV)), pinFile);
        this.hsm = Pkcs11Hsm.open(new HsmConfig(library, tokenLabel, pin, rootKeyLabel, attestationKeyLabel));
        java.util.Arrays.fill(pin, '\0');
        LOG.infof("HSM token '%s' open: root derivation secret '%s' is sensitive and non-extractable", tokenLabel, rootKeyLabel);
    }

    public Pkcs11Hsm hsm() {
        return hsm;
    }

    private volatile String unavailable;
    @jakarta.inject.Inject
    dev.sealer.app.metrics.SealerMetrics metrics;

    /** 1 while the last probe succeeded, 0 while the HSM is unavailable (the {@code sealer_hsm_up} gauge). */
    public int up() {
        return unavailable == null ? 1 : 0;
    }

    /**
     * Probes the token with a real HMAC; remembers the outcome so sealing fails fast with
     * HSM_UNAVAILABLE while the token is unreachable, and brings it back by itself: each failed
     * probe is followed by a recovery attempt ({@link Pkcs11Hsm#recover}: log in again, else
     * reinitialise the module and find the token and its keys again, with the PIN read afresh so
     * a changed PIN file is taken up), spaced by a backoff that doubles from one second up to
     * {@code sealer.hsm.recovery-backoff-max}.
     */
    @io.quarkus.scheduler.Scheduled(every = "${sealer.hsm.probe-interval:2s}", concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    public void probe() {
        long started = System.nanoTime();
        try {
            hsm.probe();
            metrics.hsmCall("probe", System.nanoTime() - started, true);
            if (unavailable != null) {
                LOG.infof("HSM token '%s' is available again", hsm.tokenLabel());
            }
            unavailable = null;
            backoffNanos = 0;
        } catch (RuntimeException e) {
            metrics.hsmCall("probe", System.nanoTime() - started, false);
            if (unavailable == null) {
                LOG.warnf("HSM token '%s' unavailable: %s", hsm.tokenLabel(), e.getMessage());
                unavailable = e.getMessage();
            }
            long now = System.nanoTime();
            if (backoffNanos != 0 && now - nextRecoveryNanos < 0) {
                return;
            }
            backoffNanos = backoffNanos == 0 ? java.util.concurrent.TimeUnit.SECONDS.toNanos(1) : Math.min(backoffNanos * 2, maxBackoffNanos);
            nextRecoveryNanos = now + backoffNanos;
            char[] pin = new char[0];
            try {
                pin = HsmConfig.resolvePin(Optional.ofNullable(System.getenv(HsmConfig.PIN_ENV)), pinFile);
                hsm.recover(pin);
                LOG.infof("HSM token '%s' reopened: root keys found again and checked", hsm.tokenLabel());
                hsm.probe();
                unavailable = null;
                backoffNanos = 0;
                LOG.infof("HSM token '%s' is available again", hsm.tokenLabel());
            } catch (RuntimeException stillDown) {
                if (!java.util.Objects.equals(unavailable, stillDown.getMessage())) {
                    LOG.warnf("HSM token '%s' still unavailable (next attempt in %d ms): %s", hsm.tokenLabel(),
                            backoffNanos / 1_000_000, stillDown.getMessage());
                }
                unavailable = stillDown.getMessage();
            } finally {
                java.util.Arrays.fill(pin, '\0');
            }
        }
    }

    /** Throws HSM_UNAVAILABLE when the last probe failed. */
    public void requireAvailable() {
        String reason = unavailable;
        if (reason != null) {
            throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.HSM_UNAVAILABLE, "HSM unavailable: " + reason);
        }
    }

    @PreDestroy
    void close() {
        hsm.close();
    }
}

package dev.sealer.app.tsa;

import dev.sealer.app.HsmConnection;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.tsa.TimestampAuthority;
import dev.sealer.core.tsa.TimestampTrust;
import dev.sealer.core.tsa.TimestampVerifier;
import dev.sealer.core.tsa.TsaPolicy;
import dev.sealer.core.tsa.CheckpointStamp;
import dev.sealer.app.storage.Storage;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The time-stamping authorities of this service: the built-in RFC 3161 TSA (its ECDSA P-256 key
 * in the HSM, made at the key ceremony; its certificate issued by the root attestation key), and
 * optionally an external TSA reached by URL with its own trust anchors. Gives the trust entries
 * of the trust bundle and the clients that stamp checkpoints, in the configured order.
 */
@Singleton
public class TimestampAuthorities {
    private static final Logger LOG = Logger.getLogger(TimestampAuthorities.class);
    public static final String BUILTIN = "builtin";
    public static final String EXTERNAL = "external";

    @Inject
    HsmConnection hsm;
    @Inject
    Storage storage;
    @Inject
    Clock clock;
    @ConfigProperty(name = "sealer.authority", defaultValue = "sealer")
    String authority;
    @ConfigProperty(name = "sealer.tsa.key-label", defaultValue = "sealer-tsa-ec")
    String keyLabel;
    @ConfigProperty(name = "sealer.tsa.policy-oid", defaultValue = TsaPolicy.DEFAULT_POLICY_OID)
    String policyOid;
    @ConfigProperty(name = "sealer.tsa.accuracy", defaultValue = "1S")
    Duration accuracy;
    @ConfigProperty(name = "sealer.tsa.nonce-required", defaultValue = "false")
    boolean nonceRequired;
    /** Which TSAs stamp checkpoints, tried in this order: builtin, external. */
    @ConfigProperty(name = "sealer.tsa.checkpoint-authorities", defaultValue = BUILTIN)
    List<String> checkpointAuthorities;
    @ConfigProperty(name = "sealer.tsa.external.url")
    Optional<URI> externalUrl;
    @ConfigProperty(name = "sealer.tsa.external.name", defaultValue = EXTERNAL)
    String externalName;
    /** PEM file of the certificates that issue the external TSA's certificate (or the TSA certificate itself). */
    @ConfigProperty(name = "sealer.tsa.external.trust-anchors")
    Optional<Path> externalAnchors;
    @ConfigProperty(name = "sealer.tsa.external.timeout", defaultValue = "5S")
    Duration externalTimeout;

    private TimestampAuthority builtin; // null when the token has no time-stamping key
    private String builtinProblem;
    private final List<TimestampTrust> trust = new ArrayList<>();
    private final List<TsaClient> checkpointClients = new ArrayList<>();

    @PostConstruct
    void start() {
        TsaPolicy policy = new TsaPolicy(policyOid, accuracy, nonceRequired);
        Optional<List<X509Certificate>> chain = hsm.hsm().openTimestampKey(keyLabel);
        if (chain.isPresent()) {
            X509Certificate cert = chain.get().getFirst();
            try {
                cert.verify(hsm.hsm().attestationPublicKey());
            } catch (Exception e) {
                throw new IllegalStateException("the time-stamping certificate of '" + keyLabel + "' is not issued by the root attestation key: " + e.getMessage());
            }
            builtin = new TimestampAuthority(List.of(cert), hsm.hsm()::signTimestamp, new SerialBlocks(storage), clock, policy);
            trust.add(new TimestampTrust(authority, true, List.of(hsm.hsm().attestationCertificate()), List.of(cert)));
            LOG.infof("time-stamping authority '%s' ready: key '%s' in the HSM, certificate %s, policy %s", authority, keyLabel,
                    cert.getSubjectX500Principal().getName(), policyOid);
        } else {
            builtinProblem = "the HSM token has no time-stamping key '" + keyLabel + "' (it was created before the key ceremony made one)";
            LOG.warnf("built-in time-stamping authority off: %s", builtinProblem);
        }
        TimestampTrust external = null;
        if (externalUrl.isPresent()) {
            List<X509Certificate> anchors = externalAnchors.map(TimestampAuthorities::readPem)
                    .orElseThrow(() -> new IllegalStateException("sealer.tsa.external.url needs sealer.tsa.external.trust-anchors (a PEM file)"));
            external = new TimestampTrust(externalName, false, anchors, List.of());
            trust.add(external);
        }
        for (String name : checkpointAuthorities) {
            switch (name.strip()) {
                case BUILTIN -> {
                    if (builtin != null) {
                        checkpointClients.add(new TsaClient() {
                            @Override
                            public String name() {
                                return authority;
                            }

                            @Override
                            public byte[] timestamp(byte[] imprint, BigInteger nonce) {
                                return token(CheckpointStamp.IMPRINT_ALGORITHM, imprint, nonce, true);
                            }
                        });
                    }
                }
                case EXTERNAL -> {
                    if (external == null) {
                        throw new IllegalStateException("sealer.tsa.checkpoint-authorities names external, but sealer.tsa.external.url is not set");
                    }
                    checkpointClients.add(new HttpTsaClient(externalName, externalUrl.get(), externalTimeout));
                }
                case "" -> {
                }
                default -> throw new IllegalStateException("unknown time-stamping authority '" + name + "' in sealer.tsa.checkpoint-authorities (builtin, external)");
            }
        }
    }

    private static List<X509Certificate> readPem(Path file) {
        try {
            return TimestampTrust.parsePem(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the external TSA's trust anchors " + file + ": " + e.getMessage(), e);
        }
    }

    /** The trust entries for the trust bundle (and for checking tokens before they are stored). */
    public List<TimestampTrust> trust() {
        return List.copyOf(trust);
    }

    /** The TSAs that stamp checkpoints, in order. */
    public List<TsaClient> checkpointClients() {
        return List.copyOf(checkpointClients);
    }

    public Optional<TimestampAuthority> builtin() {
        return Optional.ofNullable(builtin);
    }

    private TimestampAuthority requireBuiltin() {
        if (builtin == null) {
            throw new SealerException(Reason.TSA_UNAVAILABLE, "the built-in time-stamping authority is off: " + builtinProblem);
        }
        hsm.requireAvailable();
        return builtin;
    }

    /** The RFC 3161 HTTP transport: DER TimeStampReq in, DER TimeStampResp out (a rejection for a bad request). */
    public byte[] respond(byte[] request) {
        return requireBuiltin().respond(request);
    }

    /** A DER token over {@code digest} (gRPC): INVALID_DIGEST / INVALID_ARGUMENT for what cannot be stamped. */
    public byte[] token(ASN1ObjectIdentifier alg, byte[] digest, BigInteger nonce, boolean certReq) {
        return requireBuiltin().token(alg, digest, nonce, certReq);
    }

    /** Verifies a token from any configured TSA over {@code imprint} (SHA-256). */
    public TimestampVerifier.Verified verify(byte[] token, byte[] imprint) {
        return TimestampVerifier.verify(token, CheckpointStamp.IMPRINT_ALGORITHM, imprint, trust, hsm.hsm().attestationPublicKey());
    }
}

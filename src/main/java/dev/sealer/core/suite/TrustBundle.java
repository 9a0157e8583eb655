package dev.sealer.core.suite;

import dev.sealer.core.crypto.PublicKeyCodec;
import dev.sealer.core.crypto.SignatureAlgorithm;
import dev.sealer.core.json.CanonicalJson;
import dev.sealer.core.json.Json;
import dev.sealer.core.time.Rfc3339;
import dev.sealer.core.tsa.TimestampTrust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a verifier pins: the root attestation public keys (PEM/SPKI) and every suite
 * certificate they signed. Suite certificates are checked against the root keys before use,
 * so the file may travel over untrusted channels once the root keys are pinned.
 */
public record TrustBundle(String authority, RootKeys root, List<SuiteCertificate> suites, Instant issuedAt, SuiteStatusList statusList,
        List<RootCrossCertificate> rootChain, List<TimestampTrust> timestampAuthorities) {
    public static final String FORMAT = "sealer-trust-bundle/v1";

    public TrustBundle {
        suites = List.copyOf(suites);
        rootChain = rootChain == null ? List.of() : List.copyOf(rootChain);
        timestampAuthorities = timestampAuthorities == null ? List.of() : List.copyOf(timestampAuthorities);
    }

    public TrustBundle(String authority, RootKeys root, List<SuiteCertificate> suites, Instant issuedAt, SuiteStatusList statusList) {
        this(authority, root, suites, issuedAt, statusList, List.of(), List.of());
    }

    /** A bundle that names no time-stamping authority: checkpoint times are the checkpoints' own {@code time} lines. */
    public TrustBundle(String authority, RootKeys root, List<SuiteCertificate> suites, Instant issuedAt, SuiteStatusList statusList,
            List<RootCrossCertificate> rootChain) {
        this(authority, root, suites, issuedAt, statusList, rootChain, List.of());
    }

    /**
     * The root key sets trusted from {@code anchor} (a pinned root): the anchor, then every subject
     * of a cross-certificate in {@link #rootChain()} whose issuer is already trusted and whose two
     * signatures verify, until nothing is added. Without a chain this is just the anchor.
     */
    public List<RootKeys> trustedRoots(RootKeys anchor) {
        List<RootKeys> trusted = new ArrayList<>(List.of(anchor));
        boolean added = true;
        while (added) {
            added = false;
            for (RootCrossCertificate c : rootChain) {
                if (trusted.stream().anyMatch(c.issuer()::sameAs) && trusted.stream().noneMatch(c.subject()::sameAs) && c.isSigned()) {
                    trusted.add(c.subject());
                    added = true;
                }
            }
        }
        return List.copyOf(trusted);
    }

    /** The bundle's own root and those it reaches through its chain. */
    public List<RootKeys> trustedRoots() {
        return trustedRoots(root);
    }

    /** True when a root trusted from the bundle's own root certified {@code suite}. */
    public boolean certifies(SuiteCertificate suite) {
        return trustedRoots().stream().anyMatch(suite::isCertifiedBy);
    }

    /** A bundle without a status list: every certified suite is in good standing. */
    public TrustBundle(String authority, RootKeys root, List<SuiteCertificate> suites, Instant issuedAt) {
        this(authority, root, suites, issuedAt, null, List.of());
    }

    public Optional<SuiteCertificate> suite(String suiteId) {
        return suites.stream().filter(s -> s.suiteId().equals(suiteId)).findFirst();
    }

    public Map<String, Object> toJsonValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("authority", authority);
        m.put("issued_at", Rfc3339.format(issuedAt));
        m.put("root_keys", Map.of("ecdsa-p256", root.ecdsaPem(), root.mlDsaAlgorithm().id(), root.mlDsaPem()));
        m.put("suites", suites.stream().map(SuiteCertificate::toJsonValue).toList());
        if (statusList != null) {
            m.put("status_list", statusList.toJsonValue());
        }
        if (!rootChain.isEmpty()) {
            m.put("root_chain", rootChain.stream().map(RootCrossCertificate::toJsonValue).toList());
        }
        if (!timestampAuthorities.isEmpty()) {
            m.put("timestamp_authorities", timestampAuthorities.stream().map(TimestampTrust::toJsonValue).toList());
        }
        return m;
    }

    public String toJson() {
        return CanonicalJson.writeString(toJsonValue());
    }

    /**
     * Reads a trust bundle. Any defect (not JSON, wrong types, a key that does not decode, a certificate that does not
     * read) is {@code SealerException(MALFORMED_BUNDLE)}, never an unchecked exception (found by ParserFuzzTest).
     */
    public static TrustBundle parse(String json) {
        try {
            return read(json);
        } catch (dev.sealer.core.error.SealerException e) {
            throw e.reason() == dev.sealer.core.error.Reason.MALFORMED_BUNDLE ? e
                    : new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.MALFORMED_BUNDLE, "malformed trust bundle: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new dev.sealer.core.error.SealerException(dev.sealer.core.error.Reason.MALFORMED_BUNDLE, "malformed trust bundle: " + e.getMessage(), e);
        }
    }

    private static TrustBundle read(String json) {
        Map<String, Object> m = Json.parseObject(json);
        if (!FORMAT.equals(Json.string(m, "format"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " document");
        }
        Map<String, Object> roots = Json.object(m, "root_keys");
        SignatureAlgorithm pq = null;
        for (String k : roots.keySet()) {
            if (k.startsWith("ml-dsa")) {
                pq = SignatureAlgorithm.fromId(k);
            }
        }
        if (pq == null) {
            throw new IllegalArgumentException("trust bundle has no ML-DSA root key");
        }
        RootKeys root = new RootKeys(RootKeys.ecdsaFromPem(Json.string(roots, "ecdsa-p256")), pq, PublicKeyCodec.fromPem(pq, Json.string(roots, pq.id())));
        List<SuiteCertificate> suites = new ArrayList<>();
        for (Object s : Json.array(m, "suites")) {
            suites.add(SuiteCertificate.fromJsonValue(Json.asObject(s, "suite certificate")));
        }
        SuiteStatusList status = Json.optObject(m, "status_list").map(SuiteStatusList::fromJsonValue).orElse(null);
        List<RootCrossCertificate> chain = new ArrayList<>();
        if (m.containsKey("root_chain")) {
            for (Object c : Json.array(m, "root_chain")) {
                chain.add(RootCrossCertificate.fromJsonValue(Json.asObject(c, "root cross-certificate")));
            }
        }
        List<TimestampTrust> tsas = new ArrayList<>();
        for (Object t : Json.optArray(m, "timestamp_authorities").orElse(List.of())) {
            tsas.add(TimestampTrust.fromJsonValue(Json.asObject(t, "timestamp authority")));
        }
        return new TrustBundle(Json.string(m, "authority"), root, suites, Rfc3339.parse(Json.string(m, "issued_at")), status, chain, tsas);
    }
}

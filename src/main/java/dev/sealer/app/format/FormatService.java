package dev.sealer.app.format;

import dev.sealer.app.seal.CommitQueue;
import dev.sealer.app.seal.SealCommand;
import dev.sealer.app.seal.SealQueries;
import dev.sealer.app.seal.SealView;
import dev.sealer.app.seal.SealWriter;
import dev.sealer.app.storage.StoredSeal;
import dev.sealer.app.suite.SuiteRegistry;
import dev.sealer.app.tsa.TimestampAuthorities;
import dev.sealer.core.error.Reason;
import dev.sealer.core.error.SealerException;
import dev.sealer.core.format.Dsse;
import dev.sealer.core.format.ModelSignature;
import dev.sealer.core.format.OmsStatement;
import dev.sealer.core.format.SealAttestation;
import dev.sealer.core.log.Anchor;
import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.seal.Stage;
import dev.sealer.core.suite.DualSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

/**
 * Seals in the formats other tools read (docs/formats.md): an OMS {@code model.sig} around a sealed
 * statement, and any seal as an in-toto Statement in a dual-signed DSSE envelope. The seal itself
 * is an ordinary one ({@link SealWriter}); this only wraps it, on the same bounded signing pool.
 */
@ApplicationScoped
public class FormatService {
    @Inject
    SealWriter writer;
    @Inject
    SealQueries queries;
    @Inject
    SuiteRegistry suites;
    @Inject
    TimestampAuthorities tsa;

    /** A model seal: the Sealer seal of S0 (ANCHORED, with its anchor) and the model.sig JSON. */
    public record ModelSeal(SealView seal, String modelSigJson) {
    }

    /**
     * Seals SHA-256 of the statement's canonical form (ANCHORED) and wraps it into a model.sig: the
     * statement is checked first (INVALID_STATEMENT), nothing is stored for a statement that is not one.
     */
    public CompletableFuture<ModelSeal> sealModel(String requestId, byte[] statementJson, Stage stage, Map<String, String> labels,
            List<String> parents, String signer, CommitQueue.Admission admission) {
        OmsStatement statement = OmsStatement.parse(statementJson);
        Digest digest = new Digest(DigestAlgorithm.SHA_256, sha256(statement.canonicalBytes()));
        SealCommand cmd = new SealCommand(requestId, digest, statement.modelName(), stage, labels, parents, signer, SealCommand.Mode.ANCHORED);
        return writer.sealFromIoThread(cmd, admission).thenCompose(view -> writer.onSigningPool(() -> modelSig(statement, view)));
    }

    private ModelSeal modelSig(OmsStatement statement, SealView view) {
        Anchor anchor = view.anchor() != null ? view.anchor() : queries.earliestAnchorOf(view.stored()).orElseThrow(() -> new SealerException(
                Reason.PARTIAL_EVIDENCE, "seal " + view.stored().sealId() + " is not covered by a checkpoint yet; retry with the same request id"));
        SealBundle seal = new SealBundle(view.receipt(), signatureOf(view.stored()), anchor);
        byte[] payload = ModelSignature.payload(statement, seal);
        byte[] sig;
        String suiteId;
        try (SuiteRegistry.SigningLease lease = suites.signing()) {
            sig = lease.keys().ed25519().sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
            suiteId = lease.certificate().suiteId();
        }
        // the trusted time a Sigstore verifier checks the key against: a token over SHA-256 of the signature bytes, whose
        // genTime that verifier can read (asked again a millisecond later when its milliseconds end in 0: ModelSignature)
        byte[] token = null;
        if (tsa.builtin().isPresent()) {
            for (int attempt = 0; attempt < 5; attempt++) {
                token = tsa.token(NISTObjectIdentifiers.id_sha256, sha256(sig), null, true);
                if (ModelSignature.genTimeReadableBySigstore(token)) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
        }
        return new ModelSeal(view, ModelSignature.bundle(suiteId, payload, sig, token).toJson());
    }

    /**
     * Seal {@code sealId} as an in-toto Statement in a DSSE envelope signed by the active suite's two
     * keys; the seal bundle inside carries the receipt's signatures and, once a checkpoint covers it,
     * its earliest anchor. An ANCHORED seal no checkpoint covers yet cannot be exported (PARTIAL_EVIDENCE).
     */
    public Dsse.Envelope export(UUID sealId) {
        StoredSeal s = queries.find(sealId).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL, "no seal " + sealId));
        return export(s);
    }

    public Dsse.Envelope export(StoredSeal s) {
        DualSignature sig = signatureOf(s);
        Anchor anchor = queries.earliestAnchorOf(s).orElse(null);
        if (anchor == null && sig.ed25519() == null) {
            throw new SealerException(Reason.PARTIAL_EVIDENCE, "seal " + s.sealId() + " is ANCHORED and no checkpoint covers it yet; retry shortly");
        }
        List<SealAttestation.Parent> parents = new ArrayList<>();
        for (UUID p : s.receipt().parents()) {
            StoredSeal parent = queries.find(p).orElseThrow(() -> new SealerException(Reason.UNKNOWN_SEAL,
                    "parent seal " + p + " of " + s.sealId() + " is not in the store"));
            parents.add(new SealAttestation.Parent(parent.sealId(), parent.receipt().subject(), parent.canonical()));
        }
        byte[] statement = SealAttestation.statement(new SealBundle(s.receipt(), sig, anchor), parents);
        try (SuiteRegistry.SigningLease lease = suites.signing()) {
            DualSignature over = lease.keys().sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, statement));
            return SealAttestation.envelope(statement, lease.certificate().suiteId(), lease.keys().pqAlgorithm(), over);
        }
    }

    private static DualSignature signatureOf(StoredSeal s) {
        return s.sigEd25519() == null ? new DualSignature(null, null) : new DualSignature(s.sigEd25519(), s.sigMlDsa());
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

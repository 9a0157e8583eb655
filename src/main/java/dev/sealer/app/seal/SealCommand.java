package dev.sealer.app.seal;

import dev.sealer.core.seal.Digest;
import dev.sealer.core.seal.Stage;
import java.util.List;
import java.util.Map;

/** A seal request as the handlers map it: its fields are checked by {@link SealWriter#seal} (core.seal.SealLimits). */
public record SealCommand(String requestId, Digest digest, String subject, Stage stage, Map<String, String> labels, List<String> parents,
        String signer, Mode mode) {
    /** SIGNED: the receipt is dual-signed on its own. ANCHORED: no per-seal signature; answered once a checkpoint covers it. */
    public enum Mode { SIGNED, ANCHORED }

    public SealCommand(String requestId, Digest digest, String subject, Stage stage, Map<String, String> labels, List<String> parents,
            String signer) {
        this(requestId, digest, subject, stage, labels, parents, signer, Mode.SIGNED);
    }
}

package dev.sealer.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Stage;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The codes the receipts table stores are part of the stored format: each is pinned here, and none may change meaning. */
class StoredCodesTest {
    static final Map<DigestAlgorithm, Integer> ALGORITHMS = new EnumMap<>(Map.of(DigestAlgorithm.SHA_256, 1, DigestAlgorithm.SHA_384, 2,
            DigestAlgorithm.SHA_512, 3, DigestAlgorithm.SHA3_256, 4, DigestAlgorithm.SHA3_512, 5));
    static final Map<Stage, Integer> STAGES = new EnumMap<>(Map.of(Stage.DATA_COLLECTION, 1, Stage.DATA_PREPARATION, 2, Stage.MODEL_DEVELOPMENT, 3,
            Stage.TRAINING, 4, Stage.EVALUATION, 5, Stage.DEPLOYMENT, 6, Stage.MONITORING, 7, Stage.RETIREMENT, 8, Stage.INFERENCE, 9, Stage.OTHER, 10));

    @Test
    void everyDigestAlgorithm_hasItsPinnedCode_bothWays() {
        assertEquals(DigestAlgorithm.values().length, ALGORITHMS.size(), "a new algorithm needs a pinned code here");
        ALGORITHMS.forEach((a, code) -> {
            assertEquals(code.shortValue(), StoredCodes.of(a), a.name());
            assertEquals(a, StoredCodes.algorithm(code.shortValue()));
        });
    }

    @Test
    void everyStage_hasItsPinnedCode_bothWays() {
        assertEquals(Stage.values().length, STAGES.size(), "a new stage needs a pinned code here");
        STAGES.forEach((s, code) -> {
            assertEquals(code.shortValue(), StoredCodes.of(s), s.name());
            assertEquals(s, StoredCodes.stage(code.shortValue()));
        });
    }

    @Test
    void aCodeSealerNeverWrites_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> StoredCodes.algorithm((short) 0));
        assertThrows(IllegalArgumentException.class, () -> StoredCodes.stage((short) 11));
    }
}

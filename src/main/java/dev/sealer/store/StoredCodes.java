package dev.sealer.store;

import dev.sealer.core.seal.DigestAlgorithm;
import dev.sealer.core.seal.Stage;

/**
 * The small integers the receipts table stores for digest algorithms and stages. They are part
 * of the stored format: a code, once given, never changes meaning ({@code StoredCodesTest} pins
 * every one). A new enum value needs a new code here, or storing it fails loudly.
 */
public final class StoredCodes {
    private StoredCodes() {
    }

    public static short of(DigestAlgorithm a) {
        return switch (a) {
            case SHA_256 -> 1;
            case SHA_384 -> 2;
            case SHA_512 -> 3;
            case SHA3_256 -> 4;
            case SHA3_512 -> 5;
        };
    }

    public static DigestAlgorithm algorithm(short code) {
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            if (of(a) == code) {
                return a;
            }
        }
        throw new IllegalArgumentException("stored digest algorithm code " + code + " is not one Sealer writes");
    }

    public static short of(Stage s) {
        return switch (s) {
            case DATA_COLLECTION -> 1;
            case DATA_PREPARATION -> 2;
            case MODEL_DEVELOPMENT -> 3;
            case TRAINING -> 4;
            case EVALUATION -> 5;
            case DEPLOYMENT -> 6;
            case MONITORING -> 7;
            case RETIREMENT -> 8;
            case INFERENCE -> 9;
            case OTHER -> 10;
        };
    }

    public static Stage stage(short code) {
        for (Stage s : Stage.values()) {
            if (of(s) == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("stored stage code " + code + " is not one Sealer writes");
    }
}

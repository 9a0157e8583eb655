package dev.sealer.hsm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where the HSM is and how to log in. The PIN comes from an environment variable or a file,
 * never from committed configuration; {@link #toString()} never shows it.
 */
public record HsmConfig(String library, String tokenLabel, char[] pin, String rootKeyLabel, String attestationKeyLabel) {

    public static final String PIN_ENV = "SEALER_HSM_PIN";

    public HsmConfig {
        require(library, "sealer.hsm.library");
        require(tokenLabel, "sealer.hsm.token-label");
        require(rootKeyLabel, "sealer.hsm.root-key-label");
        require(attestationKeyLabel, "sealer.hsm.attestation-key-label");
        if (pin == null || pin.length == 0) {
            throw new HsmException(HsmException.Kind.CONFIGURATION,
                    "no HSM PIN: set the environment variable " + PIN_ENV + " or sealer.hsm.pin-file");
        }
    }

    /** The PIN from {@code SEALER_HSM_PIN} when set, else from {@code pinFile} (trailing newline ignored). */
    public static char[] resolvePin(Optional<String> fromEnv, Optional<Path> pinFile) {
        if (fromEnv.isPresent() && !fromEnv.get().isEmpty()) {
            return fromEnv.get().toCharArray();
        }
        if (pinFile.isEmpty()) {
            return new char[0];
        }
        try {
            byte[] raw = Files.readAllBytes(pinFile.get());
            String text = new String(raw, StandardCharsets.UTF_8).strip();
            Arrays.fill(raw, (byte) 0);
            return text.toCharArray();
        } catch (IOException e) {
            throw new HsmException(HsmException.Kind.CONFIGURATION, "cannot read the HSM PIN file " + pinFile.get() + ": " + e, e);
        }
    }

    private static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new HsmException(HsmException.Kind.CONFIGURATION, "missing configuration " + key);
        }
    }

    @Override
    public String toString() {
        return "HsmConfig[library=" + library + ", tokenLabel=" + tokenLabel + ", pin=<redacted>, rootKeyLabel="
                + rootKeyLabel + ", attestationKeyLabel=" + attestationKeyLabel + "]";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}

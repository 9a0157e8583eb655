package dev.sealer.core.suite;

/** The two signatures of a suite over one message: classical and post-quantum. */
public record DualSignature(byte[] ed25519, byte[] mlDsa) {
    public DualSignature {
        ed25519 = ed25519 == null ? null : ed25519.clone();
        mlDsa = mlDsa == null ? null : mlDsa.clone();
    }

    @Override
    public byte[] ed25519() {
        return ed25519 == null ? null : ed25519.clone();
    }

    @Override
    public byte[] mlDsa() {
        return mlDsa == null ? null : mlDsa.clone();
    }
}

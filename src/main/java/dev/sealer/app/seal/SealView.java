package dev.sealer.app.seal;

import dev.sealer.core.log.Anchor;
import dev.sealer.core.seal.Receipt;
import dev.sealer.core.seal.SealBundle;
import dev.sealer.core.suite.DualSignature;
import dev.sealer.app.storage.StoredSeal;
import java.util.List;

/** A stored seal as callers see it, with its log anchor when one was asked for. */
public record SealView(StoredSeal stored, boolean replayed, Anchor anchor) {
    public SealView withAnchor(Anchor a) {
        return new SealView(stored, replayed, a);
    }

    public Receipt receipt() {
        return stored.receipt();
    }

    /** Both signatures, or nulls for an ANCHORED seal. */
    public DualSignature signature() {
        return new DualSignature(stored.sigEd25519(), stored.sigMlDsa());
    }

    public String bundleJson() {
        return new SealBundle(receipt(), signature(), anchor).toJson();
    }

    public static SealView of(StoredSeal s) {
        return new SealView(s, false, null);
    }

    /** One page of a listing. */
    public record Page(List<SealView> seals, String nextPageToken) {
    }
}

package dev.sealer.grpc;

import dev.sealer.app.seal.CommitQueue;
import io.grpc.Context;

/** A unary call's seal is committed only while the call is alive: its deadline not passed, not cancelled. */
final class SealAdmission {
    private SealAdmission() {
    }

    static CommitQueue.Admission of(Context call) {
        return new CommitQueue.Admission() {
            @Override
            public boolean withdrawn() {
                return call.isCancelled();
            }

            @Override
            public void refused() {
                // a unary call has nothing after it to stop
            }
        };
    }
}

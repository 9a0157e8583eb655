package dev.sealer.app.tsa;

import dev.sealer.app.storage.Storage;
import java.math.BigInteger;
import java.util.function.Supplier;

/**
 * Serial numbers of time-stamp tokens: {@code block * 2^20 + n}, where {@code block} is the next
 * value of the database sequence {@code tsa_serial_blocks} taken by this instance and {@code n}
 * counts 0 .. 2^20 - 1 within it. Two instances never share a block and a restarted instance
 * takes a block above every earlier one, so serials are unique and grow within an instance and
 * across restarts (tokens of two instances running at once interleave by block, not by time).
 * The block size is fixed: changing it could reuse numbers.
 */
public final class SerialBlocks implements Supplier<BigInteger> {
    public static final int BLOCK_BITS = 20;
    private static final long BLOCK_SIZE = 1L << BLOCK_BITS;

    private final Storage storage;
    private long block = -1;
    private long next = BLOCK_SIZE;

    public SerialBlocks(Storage storage) {
        this.storage = storage;
    }

    @Override
    public synchronized BigInteger get() {
        if (next >= BLOCK_SIZE) {
            block = storage.read("taking a block of time-stamp serial numbers", t -> t.timestamps().nextSerialBlock());
            next = 0;
        }
        return BigInteger.valueOf(block).shiftLeft(BLOCK_BITS).add(BigInteger.valueOf(next++));
    }
}

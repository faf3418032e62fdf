package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.json.Sha256;

import java.util.SplittableRandom;

/**
 * Per-sample random streams keyed by (run seed, task, item, repeat) — never by execution order —
 * so results do not depend on parallelism, scheduling or resumption.
 */
public final class SampleSeeds {
    /** Recorded in the lockfile; change it if the derivation changes. */
    public static final String DERIVATION = "sha256(seed|task|item|repeat)[0:31 bits] v1";

    private SampleSeeds() {}

    /** The seed sent with the sample's requests (non-negative, fits servers that expect a 32-bit int). */
    public static long seed(long runSeed, SampleKey key) {
        String h = Sha256.hex(runSeed + "|" + key.task() + "|" + key.itemId() + "|" + key.repeat());
        return Long.parseLong(h.substring(0, 8), 16) & 0x7fffffffL;
    }

    /** A random stream private to the sample. */
    public static SplittableRandom stream(long runSeed, SampleKey key) {
        return new SplittableRandom(seed(runSeed, key));
    }
}

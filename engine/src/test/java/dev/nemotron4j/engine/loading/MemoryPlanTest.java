package dev.nemotron4j.engine.loading;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.state.SequenceState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MemoryPlan}: the per-sequence sizes of the real Nano config, and agreement with the states the model allocates. */
class MemoryPlanTest {

    static ModelConfig nano() throws IOException {
        try (InputStream in = MemoryPlanTest.class.getResourceAsStream("/nano-30b-a3b-config.json")) {
            return ModelConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "nano-30b-a3b-config.json");
        }
    }

    @Test
    void nanoNeeds47MiBOfMambaStateAnd12KiBOfCachePerToken() throws IOException {
        MemoryPlan plan = new MemoryPlan(nano(), 0);
        // 23 Mamba layers × (3 conv rows × 6144 channels + 64 heads × 64 × 128 state) floats
        assertThat(plan.mambaStateBytes()).isEqualTo(23L * (3 * 6144 + 64 * 64 * 128) * 4).isEqualTo(49_930_240L);
        // K and V of 2 KV heads × 128 per attention layer, 6 attention layers
        assertThat(plan.kvBytesPerTokenPerLayer(KvCacheType.F32)).isEqualTo(2048);
        assertThat(plan.kvBytesPerTokenPerLayer(KvCacheType.F16)).isEqualTo(1024);
        assertThat(plan.kvBytesPerToken(KvCacheType.F32)).isEqualTo(12_288);
        assertThat(plan.sequenceBytes(262_144, KvCacheType.F16)).isEqualTo(49_930_240L + 262_144L * 6144);
        assertThat(plan.logitsBytesPerRow()).isEqualTo(4L * 131_072);
    }

    @Test
    void theHeapGrowsWithContextSequencesAndRowsNotWithTheWeights() throws IOException {
        ModelConfig c = nano();
        MemoryPlan small = new MemoryPlan(c, 1L << 30), large = new MemoryPlan(c, 24L << 30);
        MemoryPlan.Workload chat = new MemoryPlan.Workload(1, 4096, 512, 8, KvCacheType.F32, true);
        assertThat(large.heapBytes(chat)).isEqualTo(small.heapBytes(chat));
        MemoryPlan.Workload longer = new MemoryPlan.Workload(1, 8192, 512, 8, KvCacheType.F32, true);
        assertThat(small.heapBytes(longer) - small.heapBytes(chat)).isEqualTo((long) (1.25 * 12_288 * 4096 * 1.5));
        MemoryPlan.Workload f16 = new MemoryPlan.Workload(1, 8192, 512, 8, KvCacheType.F16, true);
        assertThat(small.heapBytes(f16)).isLessThan(small.heapBytes(longer));
        MemoryPlan.Workload two = new MemoryPlan.Workload(2, 4096, 512, 8, KvCacheType.F32, true);
        assertThat(small.heapBytes(two) - small.heapBytes(chat)).isEqualTo((long) (1.25 * (49_930_240L + 12_288L * 4096)));
        MemoryPlan.Workload noText = new MemoryPlan.Workload(1, 4096, 512, 8, KvCacheType.F32, false);
        assertThat(small.heapBytes(chat) - small.heapBytes(noText)).isEqualTo((long) (1.25 * 512 * 131_072));
        // a Nano conversation at 4K tokens with 512-row prompt steps needs well under a GiB of heap next to 24 GB of mapped weights
        assertThat(large.heapBytes(chat)).isBetween(512L << 20, 768L << 20);
    }

    @Test
    void theStateTheModelAllocatesIsWhatThePlanSays() {
        for (String name : new String[] {"tiny-a", "tiny-c", "tiny-d"}) {
            ModelSource source = ModelSource.of(TinyFixtures.dir(name));
            MemoryPlan plan = new MemoryPlan(source.config(), source.fileBytes());
            try (NemotronHModel model = source.load()) {
                SequenceState state = model.newState(64);
                model.forwardLast(state, new int[64]); // grow the caches to 64 positions (a whole number of key blocks)
                assertThat(state.bytes()).as(name).isEqualTo(plan.sequenceBytes(64, KvCacheType.F32));
            }
        }
    }
}

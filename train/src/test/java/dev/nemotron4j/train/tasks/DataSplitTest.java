package dev.nemotron4j.train.tasks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataSplitTest {

    @Test
    void rangesAreNonEmptyAndPairwiseDisjoint() {
        DataSplit[] splits = DataSplit.values();
        for (int i = 0; i < splits.length; i++) {
            assertThat(splits[i].size()).as(splits[i].name()).isPositive();
            for (int j = i + 1; j < splits.length; j++) {
                DataSplit a = splits[i], b = splits[j];
                boolean overlap = a.start() < b.end() && b.start() < a.end();
                assertThat(overlap).as(a + " and " + b).isFalse();
            }
        }
    }

    @Test
    void evaluationSeedsAreNeverTrainingSeeds() {
        for (long index : new long[] {0, 1, 999, DataSplit.EVAL.size() - 1}) {
            long seed = DataSplit.EVAL.seed(index);
            assertThat(DataSplit.of(seed)).isEqualTo(DataSplit.EVAL);
            assertThat(DataSplit.SFT.contains(seed) || DataSplit.RL.contains(seed) || DataSplit.PRETRAINING.contains(seed)).isFalse();
        }
        assertThat(DataSplit.of(DataSplit.SFT.end() - 1)).isEqualTo(DataSplit.SFT);
        assertThat(DataSplit.of(DataSplit.RL.start())).isEqualTo(DataSplit.RL);
    }

    @Test
    void indexOutsideTheRangeIsAClearError() {
        assertThatThrownBy(() -> DataSplit.SFT.seed(DataSplit.SFT.size())).hasMessageContaining("SFT");
        assertThatThrownBy(() -> DataSplit.RL.seed(-1)).hasMessageContaining("RL");
        assertThatThrownBy(() -> DataSplit.of(-5)).hasMessageContaining("no data split");
    }
}

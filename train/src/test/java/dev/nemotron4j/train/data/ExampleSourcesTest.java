package dev.nemotron4j.train.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example sources: orders, mixture proportions and resuming. */
class ExampleSourcesTest {

    private static List<Example> numbered(String prefix, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new Example.Text(prefix + i));
        return out;
    }

    private static List<String> take(ExampleSource source, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(source.next().corpusText());
        return out;
    }

    @Test
    void shuffledVisitsEveryExampleOncePerEpochInASeededOrder() {
        List<Example> examples = numbered("d", 10);
        List<String> first = take(ExampleSource.shuffled(examples, 7), 30);
        assertThat(take(ExampleSource.shuffled(examples, 7), 30)).isEqualTo(first);
        assertThat(take(ExampleSource.shuffled(examples, 8), 30)).isNotEqualTo(first);
        for (int epoch = 0; epoch < 3; epoch++) {
            assertThat(new HashSet<>(first.subList(epoch * 10, epoch * 10 + 10))).hasSize(10);
        }
        assertThat(first.subList(0, 10)).isNotEqualTo(first.subList(10, 20));
        assertThat(first.subList(0, 10)).isNotEqualTo(take(ExampleSource.indexed(i -> examples.get((int) i), 0), 10));
    }

    @Test
    void mixtureKeepsTheWeightsExactlyInEveryWindow() {
        ExampleSource a = ExampleSource.indexed(i -> new Example.Text("A" + i), 0);
        ExampleSource b = ExampleSource.indexed(i -> new Example.Text("B" + i), 0);
        MixedExamples mix = new MixedExamples(List.of(a, b), new double[] {3, 1});
        assertThat(take(mix, 8)).containsExactly("A0", "A1", "B0", "A2", "A3", "A4", "B1", "A5");
        assertThatThrownBy(() -> new MixedExamples(List.of(a, b), new double[] {1, 0})).hasMessageContaining("weight 1");
    }

    @Test
    void everySourceResumesWhereItsPositionWasTaken() {
        List<Example> examples = numbered("d", 7);
        Supplier<ExampleSource> shuffled = () -> ExampleSource.shuffled(examples, 3);
        Supplier<ExampleSource> replayed = () -> ExampleSource.replayed(() -> numbered("r", 5).iterator());
        Supplier<ExampleSource> mixed = () -> new MixedExamples(List.of(shuffled.get(), replayed.get(),
                ExampleSource.indexed(i -> new Example.Text("g" + i), 100)), new double[] {0.5, 0.3, 0.2});
        for (Supplier<ExampleSource> factory : List.of(shuffled, replayed, mixed)) {
            ExampleSource source = factory.get();
            List<byte[]> positions = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                positions.add(source.position());
                seen.add(source.next().corpusText());
            }
            for (int k : new int[] {0, 1, 6, 7, 13, 39}) {
                ExampleSource resumed = factory.get();
                take(resumed, 3); // a source already moved elsewhere
                resumed.restore(positions.get(k));
                assertThat(take(resumed, 40 - k)).as("from %d", k).isEqualTo(seen.subList(k, 40));
            }
        }
    }

    @Test
    void replayedStartsANewEpochWhenTheIteratorEnds() {
        ExampleSource source = ExampleSource.replayed(() -> numbered("r", 2).iterator());
        assertThat(take(source, 5)).containsExactly("r0", "r1", "r0", "r1", "r0");
        Set<String> none = Set.of();
        assertThatThrownBy(() -> take(ExampleSource.replayed(() -> none.stream().map(s -> (Example) new Example.Text(s)).iterator()), 1))
                .hasMessageContaining("yields nothing");
    }
}

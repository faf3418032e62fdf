package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Revisits of prompts with 0 < pass rate < 1, easiest first; fresh prompts in stream order. */
class PassRateCurriculumTest {

    record Named(String key) implements RlTask {
        public String environment() {
            return "test";
        }

        public ChatRequest request() {
            return new ChatRequest(List.of(ChatMessage.user(key)), List.of(), ChatRequestOptions.DEFAULTS);
        }

        public Judgement judge(String raw) {
            return new Judgement(false, true, "n/a");
        }
    }

    static List<String> keys(List<RlTask> tasks) {
        return tasks.stream().map(RlTask::key).toList();
    }

    @Test
    void revisitsEasiestUnsolvedFirstAndDropsSolvedAndHopeless() {
        PassRateCurriculum c = new PassRateCurriculum(i -> new Named("p" + i), 0.5, 3);
        List<RlTask> first = c.next(4);
        assertThat(keys(first)).containsExactly("p0", "p1", "p2", "p3");
        c.record(first.get(0), 0.25);
        c.record(first.get(1), 1.0);   // solved: leaves
        c.record(first.get(2), 0.75);
        c.record(first.get(3), 0.0);   // hopeless for now: leaves
        assertThat(c.poolSize()).isEqualTo(2);
        // 2 revisits (p2 at 0.75 before p0 at 0.25), then 2 fresh
        List<RlTask> second = c.next(4);
        assertThat(keys(second)).containsExactly("p2", "p0", "p4", "p5");
        c.record(second.get(0), 0.5);
        c.record(second.get(1), 0.5);
        c.record(second.get(2), 0.5);
        c.record(second.get(3), 0.875);
        // ties broken by stream order: p5 0.875, then p0, p2, p4 at 0.5
        assertThat(keys(c.next(6))).containsExactly("p5", "p0", "p2", "p6", "p7", "p8");
    }

    @Test
    void aPromptIsTrainedAtMostMaxVisitsTimes() {
        PassRateCurriculum c = new PassRateCurriculum(i -> new Named("p" + i), 0.5, 2);
        RlTask p0 = c.next(2).getFirst();
        c.record(p0, 0.5);
        assertThat(c.poolSize()).isEqualTo(1);
        assertThat(keys(c.next(2))).containsExactly("p0", "p2");
        c.record(p0, 0.5); // second visit: the last allowed
        assertThat(c.poolSize()).isZero();
    }

    @Test
    void mixtureTakesTurns() {
        TaskStream a = i -> new Named("a" + i), b = i -> new Named("b" + i);
        TaskStream mix = TaskStream.mixture(List.of(a, b));
        assertThat(List.of(mix.task(0).key(), mix.task(1).key(), mix.task(2).key(), mix.task(5).key()))
                .containsExactly("a0", "b0", "a1", "b2");
    }

    @Test
    void stateRoundTripContinuesTheSameWay() {
        TaskStream stream = i -> new Named("p" + i);
        PassRateCurriculum c = new PassRateCurriculum(stream, 0.5, 3);
        List<RlTask> first = c.next(4);
        double[] rates = {0.25, 1.0, 0.75, 0.5};
        for (int i = 0; i < 4; i++) c.record(first.get(i), rates[i]);
        List<RlTask> second = c.next(4);
        c.record(second.get(0), 0.5);
        c.record(second.get(2), 0.125);
        PassRateCurriculum.State state = c.state();
        assertThat(state.nextIndex()).isEqualTo(6);

        PassRateCurriculum restored = new PassRateCurriculum(stream, 0.5, 3);
        restored.restore(state);
        assertThat(restored.poolSize()).isEqualTo(c.poolSize());
        List<RlTask> a = c.next(6), b = restored.next(6);
        assertThat(keys(b)).isEqualTo(keys(a));
        for (int i = 0; i < 6; i++) {
            c.record(a.get(i), 0.5);
            restored.record(b.get(i), 0.5);
        }
        assertThat(keys(restored.next(6))).isEqualTo(keys(c.next(6)));
    }
}

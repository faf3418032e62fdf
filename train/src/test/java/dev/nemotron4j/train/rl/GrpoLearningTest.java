package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.Fixtures;
import dev.nemotron4j.train.model.fast.FastTrainingModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GRPO learns: on tiny-a (random weights), rewarding completions that contain the letter "e" raises the pass rate
 * from about 0.65 to about 0.9 in 12 steps (measured: 0.656 0.500 0.781 … 0.813 0.969 0.906).
 */
@Tag("slow")
class GrpoLearningTest {

    record ContainsE(long seed) implements RlTask {
        public String environment() {
            return "contains_e";
        }

        public String key() {
            return "contains_e/" + seed;
        }

        public ChatRequest request() {
            return new TestTasks.EvenLength(seed).request();
        }

        public Judgement judge(String raw) {
            boolean ok = raw.indexOf('e') >= 0;
            return new Judgement(ok, true, ok ? "has an e" : "no e");
        }
    }

    @Test
    void passRateRises() throws Exception {
        Tokenizer tokenizer = Tokenizer.load(Fixtures.dir("tiny-a").resolve("tokenizer.json"));
        List<Double> rates = new ArrayList<>();
        try (WorkerPool pool = new WorkerPool(1); FastTrainingModel m = FastTrainingModel.load(Fixtures.dir("tiny-a"), 1)) {
            GrpoConfig c = GrpoConfig.defaults(5).withGroup(4, 8, 6).withOptimizer(3e-3, 1);
            GrpoTrainer t = new GrpoTrainer(m, tokenizer, ContainsE::new, c, pool);
            for (int s = 0; s < 12; s++) rates.add(t.step().passRate());
        }
        double first = (rates.get(0) + rates.get(1) + rates.get(2)) / 3, last = (rates.get(9) + rates.get(10) + rates.get(11)) / 3;
        assertThat(last).as("pass rates " + rates).isGreaterThan(first + 0.15);
    }
}

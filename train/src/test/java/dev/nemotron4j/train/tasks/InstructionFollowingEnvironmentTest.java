package dev.nemotron4j.train.tasks;

import dev.nemotron4j.train.tasks.InstructionFollowingEnvironment.Lowercase;
import dev.nemotron4j.train.tasks.InstructionFollowingEnvironment.MaxWords;
import dev.nemotron4j.train.tasks.InstructionFollowingEnvironment.Request;
import dev.nemotron4j.train.tasks.InstructionFollowingEnvironment.Uppercase;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class InstructionFollowingEnvironmentTest {

    private static final InstructionFollowingEnvironment ENVIRONMENT = new InstructionFollowingEnvironment();

    private static Subject sea() {
        return Subject.ALL.stream().filter(s -> s.name().equals("sea")).findFirst().orElseThrow();
    }

    private static Task task(InstructionFollowingEnvironment.Constraint constraint, String... facts) {
        return InstructionFollowingEnvironment.task(0, new Request(sea(), "Describe the sea.", constraint, List.of(facts)));
    }

    @Test
    void questionsAreARequestThenOneConstraint() {
        assertThat(task(new Uppercase(), "The sea is vast.").question()).isEqualTo("Describe the sea. Answer in uppercase.");
        assertThat(task(new Lowercase(), "The sea is vast.").question()).isEqualTo("Describe the sea. Answer in lowercase.");
        assertThat(task(new MaxWords(7), "The sea is vast.").question()).isEqualTo("Describe the sea. Answer in at most 7 words.");
        assertThat(task(new Uppercase(), "The sea is vast.", "Its water is salty.").steps().getFirst().withoutReasoning().content())
                .isEqualTo("THE SEA IS VAST. ITS WATER IS SALTY.");
    }

    @Test
    void verifierAcceptsTheReferenceForManySeedsAndAllConstraintsOccur() {
        Set<String> constraints = new HashSet<>();
        Set<Integer> limits = new HashSet<>();
        for (long i = 0; i < 600; i++) {
            long seed = DataSplit.EVAL.seed(i);
            Request request = ENVIRONMENT.request(seed);
            constraints.add(request.constraint().getClass().getSimpleName());
            if (request.constraint() instanceof MaxWords(int limit)) {
                limits.add(limit);
                assertThat(WordCount.of(request.answer())).isBetween(1, limit);
            }
            Task task = ENVIRONMENT.sample(seed);
            assertThat(ENVIRONMENT.sample(seed).conversation(true)).isEqualTo(task.conversation(true));
            for (boolean reasoning : new boolean[] {true, false}) {
                String output = task.referenceOutput(0, reasoning);
                Verdict verdict = task.verify(output, reasoning);
                assertThat(verdict.correct()).as(task.question() + " -> " + output + ": " + verdict.reason()).isTrue();
            }
        }
        assertThat(constraints).containsExactlyInAnyOrder("Uppercase", "Lowercase", "MaxWords");
        assertThat(limits).contains(InstructionFollowingEnvironment.MIN_WORD_LIMIT, InstructionFollowingEnvironment.MAX_WORD_LIMIT);
    }

    @Test
    void verifierRejectsNearMisses() {
        Task upper = task(new Uppercase(), "The sea is vast.");
        assertThat(upper.verify("THE SEA IS VAST.", false).correct()).isTrue();
        assertThat(upper.verify("THE SEA IS VASt.", false).reason()).contains("lowercase");
        assertThat(upper.verify("The sea is vast.", false).correct()).isFalse();
        assertThat(upper.verify("42.", false).correct()).isFalse();
        assertThat(upper.verify("THE SKY IS BLUE.", false).reason()).contains("does not mention sea");

        Task lower = task(new Lowercase(), "The sea is vast.");
        assertThat(lower.verify("the sea is vast.", false).correct()).isTrue();
        assertThat(lower.verify("the Sea is vast.", false).reason()).contains("uppercase");
        assertThat(lower.verify("the sea is vasT.", false).correct()).isFalse();

        Task words = task(new MaxWords(5), "The sea is vast.");
        assertThat(words.verify("The sea is very vast.", false).correct()).isTrue();
        Verdict oneTooMany = words.verify("The sea is very very vast.", false);
        assertThat(oneTooMany.correct()).isFalse();
        assertThat(oneTooMany.wellFormed()).isTrue();
        assertThat(oneTooMany.reason()).contains("6 words, more than 5");
        assertThat(words.verify("  The\n sea  is\tvast.  ", false).correct()).isTrue();

        Verdict empty = words.verify("", false);
        assertThat(empty.correct()).isFalse();
        assertThat(empty.wellFormed()).isFalse();
        assertThat(words.verify("The sea is vast.", true).reason()).contains("never closed");
    }

    @Test
    void wordsAreRunsOfNonWhitespace() {
        assertThat(WordCount.of("")).isZero();
        assertThat(WordCount.of("  ")).isZero();
        assertThat(WordCount.of("one")).isEqualTo(1);
        assertThat(WordCount.of(" one,two  three.\nfour ")).isEqualTo(3);
    }

    @Test
    void subjectsAreWellFormed() {
        Set<String> names = new HashSet<>();
        for (Subject subject : Subject.ALL) {
            assertThat(names.add(subject.name())).as(subject.name()).isTrue();
            assertThat(WordCount.of(subject.facts().getFirst())).isLessThanOrEqualTo(InstructionFollowingEnvironment.MIN_WORD_LIMIT);
            for (String fact : subject.facts()) assertThat(fact).matches("[A-Z][a-z ,]+\\.");
        }
        assertThat(Subject.ALL).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void pretrainingTextShowsTheConstraints() {
        String text = ENVIRONMENT.pretrainingText(DataSplit.PRETRAINING.seed(11));
        assertThat(text).startsWith("About ").contains("\nIn uppercase: ").contains("\nIn lowercase: ").contains("\nIn at most ");
        assertThat(text).isEqualTo(ENVIRONMENT.pretrainingText(DataSplit.PRETRAINING.seed(11)));
    }
}

package dev.nemotron4j.train.tasks;

import dev.nemotron4j.train.tasks.ArithmeticProblem.Operation;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArithmeticEnvironmentTest {

    private static final ArithmeticEnvironment ENVIRONMENT = new ArithmeticEnvironment();
    private static final Pattern STEP = Pattern.compile("(\\d+) ([-+*]) (\\d+)(?: ([-+]) (\\d+))? = (\\d+)");

    @Test
    void operandsStayWithinTheDigitLimitsAndCoverThem() {
        Set<Operation> operations = EnumSet.noneOf(Operation.class);
        Set<String> digitShapes = new HashSet<>();
        for (long i = 0; i < 5000; i++) {
            ArithmeticProblem p = ENVIRONMENT.problem(DataSplit.SFT.seed(i));
            operations.add(p.operation());
            assertThat(p.a()).isNotNegative();
            assertThat(p.b()).isNotNegative();
            switch (p.operation()) {
                case ADD -> assertThat(Math.max(p.a(), p.b())).isLessThanOrEqualTo(9999);
                case SUBTRACT -> {
                    assertThat(p.a()).isLessThanOrEqualTo(9999).isGreaterThanOrEqualTo(p.b());
                    assertThat(p.result()).isNotNegative();
                }
                case MULTIPLY -> {
                    assertThat(p.a()).isLessThanOrEqualTo(999);
                    assertThat(p.b()).isLessThanOrEqualTo(99);
                }
            }
            digitShapes.add(p.operation() + ":" + Integer.toString(p.a()).length() + "x" + Integer.toString(p.b()).length());
        }
        assertThat(operations).containsExactlyInAnyOrder(Operation.values());
        // Every digit-count combination the limits allow shows up (4x4 for ADD, 3x2 for MULTIPLY, ...).
        assertThat(digitShapes).contains("ADD:4x4", "ADD:1x1", "ADD:1x4", "SUBTRACT:4x4", "SUBTRACT:4x1",
                "MULTIPLY:3x2", "MULTIPLY:1x1", "MULTIPLY:3x1");
        assertThat(digitShapes).noneMatch(s -> s.startsWith("MULTIPLY:4") || s.startsWith("MULTIPLY:") && s.endsWith("x3"));
    }

    @Test
    void problemsOutsideTheLimitsAreRejected() {
        assertThatThrownBy(() -> new ArithmeticProblem(Operation.ADD, 10000, 1)).hasMessageContaining("4 digits");
        assertThatThrownBy(() -> new ArithmeticProblem(Operation.SUBTRACT, 3, 4)).hasMessageContaining("a >= b");
        assertThatThrownBy(() -> new ArithmeticProblem(Operation.MULTIPLY, 1000, 2)).hasMessageContaining("3 digits");
        assertThatThrownBy(() -> new ArithmeticProblem(Operation.MULTIPLY, 12, 100)).hasMessageContaining("2 digits");
    }

    @Test
    void sameSeedSameTaskAndTheGeneratorIsPinned() {
        for (long i = 0; i < 50; i++) {
            long seed = DataSplit.RL.seed(i);
            assertThat(ENVIRONMENT.sample(seed).conversation(true)).isEqualTo(ENVIRONMENT.sample(seed).conversation(true));
            assertThat(ENVIRONMENT.pretrainingText(seed)).isEqualTo(ENVIRONMENT.pretrainingText(seed));
        }
        // The held-out set is part of the model's contract: its first questions must never change.
        assertThat(ENVIRONMENT.sample(DataSplit.EVAL.seed(0)).question()).isEqualTo(PINNED_EVAL_0);
        assertThat(ENVIRONMENT.sample(DataSplit.EVAL.seed(1)).question()).isEqualTo(PINNED_EVAL_1);
    }

    static final String PINNED_EVAL_0 = "What is 65 + 4761?";
    static final String PINNED_EVAL_1 = "What is 7 + 57?";

    @Test
    void columnAdditionWithCarries() {
        assertThat(ArithmeticWorking.of(new ArithmeticProblem(Operation.ADD, 4827, 356))).isEqualTo("""
                Add 4827 + 356 column by column, right to left.
                ones: 7 + 6 = 13, write 3, carry 1
                tens: 2 + 5 + 1 = 8, write 8, carry 0
                hundreds: 8 + 3 + 0 = 11, write 1, carry 1
                thousands: 4 + 0 + 1 = 5, write 5, carry 0
                So 4827 + 356 = 5183.""");
        assertThat(ArithmeticWorking.of(new ArithmeticProblem(Operation.ADD, 9999, 1))).endsWith("""
                thousands: 9 + 0 + 1 = 10, write 0, carry 1
                ten-thousands: carry 1, write 1
                So 9999 + 1 = 10000.""");
    }

    @Test
    void columnSubtractionWithBorrows() {
        assertThat(ArithmeticWorking.of(new ArithmeticProblem(Operation.SUBTRACT, 5023, 1748))).isEqualTo("""
                Subtract 5023 - 1748 column by column, right to left.
                ones: 3 - 8 is negative, borrow: 13 - 8 = 5, write 5, borrow 1
                tens: 2 - 4 - 1 is negative, borrow: 12 - 4 - 1 = 7, write 7, borrow 1
                hundreds: 0 - 7 - 1 is negative, borrow: 10 - 7 - 1 = 2, write 2, borrow 1
                thousands: 5 - 1 - 1 = 3, write 3, borrow 0
                So 5023 - 1748 = 3275.""");
    }

    @Test
    void longMultiplicationByPartialProducts() {
        assertThat(ArithmeticWorking.of(new ArithmeticProblem(Operation.MULTIPLY, 472, 36))).isEqualTo("""
                Multiply 472 * 36 by partial products.
                472 * 6:
                ones: 2 * 6 = 12, write 2, carry 1
                tens: 7 * 6 + 1 = 43, write 3, carry 4
                hundreds: 4 * 6 + 4 = 28, write 28
                partial: 2832
                472 * 3 tens:
                ones: 2 * 3 = 6, write 6, carry 0
                tens: 7 * 3 + 0 = 21, write 1, carry 2
                hundreds: 4 * 3 + 2 = 14, write 14
                partial: 1416, shifted: 14160
                Add 2832 + 14160:
                ones: 2 + 0 = 2, write 2, carry 0
                tens: 3 + 6 + 0 = 9, write 9, carry 0
                hundreds: 8 + 1 + 0 = 9, write 9, carry 0
                thousands: 2 + 4 + 0 = 6, write 6, carry 0
                ten-thousands: 0 + 1 + 0 = 1, write 1, carry 0
                So 472 * 36 = 16992.""");
    }

    @Test
    void everyStepOfEveryWorkingIsRightArithmetic() {
        for (long i = 0; i < 2000; i++) {
            ArithmeticProblem p = ENVIRONMENT.problem(DataSplit.SFT.seed(i));
            String working = ArithmeticWorking.of(p);
            Matcher step = STEP.matcher(working);
            int steps = 0;
            while (step.find()) {
                long value = apply(Long.parseLong(step.group(1)), step.group(2), Long.parseLong(step.group(3)));
                if (step.group(4) != null) value = apply(value, step.group(4), Long.parseLong(step.group(5)));
                assertThat(value).as(p.expression() + ": " + step.group()).isEqualTo(Long.parseLong(step.group(6)));
                steps++;
            }
            assertThat(steps).as(p.expression()).isPositive();
            assertThat(working).endsWith("So " + p.expression() + " = " + p.result() + ".");
            assertThat(writtenNumbers(working)).as(working).isEqualTo(expectedBlocks(p));
        }
    }

    /** The number each block of column lines writes down ("write" values, right to left), leading zeros dropped. */
    private static java.util.List<Long> writtenNumbers(String working) {
        java.util.List<Long> numbers = new java.util.ArrayList<>();
        String digits = "";
        Matcher write = Pattern.compile("write (\\d+)").matcher("");
        for (String line : (working + "\nend").split("\n")) {
            if (write.reset(line).find()) {
                digits = write.group(1) + digits;
            } else if (!digits.isEmpty()) {
                numbers.add(Long.parseLong(digits));
                digits = "";
            }
        }
        return numbers;
    }

    /** What those blocks must be: the result; for x, each partial product then (two digits) the result. */
    private static java.util.List<Long> expectedBlocks(ArithmeticProblem p) {
        if (p.operation() != Operation.MULTIPLY) return java.util.List.of((long) p.result());
        java.util.List<Long> blocks = new java.util.ArrayList<>();
        blocks.add((long) p.a() * (p.b() % 10));
        if (p.b() >= 10) {
            blocks.add((long) p.a() * (p.b() / 10));
            blocks.add((long) p.result());
        }
        return blocks;
    }

    private static long apply(long x, String operator, long y) {
        return switch (operator) {
            case "+" -> x + y;
            case "-" -> x - y;
            default -> x * y;
        };
    }

    @Test
    void verifierAcceptsTheRenderedReferenceForManySeeds() {
        for (long i = 0; i < 500; i++) {
            Task task = ENVIRONMENT.sample(DataSplit.EVAL.seed(i));
            for (boolean reasoning : new boolean[] {true, false}) {
                String output = task.referenceOutput(0, reasoning);
                Verdict verdict = task.verify(output, reasoning);
                assertThat(verdict.correct()).as(task.question() + " -> " + output + ": " + verdict.reason()).isTrue();
            }
        }
    }

    @Test
    void referenceOutputIsTheWorkingThenTheAnswer() {
        Task task = ArithmeticEnvironment.task(0, new ArithmeticProblem(Operation.ADD, 4827, 356));
        assertThat(task.question()).isEqualTo("What is 4827 + 356?");
        assertThat(task.referenceOutput(0, true))
                .startsWith("Add 4827 + 356 column by column, right to left.\nones: 7 + 6 = 13")
                .endsWith("So 4827 + 356 = 5183.\n</think>\nThe answer is 5183.");
        assertThat(task.referenceOutput(0, false)).isEqualTo("The answer is 5183.");
    }

    @Test
    void verifierRejectsNearMisses() {
        Task task = ArithmeticEnvironment.task(0, new ArithmeticProblem(Operation.MULTIPLY, 472, 36));
        assertThat(task.verify("The answer is 16992.", false).correct()).isTrue();
        assertThat(task.verify("  The answer is 16992.\n", false).correct()).isTrue();
        assertThat(task.verify("work\n</think>\nThe answer is 16992.", true).correct()).isTrue();

        Verdict offByOne = task.verify("The answer is 16993.", false);
        assertThat(offByOne.correct()).isFalse();
        assertThat(offByOne.wellFormed()).isTrue();
        assertThat(offByOne.reason()).contains("expected 16992, got 16993");
        assertThat(task.verify("The answer is 16991.", false).correct()).isFalse();
        assertThat(task.verify("The answer is 016992.", false).correct()).isFalse();
        assertThat(task.verify("The answer is -16992.", false).correct()).isFalse();

        for (String shape : new String[] {"The answer is 16992", "16992", "The answer is 16,992.", "the answer is 16992.",
                "The answer is 16992. Done.", "", "   "}) {
            Verdict verdict = task.verify(shape, false);
            assertThat(verdict.correct()).as(shape).isFalse();
            assertThat(verdict.wellFormed()).as(shape).isFalse();
        }
        Verdict unclosed = task.verify("ones: 2 * 6 = 12 and then The answer is 16992.", true);
        assertThat(unclosed.correct()).isFalse();
        assertThat(unclosed.reason()).contains("never closed");
        // With reasoning on, an answer written inside the reasoning does not count.
        assertThat(task.verify("The answer is 16992.\n</think>\n", true).correct()).isFalse();
    }

    @Test
    void pretrainingTextIsAWorkedProblem() {
        String text = ENVIRONMENT.pretrainingText(DataSplit.PRETRAINING.seed(3));
        ArithmeticProblem problem = ENVIRONMENT.problem(DataSplit.PRETRAINING.seed(3));
        assertThat(text).startsWith(problem.question() + "\n" + ArithmeticWorking.of(problem) + "\n" + problem.answer() + "\n");
        Matcher equation = Pattern.compile("(\\d+) ([-+*]) (\\d+) = (\\d+)\\.\n").matcher(text);
        int equations = 0;
        while (equation.find()) {
            assertThat(apply(Long.parseLong(equation.group(1)), equation.group(2), Long.parseLong(equation.group(3))))
                    .isEqualTo(Long.parseLong(equation.group(4)));
            equations++;
        }
        assertThat(equations).isGreaterThanOrEqualTo(2);
    }
}

package dev.nemotron4j.train.tasks;

/**
 * One arithmetic question: {@code a op b} with non-negative integers within the environment's digit limits
 * (+ and −: up to 4 digits each, a ≥ b for −; ×: up to 3 digits times up to 2 digits).
 */
public record ArithmeticProblem(Operation operation, int a, int b) {

    /** Largest operands: 4 digits for + and −, 3 × 2 digits for ×. */
    public static final int MAX_ADD_OPERAND = 9999;
    public static final int MAX_MULTIPLICAND = 999;
    public static final int MAX_MULTIPLIER = 99;

    /** The three operations and the symbol the question uses (ASCII, as the user types it). */
    public enum Operation {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*");

        private final String symbol;

        Operation(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public ArithmeticProblem {
        if (a < 0 || b < 0) throw new IllegalArgumentException("operands are non-negative: " + a + ", " + b);
        switch (operation) {
            case ADD, SUBTRACT -> {
                if (a > MAX_ADD_OPERAND || b > MAX_ADD_OPERAND) {
                    throw new IllegalArgumentException("+ and - take operands of at most 4 digits: " + a + ", " + b);
                }
                if (operation == Operation.SUBTRACT && a < b) {
                    throw new IllegalArgumentException("- needs a >= b: " + a + " - " + b);
                }
            }
            case MULTIPLY -> {
                if (a > MAX_MULTIPLICAND || b > MAX_MULTIPLIER) {
                    throw new IllegalArgumentException("* takes at most 3 digits times 2 digits: " + a + " * " + b);
                }
            }
        }
    }

    /** The user's question, e.g. {@code What is 4827 + 356?}. */
    public String question() {
        return "What is " + expression() + "?";
    }

    /** {@code a op b}, e.g. {@code 4827 + 356}. */
    public String expression() {
        return a + " " + operation.symbol() + " " + b;
    }

    /** The exact result. */
    public int result() {
        return switch (operation) {
            case ADD -> a + b;
            case SUBTRACT -> a - b;
            case MULTIPLY -> a * b;
        };
    }

    /** The answer sentence: {@code The answer is N.} */
    public String answer() {
        return answerSentence(Integer.toString(result()));
    }

    static String answerSentence(String number) {
        return "The answer is " + number + ".";
    }
}

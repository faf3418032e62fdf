package dev.nemotron4j.train.tasks;

import java.util.List;

/**
 * The digit-by-digit working of an {@link ArithmeticProblem}, the reasoning a model is taught to write inside
 * {@code <think>}: column addition with carries, column subtraction with borrows, long multiplication by partial
 * products (each partial product digit by digit, then their column sum). One step per line, the same words every
 * time, so a small model can learn the procedure; deterministic (a function of the problem only).
 */
public final class ArithmeticWorking {

    private static final List<String> COLUMNS = List.of("ones", "tens", "hundreds", "thousands", "ten-thousands",
            "hundred-thousands");

    private ArithmeticWorking() {
    }

    /** The working, lines separated by {@code \n}, ending with {@code So A op B = N.} (no final newline). */
    public static String of(ArithmeticProblem problem) {
        StringBuilder out = new StringBuilder();
        switch (problem.operation()) {
            case ADD -> {
                out.append("Add ").append(problem.expression()).append(" column by column, right to left.\n");
                addColumns(problem.a(), problem.b(), out);
            }
            case SUBTRACT -> {
                out.append("Subtract ").append(problem.expression()).append(" column by column, right to left.\n");
                subtractColumns(problem.a(), problem.b(), out);
            }
            case MULTIPLY -> multiply(problem.a(), problem.b(), out);
        }
        out.append("So ").append(problem.expression()).append(" = ").append(problem.result()).append('.');
        return out.toString();
    }

    /** {@code ones: 7 + 6 = 13, write 3, carry 1} per column; a last carry gets its own column. */
    private static void addColumns(int a, int b, StringBuilder out) {
        int columns = Math.max(digitCount(a), digitCount(b));
        int carry = 0;
        for (int column = 0; column < columns; column++) {
            int x = digit(a, column);
            int y = digit(b, column);
            int sum = x + y + carry;
            out.append(COLUMNS.get(column)).append(": ").append(x).append(" + ").append(y);
            if (column > 0) out.append(" + ").append(carry);
            out.append(" = ").append(sum).append(", write ").append(sum % 10).append(", carry ").append(sum / 10).append('\n');
            carry = sum / 10;
        }
        if (carry > 0) out.append(COLUMNS.get(columns)).append(": carry ").append(carry).append(", write ").append(carry).append('\n');
    }

    /** {@code tens: 2 - 4 - 1 is negative, borrow: 12 - 4 - 1 = 7, write 7, borrow 1} per column of a ≥ b. */
    private static void subtractColumns(int a, int b, StringBuilder out) {
        int columns = digitCount(a);
        int borrow = 0;
        for (int column = 0; column < columns; column++) {
            int x = digit(a, column);
            int y = digit(b, column);
            String terms = x + " - " + y + (column > 0 ? " - " + borrow : "");
            int difference = x - y - borrow;
            out.append(COLUMNS.get(column)).append(": ");
            if (difference < 0) {
                String borrowedTerms = (x + 10) + " - " + y + (column > 0 ? " - " + borrow : "");
                out.append(terms).append(" is negative, borrow: ").append(borrowedTerms).append(" = ")
                        .append(difference + 10).append(", write ").append(difference + 10).append(", borrow 1\n");
                borrow = 1;
            } else {
                out.append(terms).append(" = ").append(difference).append(", write ").append(difference).append(", borrow 0\n");
                borrow = 0;
            }
        }
    }

    /** One partial product per digit of b (a × digit, digit by digit), shifted, then their column sum. */
    private static void multiply(int a, int b, StringBuilder out) {
        out.append("Multiply ").append(a).append(" * ").append(b).append(" by partial products.\n");
        int multiplierDigits = digitCount(b);
        int total = 0;
        int[] partials = new int[multiplierDigits];
        for (int place = 0; place < multiplierDigits; place++) {
            int d = digit(b, place);
            out.append(a).append(" * ").append(d);
            if (place > 0) out.append(' ').append(COLUMNS.get(place));
            out.append(":\n");
            int carry = 0;
            int columns = digitCount(a);
            for (int column = 0; column < columns; column++) {
                int x = digit(a, column);
                int product = x * d + carry;
                out.append(COLUMNS.get(column)).append(": ").append(x).append(" * ").append(d);
                if (column > 0) out.append(" + ").append(carry);
                out.append(" = ").append(product);
                if (column == columns - 1) {
                    out.append(", write ").append(product).append('\n');
                } else {
                    out.append(", write ").append(product % 10).append(", carry ").append(product / 10).append('\n');
                }
                carry = product / 10;
            }
            int partial = a * d;
            int shifted = partial * pow10(place);
            out.append("partial: ").append(partial);
            if (place > 0) out.append(", shifted: ").append(shifted);
            out.append('\n');
            partials[place] = shifted;
        }
        if (multiplierDigits == 2) {
            out.append("Add ").append(partials[0]).append(" + ").append(partials[1]).append(":\n");
            addColumns(partials[0], partials[1], out);
        }
    }

    private static int digit(int value, int column) {
        return value / pow10(column) % 10;
    }

    private static int digitCount(int value) {
        return Integer.toString(value).length();
    }

    private static int pow10(int exponent) {
        int result = 1;
        for (int i = 0; i < exponent; i++) result *= 10;
        return result;
    }
}

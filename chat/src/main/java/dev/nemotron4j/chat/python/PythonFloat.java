package dev.nemotron4j.chat.python;

import java.math.BigDecimal;

/**
 * Python's {@code repr(float)}: the shortest decimal that round-trips, written in fixed notation when the decimal
 * exponent lies in [-4, 16) and in scientific notation ({@code 1e-05}, {@code 1e+16}) otherwise. Both Jinja's
 * {@code |string} and {@code json.dumps} print floats this way.
 */
public final class PythonFloat {

    private PythonFloat() {
    }

    /** {@code repr(value)} as CPython prints it ({@code inf}, {@code nan} for the non-finite values). */
    public static String repr(double value) {
        if (Double.isNaN(value)) return "nan";
        if (Double.isInfinite(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return (1 / value < 0) ? "-0.0" : "0.0";
        ShortestDecimal decimal = ShortestDecimal.of(Math.abs(value));
        String sign = value < 0 ? "-" : "";
        String digits = decimal.digits();
        int pointPosition = decimal.pointPosition();
        // CPython switches to exponent notation when the decimal point lies outside (-4, 16].
        if (pointPosition <= -4 || pointPosition > 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int exponent = pointPosition - 1;
            String exponentText = String.format("%02d", Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exponentText;
        }
        if (pointPosition <= 0) {
            return sign + "0." + "0".repeat(-pointPosition) + digits;
        }
        if (pointPosition >= digits.length()) {
            return sign + digits + "0".repeat(pointPosition - digits.length()) + ".0";
        }
        return sign + digits.substring(0, pointPosition) + "." + digits.substring(pointPosition);
    }

    /**
     * Significant digits {@code d1 d2 ...} (no trailing zeros) and the position of the decimal point relative to the
     * first digit: value = 0.d1d2... x 10^pointPosition.
     */
    private record ShortestDecimal(String digits, int pointPosition) {

        static ShortestDecimal of(double positive) {
            ShortestDecimal javaShortest = fromBigDecimal(new BigDecimal(Double.toString(positive)));
            // Java's Double.toString never picks a 1-digit result (it prefers the closest 2-digit decimal, e.g.
            // 4.9E-324 where Python prints 5e-324): retry with one digit, as Python's shortest repr would.
            if (javaShortest.digits().length() == 2) {
                ShortestDecimal oneDigit = closestOneDigit(positive, javaShortest);
                if (oneDigit != null) return oneDigit;
            }
            return javaShortest;
        }

        private static ShortestDecimal fromBigDecimal(BigDecimal decimal) {
            BigDecimal stripped = decimal.stripTrailingZeros();
            String digits = stripped.unscaledValue().toString();
            int pointPosition = digits.length() - stripped.scale();
            return new ShortestDecimal(digits, pointPosition);
        }

        private static ShortestDecimal closestOneDigit(double value, ShortestDecimal twoDigits) {
            int first = twoDigits.digits().charAt(0) - '0';
            BigDecimal exact = new BigDecimal(value);
            ShortestDecimal best = null;
            BigDecimal bestDistance = null;
            for (int candidate = first; candidate <= first + 1; candidate++) {
                BigDecimal decimal = BigDecimal.valueOf(candidate).scaleByPowerOfTen(twoDigits.pointPosition() - 1);
                if (decimal.doubleValue() != value) continue;
                BigDecimal distance = decimal.subtract(exact).abs();
                if (best == null || distance.compareTo(bestDistance) < 0) {
                    best = fromBigDecimal(decimal);
                    bestDistance = distance;
                }
            }
            return best;
        }
    }
}

package dev.nemotron4j.eval.extract;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exact rational number parsed from answer-like text, so that {@code 1,000}, {@code $1000.00},
 * {@code 1000.0} and {@code 2000/2} are the same value. Canonical text: a plain decimal when the value
 * terminates ({@code 0.75}, {@code -3}), otherwise a reduced fraction ({@code 1/3}).
 */
public record NumericValue(BigInteger numerator, BigInteger denominator) {

    private static final Pattern LATEX_FRAC = Pattern.compile("\\\\[dt]?frac\\s*\\{\\s*(-?[\\d.,]+)\\s*}\\s*\\{\\s*(-?[\\d.,]+)\\s*}");
    private static final Pattern FRACTION = Pattern.compile("^(-?\\d+(?:\\.\\d+)?)\\s*/\\s*(-?\\d+(?:\\.\\d+)?)$");
    private static final Pattern DECIMAL = Pattern.compile("^-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)$");

    public NumericValue {
        if (denominator.signum() == 0) throw new ArithmeticException("zero denominator");
        if (denominator.signum() < 0) {
            numerator = numerator.negate();
            denominator = denominator.negate();
        }
        BigInteger g = numerator.gcd(denominator);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            numerator = numerator.divide(g);
            denominator = denominator.divide(g);
        }
    }

    /**
     * Parses one number written in the usual answer styles: thousands separators, currency and percent
     * signs, units after the number, trailing period, unicode minus, {@code a/b} and LaTeX fractions.
     */
    public static Optional<NumericValue> parse(String text) {
        if (text == null) return Optional.empty();
        String s = text.strip()
                .replace('\u2212', '-')
                .replace("\\!", "")
                .replace("\\,", "")
                .replace("\\$", "")
                .replace("$", "")
                .replace("\\%", "")
                .replace("%", "");
        Matcher latex = LATEX_FRAC.matcher(s);
        if (latex.find()) {
            s = (s.substring(0, latex.start()) + latex.group(1) + "/" + latex.group(2) + s.substring(latex.end())).strip();
        }
        s = s.replaceAll("\\\\text\\{[^}]*}", "").replaceAll("[{}]", "").strip();
        s = s.replaceAll("(?<=\\d),(?=\\d{3}(?!\\d))", "");
        s = s.replaceAll("\\s*[a-zA-Z][a-zA-Z .]*$", "").strip();   // trailing units: "18 dollars"
        s = s.replaceAll("[.。]+$", "");                             // sentence-final period
        s = s.replaceAll("^-\\s+", "-");
        Matcher fraction = FRACTION.matcher(s);
        try {
            if (fraction.matches()) {
                BigDecimal num = new BigDecimal(fraction.group(1));
                BigDecimal den = new BigDecimal(fraction.group(2));
                if (den.signum() == 0) return Optional.empty();
                return Optional.of(of(num).dividedBy(of(den)));
            }
            if (DECIMAL.matcher(s).matches()) return Optional.of(of(new BigDecimal(s)));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static NumericValue of(BigDecimal d) {
        BigDecimal stripped = d.stripTrailingZeros();
        if (stripped.scale() <= 0) return new NumericValue(stripped.toBigIntegerExact(), BigInteger.ONE);
        return new NumericValue(stripped.unscaledValue(), BigInteger.TEN.pow(stripped.scale()));
    }

    NumericValue dividedBy(NumericValue other) {
        return new NumericValue(numerator.multiply(other.denominator), denominator.multiply(other.numerator));
    }

    /** Exact equality, or equality within a relative 1e-9 for values that only differ by rounding noise. */
    public boolean equivalent(NumericValue other) {
        if (equals(other)) return true;
        BigDecimal a = toDecimal(), b = other.toDecimal();
        BigDecimal scale = a.abs().max(b.abs()).max(BigDecimal.ONE);
        return a.subtract(b).abs().compareTo(scale.multiply(new BigDecimal("1e-9"))) <= 0;
    }

    public BigDecimal toDecimal() {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), 30, RoundingMode.HALF_EVEN);
    }

    /** Canonical text: plain decimal when exact, else the reduced fraction. */
    public String canonical() {
        BigInteger d = denominator;
        while (d.mod(BigInteger.TWO).signum() == 0) d = d.divide(BigInteger.TWO);
        while (d.mod(BigInteger.valueOf(5)).signum() == 0) d = d.divide(BigInteger.valueOf(5));
        if (d.equals(BigInteger.ONE)) {
            BigDecimal exact = new BigDecimal(numerator).divide(new BigDecimal(denominator)).stripTrailingZeros();
            return exact.toPlainString();
        }
        return numerator + "/" + denominator;
    }
}

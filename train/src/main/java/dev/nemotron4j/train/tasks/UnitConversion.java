package dev.nemotron4j.train.tasks;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * The conversions {@code convert_units} knows: km ↔ mi, kg ↔ lb, c ↔ f (Celsius, Fahrenheit), with exact
 * definitions (1 mi = 1.609344 km, 1 lb = 0.45359237 kg, °F = °C × 9/5 + 32) in decimal arithmetic, results rounded
 * half up to 2 decimals and written without trailing zeros ({@code 7.46}, {@code 53.6}, {@code 50}).
 */
public record UnitConversion(String from, String to) {

    /** Every supported pair, in a fixed order (the generator picks among them). */
    public static final List<UnitConversion> ALL = List.of(
            new UnitConversion("km", "mi"), new UnitConversion("mi", "km"),
            new UnitConversion("kg", "lb"), new UnitConversion("lb", "kg"),
            new UnitConversion("c", "f"), new UnitConversion("f", "c"));

    /** The unit names, as the tool's enum lists them. */
    public static final List<String> UNITS = List.of("km", "mi", "kg", "lb", "c", "f");

    private static final MathContext PRECISION = new MathContext(34);
    private static final BigDecimal KM_PER_MILE = new BigDecimal("1.609344");
    private static final BigDecimal KG_PER_POUND = new BigDecimal("0.45359237");
    private static final BigDecimal NINE_FIFTHS = new BigDecimal("1.8");
    private static final BigDecimal THIRTY_TWO = new BigDecimal("32");

    /** The pair converting {@code from} to {@code to}, if supported. */
    public static Optional<UnitConversion> of(String from, String to) {
        return ALL.stream().filter(c -> c.from.equals(from) && c.to.equals(to)).findFirst();
    }

    /** Whether the pair is a temperature conversion (the only one that takes negative values in questions). */
    public boolean isTemperature() {
        return from.equals("c") || from.equals("f");
    }

    /** The converted value, rounded to 2 decimals, trailing zeros dropped. */
    public BigDecimal convert(BigDecimal value) {
        BigDecimal exact = switch (from + ">" + to) {
            case "km>mi" -> value.divide(KM_PER_MILE, PRECISION);
            case "mi>km" -> value.multiply(KM_PER_MILE);
            case "kg>lb" -> value.divide(KG_PER_POUND, PRECISION);
            case "lb>kg" -> value.multiply(KG_PER_POUND);
            case "c>f" -> value.multiply(NINE_FIFTHS).add(THIRTY_TWO);
            case "f>c" -> value.subtract(THIRTY_TWO).divide(NINE_FIFTHS, PRECISION);
            default -> throw new IllegalStateException("unsupported conversion " + from + " to " + to);
        };
        BigDecimal rounded = exact.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
        // stripTrailingZeros turns 50.00 into 5E+1; keep the plain form with scale >= 0.
        return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
    }

    /** The plain decimal text of a value ({@code 7.46}, {@code -40}, {@code 0}). */
    public static String text(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.toPlainString();
    }
}

package dev.nemotron4j.tokenizer.text;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the regular expressions found in {@code tokenizer.json} (written for Oniguruma, which the Rust
 * {@code tokenizers} library uses) into {@link Pattern}s that match the same strings.
 *
 * <p>Differences handled here: {@code \s}, {@code \w}, {@code \d} and POSIX brackets are Unicode-aware
 * ({@link Pattern#UNICODE_CHARACTER_CLASS}); {@code ^}/{@code $} are line anchors and only {@code \n} ends a line;
 * {@code (?m)} means "dot matches newline"; script properties such as {@code \p{Han}} need Java's {@code Is}
 * prefix; {@code \h} is a hex digit and {@code \v} a vertical tab; a {@code {} that does not start a
 * quantifier is a literal.
 */
public final class OnigurumaPattern {

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.MULTILINE | Pattern.UNIX_LINES;

    private static final Map<String, String> POSIX_BRACKETS = Map.ofEntries(
            Map.entry("alpha", "\\p{IsAlphabetic}"), Map.entry("digit", "\\p{Nd}"),
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("space", "\\s"), Map.entry("upper", "\\p{IsUppercase}"),
            Map.entry("lower", "\\p{IsLowercase}"), Map.entry("punct", "\\p{Punct}"),
            Map.entry("xdigit", "0-9a-fA-F"), Map.entry("word", "\\w"), Map.entry("cntrl", "\\p{Cc}"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("print", "\\p{Print}"), Map.entry("graph", "\\p{Graph}"));

    private OnigurumaPattern() {
    }

    /** Translates and compiles an Oniguruma pattern. */
    public static Pattern compile(String onigurumaRegex) {
        String java = translate(onigurumaRegex);
        try {
            return Pattern.compile(java, FLAGS);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("unsupported regex " + quote(onigurumaRegex) + ": " + e.getDescription(), e);
        }
    }

    /** A pattern matching {@code literal} exactly; an empty literal matches nothing (as in the Rust library). */
    public static Pattern literal(String literal) {
        return literal.isEmpty() ? Pattern.compile("(?!)") : Pattern.compile(Pattern.quote(literal));
    }

    /** The Java spelling of an Oniguruma pattern (exposed for diagnostics and tests). */
    public static String translate(String re) {
        StringBuilder out = new StringBuilder(re.length() + 16);
        int classDepth = 0;
        int i = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\' && i + 1 < re.length()) {
                i = translateEscape(re, i, out);
                continue;
            }
            if (classDepth > 0 && c == '[' && re.startsWith("[:", i)) {
                int end = re.indexOf(":]", i + 2);
                if (end > 0) {
                    String name = re.substring(i + 2, end);
                    boolean negated = name.startsWith("^");
                    String cls = POSIX_BRACKETS.get(negated ? name.substring(1) : name);
                    if (cls != null) {
                        out.append(negated ? "[^" + cls + "]" : cls);
                        i = end + 2;
                        continue;
                    }
                }
            }
            if (c == '[') {
                classDepth++;
                out.append(c);
                // A ']' right after '[' or '[^' is a literal in both dialects, but Java needs it escaped.
                if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
                    out.append("\\]");
                    i++;
                }
                i++;
                continue;
            }
            if (c == ']' && classDepth > 0) {
                classDepth--;
            } else if (classDepth == 0 && c == '{' && !startsQuantifier(re, i)) {
                out.append("\\{");
                i++;
                continue;
            } else if (classDepth == 0 && c == '(' && re.startsWith("(?", i)) {
                i = translateGroupFlags(re, i, out);
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Handles a backslash escape at {@code i}; returns the index after it. */
    private static int translateEscape(String re, int i, StringBuilder out) {
        char e = re.charAt(i + 1);
        switch (e) {
            case 'h' -> out.append("[0-9a-fA-F]");
            case 'H' -> out.append("[^0-9a-fA-F]");
            case 'v' -> out.append("\\x{0B}");
            case 'p', 'P' -> {
                if (i + 2 < re.length() && re.charAt(i + 2) == '{') {
                    int end = re.indexOf('}', i + 3);
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated \\p{ in regex " + quote(re));
                    }
                    String name = re.substring(i + 3, end);
                    boolean negated = name.startsWith("^");
                    if (negated) {
                        name = name.substring(1);
                    }
                    char kind = (e == 'P') != negated ? 'P' : 'p';
                    out.append('\\').append(kind).append('{').append(javaPropertyName(name)).append('}');
                    return end + 1;
                }
                out.append('\\').append(e);
            }
            default -> out.append('\\').append(e);
        }
        return i + 2;
    }

    /** Oniguruma's {@code (?m)} is Java's {@code (?s)}; other inline flags ({@code i}, {@code x}) agree. */
    private static int translateGroupFlags(String re, int i, StringBuilder out) {
        int j = i + 2;
        StringBuilder flags = new StringBuilder();
        while (j < re.length() && "imx-".indexOf(re.charAt(j)) >= 0) {
            char f = re.charAt(j);
            flags.append(f == 'm' ? 's' : f);
            j++;
        }
        if (flags.isEmpty() || j >= re.length() || (re.charAt(j) != ':' && re.charAt(j) != ')')) {
            out.append("(?");
            return i + 2;
        }
        out.append("(?").append(flags);
        return j;
    }

    private static boolean startsQuantifier(String re, int i) {
        int j = i + 1;
        int digitsBefore = 0;
        while (j < re.length() && Character.isDigit(re.charAt(j))) {
            j++;
            digitsBefore++;
        }
        if (j < re.length() && re.charAt(j) == ',') {
            j++;
            int digitsAfter = 0;
            while (j < re.length() && Character.isDigit(re.charAt(j))) {
                j++;
                digitsAfter++;
            }
            if (digitsBefore == 0 && digitsAfter == 0) {
                return false;
            }
        } else if (digitsBefore == 0) {
            return false;
        }
        return j < re.length() && re.charAt(j) == '}';
    }

    /** General categories keep their name; anything else (scripts such as Han, Latin) gets Java's Is prefix. */
    private static String javaPropertyName(String name) {
        String n = name.replace(" ", "").replace("_", "");
        if (n.length() <= 2 || n.equalsIgnoreCase("Any") || n.startsWith("Is") || n.startsWith("In")) {
            return name;
        }
        return switch (n.toLowerCase()) {
            case "letter" -> "L";
            case "mark" -> "M";
            case "number" -> "N";
            case "punctuation" -> "P";
            case "symbol" -> "S";
            case "separator" -> "Z";
            case "other" -> "C";
            case "alpha", "alphabetic" -> "IsAlphabetic";
            case "digit" -> "Nd";
            case "space", "whitespace" -> "IsWhite_Space";
            case "word" -> "IsWord";
            case "upper", "uppercase" -> "IsUppercase";
            case "lower", "lowercase" -> "IsLowercase";
            default -> "Is" + name;
        };
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

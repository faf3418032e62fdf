package dev.nemotron4j.eval.instructions;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python string and {@code re} semantics the instruction checkers are defined by, in Java: Unicode-aware {@code \w},
 * {@code \s}, {@code \b} and case folding, {@code .} and {@code $} that know only {@code \n}, {@code re.split} keeping
 * empty pieces, {@code str.isupper}/{@code islower}, {@code str.strip(chars)}.
 */
final class PyText {
    private PyText() {}

    /** Flags that give Java's regex Python 3's meaning for str patterns. */
    static final int PY = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;

    static Pattern regex(String pattern, int flags) {
        return Pattern.compile(pattern, PY | flags);
    }

    /** A pattern taken from the data (a keyword, a section word): as a regex like Python does, else literally. */
    static Pattern userRegex(String pattern, int flags) {
        try {
            return regex(pattern, flags);
        } catch (java.util.regex.PatternSyntaxException e) {
            return regex(Pattern.quote(pattern), flags);
        }
    }

    static int countMatches(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    static List<String> findAll(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** {@code re.split}: every piece, empty ones at either end included (Java's String.split drops trailing ones). */
    static List<String> split(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (m.find()) {
            if (m.end() == m.start() && m.start() == from && from > 0) continue;
            out.add(text.substring(from, m.start()));
            from = m.end();
        }
        out.add(text.substring(from));
        return out;
    }

    /** {@code str.split(sep)} with a literal separator: all pieces kept. */
    static List<String> split(String text, String separator) {
        List<String> out = new ArrayList<>();
        int from = 0, at;
        while ((at = text.indexOf(separator, from)) >= 0) {
            out.add(text.substring(from, at));
            from = at + separator.length();
        }
        out.add(text.substring(from));
        return out;
    }

    /** {@code str.isupper()}: at least one cased character and none lowercase or titlecase. */
    static boolean isUpper(String s) {
        boolean cased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) return false;
            if (Character.isUpperCase(cp)) cased = true;
        }
        return cased;
    }

    /** {@code str.islower()}: at least one cased character and none uppercase or titlecase. */
    static boolean isLower(String s) {
        boolean cased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) return false;
            if (Character.isLowerCase(cp)) cased = true;
        }
        return cased;
    }

    /** {@code str.strip(chars)}. */
    static String strip(String s, String chars) {
        int from = 0, to = s.length();
        while (from < to && chars.indexOf(s.charAt(from)) >= 0) from++;
        while (to > from && chars.indexOf(s.charAt(to - 1)) >= 0) to--;
        return s.substring(from, to);
    }

    static String lstrip(String s, String chars) {
        int from = 0;
        while (from < s.length() && chars.indexOf(s.charAt(from)) >= 0) from++;
        return s.substring(from);
    }

    /** {@code str.strip()} (Unicode whitespace). */
    static String strip(String s) {
        return s.strip();
    }

    /** {@code text.count(sub)}: non-overlapping occurrences, left to right. */
    static int countOccurrences(String text, String sub) {
        if (sub.isEmpty()) return text.codePointCount(0, text.length()) + 1;
        int n = 0;
        for (int at = text.indexOf(sub); at >= 0; at = text.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    /** {@code s[start:stop]} over code points, negative indices counting from the end, out-of-range ones clamped. */
    static String slice(String s, int start, int stop) {
        int[] cps = s.codePoints().toArray();
        int from = clampIndex(start, cps.length), to = clampIndex(stop, cps.length);
        return from >= to ? "" : new String(cps, from, to - from);
    }

    private static int clampIndex(int i, int length) {
        if (i < 0) i += length;
        return Math.max(0, Math.min(i, length));
    }

    /** {@code str.isspace()} for one character: Unicode white space, the separators U+001C..U+001F and U+0085 included. */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    static String lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code string.punctuation}. */
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private static final Pattern WHITESPACE = regex("\\s+", 0);

    /** Whitespace-separated words ({@code str.split()}). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : WHITESPACE.split(s.strip())) if (!w.isEmpty()) out.add(w);
        return out;
    }
}

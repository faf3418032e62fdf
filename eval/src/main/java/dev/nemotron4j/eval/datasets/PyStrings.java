package dev.nemotron4j.eval.datasets;

/** Python's str white-space rules ({@code isspace}, {@code strip}), which differ from Java's for a few characters. */
final class PyStrings {
    private PyStrings() {}

    /** Python's {@code str.isspace()} for one code point (bidirectional class WS, B or S, or category Zs). */
    static boolean isSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    static String strip(String s) {
        return rstrip(lstrip(s));
    }

    static String lstrip(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        return s.substring(i);
    }

    static String rstrip(String s) {
        int j = s.length();
        while (j > 0 && isSpace(s.charAt(j - 1))) j--;
        return s.substring(0, j);
    }

    /** Python's {@code len()}: code points. */
    static int len(String s) {
        return s.codePointCount(0, s.length());
    }
}

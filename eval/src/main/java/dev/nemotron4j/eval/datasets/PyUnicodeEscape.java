package dev.nemotron4j.eval.datasets;

/**
 * Python's {@code bytes.decode("unicode_escape")}, which RULER's essay script applies to every paulgraham.com page:
 * each byte is a Latin-1 character, except that backslash escapes are read as in a Python string literal
 * ({@code \\n}, {@code \\x41}, {@code \\101}, {@code \\u00e9}, {@code \\N{EM DASH}}, a backslash before a line break
 * drops both; an unknown escape such as {@code \\q} is kept as it is). UTF-8 pages therefore come out as Latin-1
 * mojibake, as they do in RULER's haystack. A malformed escape is an error (Python raises, and RULER's script leaves
 * the page out).
 */
final class PyUnicodeEscape {
    private PyUnicodeEscape() {}

    static String decode(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length);
        int n = bytes.length;
        for (int i = 0; i < n; ) {
            int b = bytes[i++] & 0xFF;
            if (b != '\\') {
                s.append((char) b);
                continue;
            }
            if (i >= n) throw new IllegalArgumentException("unicode_escape: \\ at end of the page");
            int c = bytes[i++] & 0xFF;
            switch (c) {
                case '\n' -> { }
                case '\\', '\'', '"' -> s.append((char) c);
                case 'a' -> s.append('\u0007');
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'v' -> s.append('\u000B');
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int v = c - '0';
                    for (int k = 0; k < 2 && i < n && bytes[i] >= '0' && bytes[i] <= '7'; k++) v = v * 8 + (bytes[i++] - '0');
                    s.append((char) v);
                }
                case 'x' -> i = hex(bytes, i, 2, s);
                case 'u' -> i = hex(bytes, i, 4, s);
                case 'U' -> i = hex(bytes, i, 8, s);
                case 'N' -> {
                    int close = -1;
                    if (i < n && bytes[i] == '{') for (int k = i + 1; k < n; k++) if (bytes[k] == '}') { close = k; break; }
                    if (close < 0) throw new IllegalArgumentException("unicode_escape: malformed \\N character escape at byte " + (i - 2));
                    String name = new String(bytes, i + 1, close - i - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
                    int cp;
                    try {
                        cp = name.isEmpty() || !name.strip().equals(name) ? -1 : Character.codePointOf(name);
                    } catch (IllegalArgumentException unknown) {
                        cp = -1;
                    }
                    if (cp < 0) throw new IllegalArgumentException("unicode_escape: unknown Unicode character name '" + name + "' at byte " + (i - 2));
                    s.appendCodePoint(cp);
                    i = close + 1;
                }
                default -> s.append('\\').append((char) c);
            }
        }
        return s.toString();
    }

    private static int hex(byte[] bytes, int i, int digits, StringBuilder s) {
        int v = 0;
        for (int k = 0; k < digits; k++) {
            int d = i + k < bytes.length ? Character.digit(bytes[i + k] & 0xFF, 16) : -1;
            if (d < 0 || (bytes[i + k] & 0xFF) > 'f') throw new IllegalArgumentException("unicode_escape: truncated \\" + (digits == 2 ? "x" : digits == 4 ? "u" : "U") + " escape at byte " + (i - 2));
            v = v * 16 + d;
        }
        if (v > Character.MAX_CODE_POINT) throw new IllegalArgumentException("unicode_escape: \\U escape out of range at byte " + (i - 2));
        s.appendCodePoint(v);
        return i + digits;
    }
}

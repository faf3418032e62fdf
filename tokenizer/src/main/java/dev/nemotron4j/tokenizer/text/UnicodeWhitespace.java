package dev.nemotron4j.tokenizer.text;

/**
 * The Unicode {@code White_Space} property, which is what Rust's {@code char::is_whitespace} and the regex
 * {@code \s} test. {@link Character#isWhitespace} differs (it excludes no-break spaces and includes U+001C-U+001F).
 */
public final class UnicodeWhitespace {

    private UnicodeWhitespace() {
    }

    /** Whether the code point has the Unicode White_Space property. */
    public static boolean is(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Index just past the leading whitespace of {@code s}. */
    public static int leadingEnd(CharSequence s) {
        int i = 0;
        while (i < s.length()) {
            int cp = Character.codePointAt(s, i);
            if (!is(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    /** Index where the trailing whitespace of {@code s} begins. */
    public static int trailingStart(CharSequence s) {
        int i = s.length();
        while (i > 0) {
            int cp = Character.codePointBefore(s, i);
            if (!is(cp)) {
                break;
            }
            i -= Character.charCount(cp);
        }
        return i;
    }
}

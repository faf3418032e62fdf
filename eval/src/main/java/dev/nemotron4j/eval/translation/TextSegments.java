package dev.nemotron4j.eval.translation;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code str.split()} and {@code str.isspace()}, which sacreBLEU's metrics are defined by. */
final class TextSegments {
    private TextSegments() {}

    /** {@code str.isspace()} for one character: Unicode white space plus U+001C..U+001F and U+0085. */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /** {@code text.split()}: the runs of non-space characters. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) out.add(text.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) out.add(text.substring(start));
        return out;
    }

    /** {@code text.rstrip()}. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int cp = text.codePointBefore(end);
            if (!isSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return text.substring(0, end);
    }

    /** {@code ''.join(text.split())} as code points. */
    static int[] withoutSpaces(String text) {
        return text.codePoints().filter(c -> !isSpace(c)).toArray();
    }
}

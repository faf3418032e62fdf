package dev.nemotron4j.eval.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code textwrap.wrap(text, width, break_long_words=False, subsequent_indent=indent)} (CPython 3.11), as
 * html2text wraps paragraphs: tabs expanded to 8 columns, ASCII white space made spaces, the text cut into words and
 * white space with textwrap's own pattern (which also breaks after the hyphens of hyphenated words and around
 * {@code --} dashes), then filled greedily; a word longer than the width stays whole on its own line, and white space
 * at the ends of lines is dropped.
 */
final class PyTextWrap {
    private PyTextWrap() {}

    private static final String WS = "[\\t\\n\\x0B\\f\\r ]";
    private static final String NWS = "[^\\t\\n\\x0B\\f\\r ]";
    private static final String W = "[\\p{L}\\p{N}_]";                  // Python's \w: str.isalnum() or '_'
    private static final String WORD_PUNCT = "[\\p{L}\\p{N}_!\"'&.,?]";
    private static final String LETTER = "[\\p{L}\\p{Nl}\\p{No}_]";       // Python's [^\d\W]
    private static final Pattern WORDSEP = Pattern.compile("(" + WS + "+"
            + "|(?<=" + WORD_PUNCT + ")-{2,}(?=" + W + ")"
            + "|" + NWS + "+?(?:-(?:(?<=" + LETTER + "{2}-)|(?<=" + LETTER + "-" + LETTER + "-))(?=" + LETTER + "-?" + LETTER + ")"
            + "|(?=" + WS + "|\\z)"
            + "|(?<=" + WORD_PUNCT + ")(?=-{2,}" + W + ")))");

    static List<String> wrap(String text, int width, String subsequentIndent) {
        List<String> chunks = chunks(munge(text));
        List<String> lines = new ArrayList<>();
        int next = 0;
        while (next < chunks.size()) {
            List<String> line = new ArrayList<>();
            int len = 0;
            String indent = lines.isEmpty() ? "" : subsequentIndent;
            int w = width - PyStrings.len(indent);
            if (PyStrings.strip(chunks.get(next)).isEmpty() && !lines.isEmpty()) next++;
            while (next < chunks.size()) {
                int l = PyStrings.len(chunks.get(next));
                if (len + l > w) break;
                line.add(chunks.get(next++));
                len += l;
            }
            if (next < chunks.size() && PyStrings.len(chunks.get(next)) > w && line.isEmpty()) line.add(chunks.get(next++));
            if (!line.isEmpty() && PyStrings.strip(line.getLast()).isEmpty()) line.removeLast();
            if (!line.isEmpty()) lines.add(indent + String.join("", line));
        }
        return lines;
    }

    /** Tabs expanded (columns restart after \n and \r), then each ASCII white-space character a space. */
    private static String munge(String text) {
        StringBuilder s = new StringBuilder();
        int col = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\t') {
                int spaces = 8 - col % 8;
                s.append(" ".repeat(spaces));
                col += spaces;
                continue;
            }
            col = c == '\n' || c == '\r' ? 0 : col + 1;
            s.appendCodePoint(c == '\n' || c == 0x0B || c == '\f' || c == '\r' ? ' ' : c);
        }
        return s.toString();
    }

    /** {@code re.split} with the capturing pattern, empty pieces dropped. */
    private static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORDSEP.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) out.add(text.substring(last, m.start()));
            if (!m.group(1).isEmpty()) out.add(m.group(1));
            last = m.end();
        }
        if (last < text.length()) out.add(text.substring(last));
        return out;
    }
}

package dev.nemotron4j.eval.datasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Python {@code html2text} library (2020.1.16, checked byte for byte against it) writes for one element, with
 * the settings RULER's essay script leaves in effect: images and table markup ignored (a table row ends in a soft line
 * break), links inline as {@code [text](url)} ({@code <url>} when the text is the URL, internal {@code #} links as their
 * text), {@code _italics_}, {@code **bold**}, {@code <br>} as two spaces and a line break, paragraphs a blank line,
 * lists as {@code  * item} / {@code  1. item}, Markdown's {@code \\} escapes only where a line would otherwise read as a
 * list or where a backslash precedes a Markdown character, and every paragraph wrapped at 78 columns by Python's
 * {@code textwrap}. (RULER also sets {@code escape_all}, {@code reference_links} and {@code mark_code}, but the first
 * two are no attributes html2text reads and the third is its default.)
 *
 * <p>The element comes from {@link SoupTree}; html2text reads BeautifulSoup's serialisation of it, so the events here
 * are the ones that serialisation produces: every element opened and closed, text with {@code &}, {@code <} and
 * {@code >} as separate entity characters (which html2text never escapes), script and style text whole.
 */
final class Html2Markdown {
    private static final int BODY_WIDTH = 78;
    private static final String S = "[" + PyHtmlParser.WS + "]";
    private static final Pattern WHITESPACE_RUN = Pattern.compile(S + "+");
    // html2text's escape_md_section: ^ is Python's MULTILINE start, after "\n" only (UNIX_LINES)
    private static final Pattern MD_BACKSLASH = Pattern.compile("(\\\\)(?=[\\\\`*_{}\\[\\]()#+\\-.!])");
    private static final Pattern MD_DOT = Pattern.compile("(?md)^(" + S + "*\\p{Nd}+)(\\.)(?=" + S + ")");
    private static final Pattern MD_PLUS = Pattern.compile("(?md)^(" + S + "*)(\\+)(?=" + S + ")");
    private static final Pattern MD_DASH = Pattern.compile("(?md)^(" + S + "*)(-)(?=" + S + "|-)");
    private static final Pattern MD_CHARS = Pattern.compile("([\\\\\\[\\]()])");
    private static final Pattern ABSOLUTE_URL = Pattern.compile("^[a-zA-Z+]+://");
    private static final Pattern ORDERED_ITEM = Pattern.compile("\\p{Nd}+\\." + S);
    private static final Pattern UNORDERED_ITEM = Pattern.compile("[-*+]" + S);
    private static final Set<String> NO_LINK_OPEN = Set.of("p", "div", "style", "dl", "dt");

    private final StringBuilder out = new StringBuilder();
    private boolean lastWasNL;
    private int quiet;
    private int pendingBreaks;        // html2text's p_p: line breaks owed before the next output
    private boolean start = true;
    private boolean space;
    private final List<Map<String, String>> links = new ArrayList<>();   // open <a>s; null for one without a usable href
    private String maybeAutomaticLink;
    private boolean emptyLink;
    private final List<ListLevel> lists = new ArrayList<>();
    private int blockquote;
    private boolean pre, startPre, code, quote;
    private String brToggle = "";
    private boolean lastWasList;
    private String abbrTitle;
    private String abbrData;
    private final Map<String, String> abbrList = new LinkedHashMap<>();
    private boolean stressed, precedingStressed;
    private String precedingData = "";
    private String currentTag = "";

    private static final class ListLevel {
        final String name;
        int num;

        ListLevel(String name, int num) {
            this.name = name;
            this.num = num;
        }
    }

    private Html2Markdown() {}

    /** The Markdown html2text writes for this element (null: for no element, i.e. the text "None", as Python's str(None)). */
    static String convert(SoupTree.Element element) {
        Html2Markdown h = new Html2Markdown();
        if (element == null) h.handleData("None", false);
        else h.walk(element);
        return optwrap(h.finish());
    }

    private void walk(SoupTree.Element e) {
        handleTag(e.name, e.attrs, true);
        // texts next to each other in the tree (split by an end tag that closed nothing) are one text once serialised
        StringBuilder text = new StringBuilder();
        for (SoupTree.Node n : e.children) {
            if (n instanceof SoupTree.Text t) {
                text.append(t.text());
                continue;
            }
            flush(e, text);
            if (n instanceof SoupTree.Element child) walk(child);
        }
        flush(e, text);
        handleTag(e.name, Map.of(), false);
    }

    private void flush(SoupTree.Element parent, StringBuilder text) {
        if (text.isEmpty()) return;
        if (parent.name.equals("script") || parent.name.equals("style")) handleData(text.toString().replace("</' + 'script>", "</ignore>"), false);
        else text(text.toString());
        text.setLength(0);
    }

    /** Text as html2text's parser reads it back from BeautifulSoup's output: &, < and > arrive as entity characters. */
    private void text(String s) {
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '&' || c == '<' || c == '>') {
                if (i > from) handleData(s.substring(from, i), false);
                handleData(String.valueOf(c), true);
                from = i + 1;
            }
        }
        if (from < s.length()) handleData(s.substring(from), false);
    }

    private static int heading(String tag) {
        return tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '9' ? tag.charAt(1) - '0' : 0;
    }

    private boolean noPrecedingSpace() {
        return !precedingData.isEmpty() && !PyStrings.isSpace(precedingData.charAt(precedingData.length() - 1));
    }

    private void handleTag(String tag, Map<String, String> attrs, boolean isStart) {
        currentTag = tag;
        if (isStart && maybeAutomaticLink != null && !NO_LINK_OPEN.contains(tag)) {
            // the link's first content is a tag that writes something: no <url> form any more
            o("[");
            maybeAutomaticLink = null;
            emptyLink = false;
        }
        int h = heading(tag);
        if (h > 0) {
            paragraph();
            if (isStart) {
                o("#".repeat(h) + " ");
            } else {
                return;   // no emphasis marks after a heading's end
            }
        }
        if (tag.equals("p") || tag.equals("div")) {
            if (!(tag.equals("div") && !links.isEmpty())) paragraph();
        }
        if (tag.equals("br") && isStart) o(blockquote > 0 ? "  \n> " : "  \n");
        if (tag.equals("hr") && isStart) {
            paragraph();
            o("* * *");
            paragraph();
        }
        if (tag.equals("head") || tag.equals("style") || tag.equals("script")) quiet += isStart ? 1 : -1;
        if (tag.equals("body")) quiet = 0;
        if (tag.equals("blockquote")) {
            if (isStart) {
                paragraph();
                o("> ", Force.YES);
                start = true;
                blockquote++;
            } else {
                blockquote--;
                paragraph();
            }
        }
        if (tag.equals("em") || tag.equals("i") || tag.equals("u")) mark("_", isStart);
        if (tag.equals("strong") || tag.equals("b")) mark("**", isStart);
        if (tag.equals("del") || tag.equals("strike") || tag.equals("s")) mark("~~", isStart);
        if ((tag.equals("kbd") || tag.equals("code") || tag.equals("tt")) && !pre) {
            o("`");
            code = !code;
        }
        if (tag.equals("abbr")) {
            if (isStart) {
                abbrTitle = attrs.get("title");
                abbrData = "";
            } else {
                if (abbrTitle != null) {
                    abbrList.put(abbrData, abbrTitle);
                    abbrTitle = null;
                }
                abbrData = null;
            }
        }
        if (tag.equals("q")) {
            o("\"");
            quote = !quote;
        }
        if (tag.equals("a")) link(attrs, isStart);
        if (tag.equals("dl") && isStart) paragraph();
        if (tag.equals("dt") && !isStart) lineBreak();
        if (tag.equals("dd") && isStart) o("    ");
        if (tag.equals("dd") && !isStart) lineBreak();
        if (tag.equals("ol") || tag.equals("ul")) {
            if (lists.isEmpty() && !lastWasList) paragraph();
            if (isStart) {
                lists.add(new ListLevel(tag, numberingStart(attrs.get("start"))));
            } else if (!lists.isEmpty()) {
                lists.removeLast();
                if (lists.isEmpty()) o("\n");
            }
            lastWasList = true;
        } else {
            lastWasList = false;
        }
        if (tag.equals("li")) {
            lineBreak();
            if (isStart) {
                ListLevel li = lists.isEmpty() ? new ListLevel("ul", 0) : lists.getLast();
                o("  ".repeat(lists.size()));
                if (li.name.equals("ul")) {
                    o("* ");
                } else if (li.name.equals("ol")) {
                    li.num++;
                    o(li.num + ". ");
                }
                start = true;
            }
        }
        if (tag.equals("tr") && !isStart) softBreak();   // tables ignored: a row is a line
        if (tag.equals("pre")) {
            if (isStart) {
                startPre = true;
                pre = true;
            } else {
                pre = false;
            }
            paragraph();
        }
    }

    private void mark(String mark, boolean isStart) {
        o(isStart && noPrecedingSpace() ? " " + mark : mark);
        if (isStart) stressed = true;
    }

    private void link(Map<String, String> attrs, boolean isStart) {
        if (isStart) {
            String href = attrs.get("href");
            if (href != null && !href.startsWith("#")) {
                links.add(attrs);
                maybeAutomaticLink = href;
                emptyLink = true;
            } else {
                links.add(null);
            }
            return;
        }
        if (links.isEmpty()) return;
        Map<String, String> a = links.removeLast();
        if (maybeAutomaticLink != null && !emptyLink) {
            maybeAutomaticLink = null;
        } else if (a != null) {
            if (emptyLink) {
                o("[");
                emptyLink = false;
                maybeAutomaticLink = null;
            }
            String title = escapeMd(a.getOrDefault("title", ""));
            title = PyStrings.strip(title).isEmpty() ? "" : " \"" + title + "\"";
            o("](" + escapeMd(a.get("href")) + title + ")");
        }
    }

    /** Python's int(attrs["start"]) - 1, or 0 where int() refuses it. */
    private static int numberingStart(String start) {
        if (start == null) return 0;
        String s = PyStrings.strip(start);
        if (!s.matches("[+-]?\\p{Nd}+(_\\p{Nd}+)*")) return 0;
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-' || c == '+') digits.append(c);
            else if (c != '_') digits.append(Character.digit(c, 10));
        }
        try {
            return Math.toIntExact(Long.parseLong(digits.toString()) - 1);
        } catch (NumberFormatException | ArithmeticException huge) {
            throw new IllegalArgumentException("html2text: list start " + start + " is too large to reproduce");
        }
    }

    private void lineBreak() {
        if (pendingBreaks == 0) pendingBreaks = 1;
    }

    private void paragraph() {
        pendingBreaks = 2;
    }

    private void softBreak() {
        lineBreak();
        brToggle = "  ";
    }

    private enum Force { NO, YES, END }

    private void o(String data) {
        o(data, false, Force.NO);
    }

    private void o(String data, Force force) {
        o(data, false, force);
    }

    /** html2text's o(): owed line breaks, a pending space, block-quote and pre prefixes, then the text. */
    private void o(String data, boolean pureData, Force force) {
        if (abbrData != null) abbrData += data;
        if (quiet != 0) return;
        if (pureData && !pre) {
            data = WHITESPACE_RUN.matcher(data).replaceAll(" ");
            if (!data.isEmpty() && data.charAt(0) == ' ') {
                space = true;
                data = data.substring(1);
            }
        }
        if (data.isEmpty() && force == Force.NO) return;
        if (startPre && !data.startsWith("\n") && !data.startsWith("\r\n")) data = "\n" + data;
        String bq = ">".repeat(Math.max(0, blockquote));
        if (!(force != Force.NO && !data.isEmpty() && data.charAt(0) == '>') && blockquote != 0) bq += " ";
        if (pre) {
            if (lists.isEmpty()) bq += "    ";
            bq += "    ".repeat(lists.size());
            data = data.replace("\n", "\n" + bq);
        }
        if (startPre) {
            startPre = false;
            if (!lists.isEmpty()) data = data.replaceFirst("^\n+", "");
        }
        if (start) {
            space = false;
            pendingBreaks = 0;
            start = false;
        }
        if (force == Force.END) {
            pendingBreaks = 0;
            emit("\n");
            space = false;
        }
        if (pendingBreaks != 0) {
            emit((brToggle + "\n" + bq).repeat(pendingBreaks));
            space = false;
            brToggle = "";
        }
        if (space) {
            if (!lastWasNL) emit(" ");
            space = false;
        }
        if (!abbrList.isEmpty() && force == Force.END) {
            for (Map.Entry<String, String> e : abbrList.entrySet()) emit("  *[" + e.getKey() + "]: " + e.getValue() + "\n");
        }
        pendingBreaks = 0;
        emit(data);
    }

    private void emit(String s) {
        out.append(s);
        if (!s.isEmpty()) lastWasNL = s.charAt(s.length() - 1) == '\n';
    }

    private void handleData(String data, boolean entityChar) {
        if (data.isEmpty()) return;
        if (stressed) {
            data = PyStrings.strip(data);
            stressed = false;
            precedingStressed = true;
        } else if (precedingStressed) {
            char c = data.charAt(0);
            if (!PyStrings.isSpace(c) && c != '.' && c != '!' && c != '?' && heading(currentTag) == 0
                    && !currentTag.equals("a") && !currentTag.equals("code") && !currentTag.equals("pre")) {
                data = " " + data;   // a word right after an emphasis mark gets its space back
            }
            precedingStressed = false;
        }
        if (maybeAutomaticLink != null) {
            String href = maybeAutomaticLink;
            if (href.equals(data) && ABSOLUTE_URL.matcher(href).find()) {
                o("<" + data + ">");
                emptyLink = false;
                return;
            }
            o("[");
            maybeAutomaticLink = null;
            emptyLink = false;
        }
        if (!code && !pre && !entityChar) data = escapeMdSection(data);
        precedingData = data;
        o(data, true, Force.NO);
    }

    private String finish() {
        lineBreak();
        o("", Force.END);
        return out.toString().replace("&nbsp_place_holder;", " ");
    }

    private static String escapeMd(String text) {
        return MD_CHARS.matcher(text).replaceAll("\\\\$1");
    }

    private static String escapeMdSection(String text) {
        text = MD_BACKSLASH.matcher(text).replaceAll("\\\\$1");
        text = MD_DOT.matcher(text).replaceAll("$1\\\\$2");
        text = MD_PLUS.matcher(text).replaceAll("$1\\\\$2");
        return MD_DASH.matcher(text).replaceAll("$1\\\\$2");
    }

    /** html2text's optwrap: each line wrapped at 78 columns unless it looks like code or a list item. */
    private static String optwrap(String text) {
        StringBuilder result = new StringBuilder();
        int newlines = 0;
        for (String para : text.split("\n", -1)) {
            if (!para.isEmpty()) {
                if (!skipWrap(para)) {
                    String indent = para.startsWith("  *") ? "    " : para.startsWith("> ") ? "> " : "";
                    result.append(String.join("\n", PyTextWrap.wrap(para, BODY_WIDTH, indent)));
                    if (para.endsWith("  ")) {
                        result.append("  \n");
                        newlines = 1;
                    } else if (!indent.isEmpty()) {
                        result.append("\n");
                        newlines = 1;
                    } else {
                        result.append("\n\n");
                        newlines = 2;
                    }
                } else if (!(para.length() >= 2 && PyStrings.isSpace(para.charAt(0)) && para.charAt(1) == '+')) {
                    result.append(para).append("\n");
                    newlines = 1;
                }
            } else if (newlines < 2) {
                result.append("\n");
                newlines++;
            }
        }
        return result.toString();
    }

    private static boolean skipWrap(String para) {
        if (para.startsWith("    ") || para.charAt(0) == '\t') return true;
        String stripped = PyStrings.lstrip(para);
        if (stripped.startsWith("--") && stripped.length() > 2 && stripped.charAt(2) != '-') return false;
        if ((stripped.startsWith("-") || stripped.startsWith("*")) && !stripped.startsWith("**")) return true;
        Matcher ordered = ORDERED_ITEM.matcher(stripped);
        return ordered.lookingAt() || UNORDERED_ITEM.matcher(stripped).lookingAt();
    }
}

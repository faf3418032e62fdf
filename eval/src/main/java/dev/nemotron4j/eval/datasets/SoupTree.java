package dev.nemotron4j.eval.datasets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The document tree that BeautifulSoup 4 builds with its {@code html.parser} builder, which RULER's essay script
 * searches for the first {@code <font>} element. Its rules decide what that element holds on untidy pages: no tag is
 * closed implicitly (an unclosed {@code <p>} or {@code <i>} runs on), an end tag closes the most recent open element of
 * its name and everything opened inside it (so {@code </td>} also ends a {@code <font>} left open in its cell) and is
 * ignored when no such element is open, void elements ({@code br}, {@code img}, ...) are closed at once, entity and
 * character references are decoded (numeric ones below 256 as Windows-1252), white-space-only text becomes one space or
 * one line break, and whatever is open at the end is closed there.
 */
final class SoupTree {
    sealed interface Node permits Element, Text, Other {}

    /** An element: its name, attributes (valueless ones as ""), children. */
    static final class Element implements Node {
        final String name;
        final Map<String, String> attrs;
        final List<Node> children = new ArrayList<>();

        Element(String name, Map<String, String> attrs) {
            this.name = name;
            this.attrs = attrs;
        }
    }

    /** A run of text, decoded. */
    record Text(String text) implements Node {}

    /** A comment, doctype, processing instruction or marked section: no text of the page. */
    record Other(String kind, String text) implements Node {}

    private static final Set<String> VOID = Set.of("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem", "meta",
            "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame", "image", "isindex", "nextid", "spacer");
    private static final Set<String> PRESERVE_WHITESPACE = Set.of("pre", "textarea");

    private SoupTree() {}

    /** Parses a page as {@code BeautifulSoup(page, 'html.parser')} does; the root is the document. */
    static Element parse(String page) {
        Builder b = new Builder();
        PyHtmlParser.parse(page, b);
        b.endData();
        while (b.stack.size() > 1) b.popTag();
        return b.stack.getFirst();
    }

    /** The first element of that name in document order, or null ({@code soup.find(name)}). */
    static Element find(Element root, String name) {
        for (Node n : root.children) {
            if (n instanceof Element e) {
                if (e.name.equals(name)) return e;
                Element inner = find(e, name);
                if (inner != null) return inner;
            }
        }
        return null;
    }

    private static final class Builder implements PyHtmlParser.Handler {
        final List<Element> stack = new ArrayList<>(List.of(new Element("[document]", Map.of())));
        final Map<String, Integer> open = new HashMap<>();
        final List<Element> preserving = new ArrayList<>();
        final List<String> alreadyClosedEmpty = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        boolean hasData;

        Element current() {
            return stack.getLast();
        }

        void endData() {
            if (!hasData) return;
            String text = data.toString();
            data.setLength(0);
            hasData = false;
            if (preserving.isEmpty() && text.chars().allMatch(c -> c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r')) {
                text = text.indexOf('\n') >= 0 ? "\n" : " ";
            }
            current().children.add(new Text(text));
        }

        void pushTag(Element e) {
            current().children.add(e);
            stack.add(e);
            open.merge(e.name, 1, Integer::sum);
            if (PRESERVE_WHITESPACE.contains(e.name)) preserving.add(e);
        }

        void popTag() {
            Element e = stack.removeLast();
            open.merge(e.name, -1, Integer::sum);
            if (!preserving.isEmpty() && preserving.getLast() == e) preserving.removeLast();
        }

        void popToTag(String name) {
            for (int i = stack.size() - 1; i > 0; i--) {
                if (open.getOrDefault(name, 0) <= 0) break;
                Element t = stack.get(i);
                popTag();
                if (t.name.equals(name)) break;
            }
        }

        @Override
        public void startTag(String name, List<String[]> attrs, boolean selfClosing) {
            Map<String, String> map = new LinkedHashMap<>();
            for (String[] a : attrs) map.put(a[0], a[1] == null ? "" : a[1]);   // a repeated attribute: the last value
            endData();
            pushTag(new Element(name, map));
            if (selfClosing) {
                endTag(name);
            } else if (VOID.contains(name)) {
                endData();
                popToTag(name);
                alreadyClosedEmpty.add(name);
            }
        }

        @Override
        public void endTag(String name) {
            // "<br></br>": the end tag of a void element that was closed at once is dropped, once
            if (alreadyClosedEmpty.remove(name)) return;
            endData();
            popToTag(name);
        }

        @Override
        public void data(String text) {
            data.append(text);
            hasData = true;
        }

        @Override
        public void charref(String name) {
            long v;
            try {
                v = name.startsWith("x") || name.startsWith("X") ? Long.parseLong(name.substring(1), 16) : Long.parseLong(name);
            } catch (NumberFormatException tooLong) {
                v = Long.MAX_VALUE;
            }
            String text;
            if (v >= 0x80 && v <= 0x9F && PyHtmlUnescape.CP1252[(int) v - 0x80] >= 0) text = Character.toString(PyHtmlUnescape.CP1252[(int) v - 0x80]);
            else if (v <= Character.MAX_CODE_POINT) text = Character.toString((int) v);
            else text = "\uFFFD";
            data(text);
        }

        @Override
        public void entityref(String name) {
            String c = PyHtmlUnescape.HTML5.get(name + ";");
            if (c == null) c = PyHtmlUnescape.HTML5.get(name);
            data(c != null ? c : "&" + name);
        }

        @Override
        public void markup(String kind, String text) {
            endData();
            current().children.add(new Other(kind, text));
        }
    }
}

package dev.nemotron4j.eval.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokenizer of Python's {@code html.parser.HTMLParser} (CPython 3.11) with {@code convert_charrefs=False}, as
 * BeautifulSoup's {@code html.parser} builder drives it in RULER's essay script: the same tolerant patterns for tags
 * and attributes, {@code script}/{@code style} content as raw text, and the same recovery on odd input (a lone
 * {@code <} or {@code &} is text; an unterminated construct becomes text when the input ends; an unclosed script
 * swallows the rest). The document is fed once and then closed, as BeautifulSoup does, because the parser's recovery
 * differs between the two passes. Python's {@code \s} (Unicode white space) is spelt out so that the patterns match
 * what Python's match.
 */
final class PyHtmlParser {
    /** What the parser reports, in document order. */
    interface Handler {
        void startTag(String name, List<String[]> attrs, boolean selfClosing);

        void endTag(String name);

        void data(String text);

        void charref(String name);

        void entityref(String name);

        /** A comment, declaration, processing instruction or marked section: its kind and text. */
        void markup(String kind, String text);
    }

    /** Python's str.isspace() characters, for use inside a character class. */
    static final String WS = "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final String S = "[" + WS + "]";

    private static final Pattern INTERESTING = Pattern.compile("[&<]");
    private static final Pattern INCOMPLETE = Pattern.compile("&[a-zA-Z#]");
    private static final Pattern ENTITYREF = Pattern.compile("&([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9]");
    private static final Pattern CHARREF = Pattern.compile("&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]");
    private static final Pattern STARTTAGOPEN = Pattern.compile("<[a-zA-Z]");
    private static final Pattern COMMENTCLOSE = Pattern.compile("--" + S + "*>");
    private static final Pattern TAGFIND = Pattern.compile("([a-zA-Z][^\\t\\n\\r\\f />\\x00]*)(?:" + S + "|/(?!>))*");
    private static final String ATTRVALUE = "(\\'[^\\']*\\'|\"[^\"]*\"|(?![\\'\"])[^>" + WS + "]*)";
    private static final Pattern ATTRFIND = Pattern.compile("((?<=[\\'\"" + WS + "/])[^" + WS + "/>][^" + WS + "/=>]*)(" + S + "*=+" + S + "*"
            + ATTRVALUE + ")?(?:" + S + "|/(?!>))*");
    private static final Pattern LOCATESTARTTAGEND = Pattern.compile("<[a-zA-Z][^\\t\\n\\r\\f />\\x00]*(?:[" + WS + "/]*(?:(?<=['\"" + WS + "/])[^"
            + WS + "/>][^" + WS + "/=>]*(?:" + S + "*=+" + S + "*(?:'[^']*'|\"[^\"]*\"|(?!['\"])[^>" + WS + "]*)" + S + "*)?(?:" + S + "|/(?!>))*)*)?"
            + S + "*");
    private static final Pattern ENDTAGFIND = Pattern.compile("</" + S + "*([a-zA-Z][-.a-zA-Z0-9:_]*)" + S + "*>");
    private static final Pattern DECLNAME = Pattern.compile("[a-zA-Z][-_.a-zA-Z0-9]*" + S + "*");
    private static final Pattern MARKEDSECTIONCLOSE = Pattern.compile("]" + S + "*]" + S + "*>");
    private static final Pattern MSMARKEDSECTIONCLOSE = Pattern.compile("]" + S + "*>");

    private final Handler handler;
    private String rawdata = "";
    private Pattern interesting = INTERESTING;
    private String cdataElem;

    private PyHtmlParser(Handler handler) {
        this.handler = handler;
    }

    /**
     * Parses a whole document (feed, then close).
     *
     * @throws IllegalArgumentException where Python's parser raises (an unknown marked section such as
     *                                  {@code <![foo[}); BeautifulSoup turns that into {@code ParserRejectedMarkup}
     */
    static void parse(String document, Handler handler) {
        PyHtmlParser p = new PyHtmlParser(handler);
        p.rawdata = document;
        p.goahead(false);
        p.goahead(true);
    }

    private static Matcher at(Pattern p, String s, int i) {
        Matcher m = p.matcher(s);
        m.region(i, s.length());
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        return m;
    }

    private static boolean match(Matcher m) {
        return m.lookingAt();
    }

    private void goahead(boolean end) {
        String raw = rawdata;
        int i = 0, n = raw.length();
        while (i < n) {
            int j;
            Matcher search = interesting.matcher(raw);
            if (search.find(i)) {
                j = search.start();
            } else {
                if (cdataElem != null) break;
                j = n;
            }
            if (i < j) handler.data(raw.substring(i, j));
            i = j;
            if (i == n) break;
            if (raw.startsWith("<", i)) {
                int k;
                if (match(at(STARTTAGOPEN, raw, i))) k = parseStarttag(i);
                else if (raw.startsWith("</", i)) k = parseEndtag(i);
                else if (raw.startsWith("<!--", i)) k = parseComment(i);
                else if (raw.startsWith("<?", i)) k = parsePi(i);
                else if (raw.startsWith("<!", i)) k = parseHtmlDeclaration(i);
                else if (i + 1 < n) {
                    handler.data("<");
                    k = i + 1;
                } else break;
                if (k < 0) {
                    if (!end) break;
                    k = raw.indexOf('>', i + 1);
                    if (k < 0) {
                        k = raw.indexOf('<', i + 1);
                        if (k < 0) k = i + 1;
                    } else {
                        k += 1;
                    }
                    handler.data(raw.substring(i, k));
                }
                i = k;
            } else if (raw.startsWith("&#", i)) {
                Matcher m = at(CHARREF, raw, i);
                if (match(m)) {
                    handler.charref(raw.substring(i + 2, m.end() - 1));
                    int k = m.end();
                    if (raw.charAt(k - 1) != ';') k--;
                    i = k;
                    continue;
                }
                if (raw.indexOf(';', i) >= 0) {   // bail by consuming "&#"
                    handler.data(raw.substring(i, i + 2));
                    i += 2;
                }
                break;
            } else if (raw.startsWith("&", i)) {
                Matcher m = at(ENTITYREF, raw, i);
                if (match(m)) {
                    handler.entityref(m.group(1));
                    int k = m.end();
                    if (raw.charAt(k - 1) != ';') k--;
                    i = k;
                    continue;
                }
                Matcher inc = at(INCOMPLETE, raw, i);
                if (match(inc)) {
                    if (end && inc.end() == n) i = i + 1;
                    break;
                } else if (i + 1 < n) {
                    handler.data("&");
                    i += 1;
                } else break;
            } else {
                throw new IllegalStateException("html parser: interesting.search() lied");
            }
        }
        if (end && i < n && cdataElem == null) {
            handler.data(raw.substring(i, n));
            i = n;
        }
        rawdata = raw.substring(i);
    }

    private int parseHtmlDeclaration(int i) {
        String raw = rawdata;
        if (raw.startsWith("<!--", i)) return parseComment(i);
        if (raw.startsWith("<![", i)) return parseMarkedSection(i);
        if (raw.regionMatches(true, i, "<!doctype", 0, 9)) {
            int gt = raw.indexOf('>', i + 9);
            if (gt == -1) return -1;
            handler.markup("decl", raw.substring(i + 2, gt));
            return gt + 1;
        }
        return parseBogusComment(i);
    }

    private int parseBogusComment(int i) {
        int pos = rawdata.indexOf('>', i + 2);
        if (pos == -1) return -1;
        handler.markup("comment", rawdata.substring(i + 2, pos));
        return pos + 1;
    }

    private int parsePi(int i) {
        int j = rawdata.indexOf('>', i + 2);
        if (j < 0) return -1;
        handler.markup("pi", rawdata.substring(i + 2, j));
        return j + 1;
    }

    private int parseComment(int i) {
        Matcher m = COMMENTCLOSE.matcher(rawdata);
        if (!m.find(i + 4)) return -1;
        handler.markup("comment", rawdata.substring(i + 4, m.start()));
        return m.end();
    }

    private int parseMarkedSection(int i) {
        String raw = rawdata;
        int n = raw.length();
        if (i + 3 == n) return -1;
        Matcher name = at(DECLNAME, raw, i + 3);
        if (!match(name)) throw new IllegalArgumentException("html parser: expected name token at " + snippet(i));
        if (name.end() == n) return -1;
        String sect = name.group().strip().toLowerCase(Locale.ROOT);
        Matcher close;
        if (List.of("temp", "cdata", "ignore", "include", "rcdata").contains(sect)) close = MARKEDSECTIONCLOSE.matcher(raw);
        else if (List.of("if", "else", "endif").contains(sect)) close = MSMARKEDSECTIONCLOSE.matcher(raw);
        else throw new IllegalArgumentException("html parser: unknown status keyword in marked section " + snippet(i));
        if (!close.find(i + 3)) return -1;
        handler.markup("section", raw.substring(i + 3, close.start()));
        return close.end();
    }

    private String snippet(int i) {
        return "'" + rawdata.substring(i, Math.min(rawdata.length(), i + 20)) + "'";
    }

    private int parseStarttag(int i) {
        int endpos = checkForWholeStartTag(i);
        if (endpos < 0) return endpos;
        String raw = rawdata;
        List<String[]> attrs = new ArrayList<>();
        Matcher tm = at(TAGFIND, raw, i + 1);
        if (!match(tm)) throw new IllegalStateException("unexpected call to parse_starttag()");
        int k = tm.end();
        String tag = tm.group(1).toLowerCase(Locale.ROOT);
        while (k < endpos) {
            Matcher m = at(ATTRFIND, raw, k);
            if (!match(m)) break;
            String name = m.group(1), rest = m.group(2), value = m.group(3);
            if (rest == null || rest.isEmpty()) {
                value = null;
            } else if (value.length() >= 1 && (value.charAt(0) == '\'' || value.charAt(0) == '"') && value.charAt(value.length() - 1) == value.charAt(0)) {
                // Python's attrvalue[:1] == "'" == attrvalue[-1:]: a lone quote counts as both ends
                value = value.length() >= 2 ? value.substring(1, value.length() - 1) : "";
            }
            if (value != null && !value.isEmpty()) value = PyHtmlUnescape.unescape(value);
            attrs.add(new String[] {name.toLowerCase(Locale.ROOT), value});
            k = m.end();
        }
        String endText = PyStrings.strip(raw.substring(k, endpos));
        if (!endText.equals(">") && !endText.equals("/>")) {
            handler.data(raw.substring(i, endpos));
            return endpos;
        }
        if (endText.endsWith("/>")) {
            handler.startTag(tag, attrs, true);
        } else {
            handler.startTag(tag, attrs, false);
            if (tag.equals("script") || tag.equals("style")) {
                cdataElem = tag;
                interesting = Pattern.compile("</" + S + "*" + tag + S + "*>", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            }
        }
        return endpos;
    }

    private int checkForWholeStartTag(int i) {
        String raw = rawdata;
        Matcher m = at(LOCATESTARTTAGEND, raw, i);
        if (!match(m)) throw new IllegalStateException("we should not get here!");
        int j = m.end();
        if (j >= raw.length()) return -1;
        char next = raw.charAt(j);
        if (next == '>') return j + 1;
        if (next == '/') {
            if (raw.startsWith("/>", j)) return j + 2;
            return -1;   // "/" at the end of the input, or before something else: Python returns -1 for both
        }
        if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '=' || next == '/') return -1;
        return j > i ? j : i + 1;
    }

    private int parseEndtag(int i) {
        String raw = rawdata;
        int gtIdx = raw.indexOf('>', i + 1);
        if (gtIdx < 0) return -1;
        int gtpos = gtIdx + 1;
        Matcher m = at(ENDTAGFIND, raw, i);
        if (!match(m)) {
            if (cdataElem != null) {
                handler.data(raw.substring(i, gtpos));
                return gtpos;
            }
            Matcher nm = at(TAGFIND, raw, i + 2);
            if (!match(nm)) {
                if (raw.startsWith("</>", i)) return i + 3;
                return parseBogusComment(i);
            }
            String name = nm.group(1).toLowerCase(Locale.ROOT);
            int gt = raw.indexOf('>', nm.end());
            handler.endTag(name);
            return gt + 1;
        }
        String elem = m.group(1).toLowerCase(Locale.ROOT);
        if (cdataElem != null && !elem.equals(cdataElem)) {
            handler.data(raw.substring(i, gtpos));
            return gtpos;
        }
        handler.endTag(elem);
        cdataElem = null;
        interesting = INTERESTING;
        return gtpos;
    }
}

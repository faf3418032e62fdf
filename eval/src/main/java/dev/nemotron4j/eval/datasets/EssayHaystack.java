package dev.nemotron4j.eval.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RULER's essay haystack as its {@code download_paulgraham_essay.py} builds it, on the user's machine: every URL of the
 * list ({@code PaulGrahamEssays_URLs.txt}) is fetched; a {@code .html} page contributes the text of its first
 * {@code <font>} element, any other URL its text as it is; the texts are joined in RULER's order (the plain-text files
 * by file name, then the pages by file name) into {@code {"text": ...}} ({@code PaulGrahamEssays.json}). The essays are
 * Paul Graham's and are never bundled: each fetch records every URL and hash. A URL that cannot be fetched is left out
 * and named in the provenance ({@code missing}), as RULER's script skips it.
 *
 * <p>RULER turns a page into Markdown with {@code html2text}; here a page becomes plain text (tags dropped, {@code <br>}
 * a line break, paragraphs a blank line, entities decoded, links as their text, no Markdown escapes). The haystack is
 * read as words, so only those escapes and link targets differ.
 */
final class EssayHaystack {
    private EssayHaystack() {}

    /** The haystack text, the essays fetched and the URLs that could not be. */
    record Collected(String text, List<DatasetFetcher.Download> essays, List<String> missing) {}

    private static final Pattern FONT = Pattern.compile("<(/?)font\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROPPED = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern PARAGRAPH = Pattern.compile("(?i)</?p\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);");

    /** @param fetch downloads one URL (a failure is an exception; the file is read and then deleted here) */
    static Collected collect(Path urlList, Function<String, DatasetFetcher.Download> fetch) {
        record Essay(String name, boolean page, String text) {}
        List<Essay> essays = new ArrayList<>();
        List<DatasetFetcher.Download> fetched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String line : read(urlList).split("\n")) {
            String url = line.strip();
            if (url.isEmpty()) continue;
            DatasetFetcher.Download d;
            try {
                d = fetch.apply(url);
            } catch (IllegalArgumentException | UncheckedIOException unreachable) {
                missing.add(url);
                continue;
            }
            try {
                String name = url.substring(url.lastIndexOf('/') + 1);
                boolean page = url.contains(".html");
                String content = read(d.file());
                essays.add(page ? new Essay(name.replace(".html", ".txt"), true, pageText(content)) : new Essay(name, false, content));
                fetched.add(d);
            } finally {
                try {
                    Files.deleteIfExists(d.file());
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
        if (essays.isEmpty()) throw new IllegalArgumentException(urlList + ": none of the essays could be fetched (" + missing.size() + " URLs)");
        essays.sort(Comparator.comparing(Essay::page).thenComparing(Essay::name));
        StringBuilder text = new StringBuilder();
        for (Essay e : essays) text.append(e.text());
        return new Collected(text.toString(), fetched, missing);
    }

    /** The text of a page's first {@code <font>} element (nested ones included), or of the whole page when it has none. */
    static String pageText(String page) {
        String html = DROPPED.matcher(page).replaceAll("");   // a <font> in a script or comment is no element
        Matcher m = FONT.matcher(html);
        int start = -1, depth = 0, end = html.length();
        while (m.find()) {
            boolean closing = !m.group(1).isEmpty();
            if (start < 0) {
                if (closing) continue;
                start = m.end();
                depth = 1;
            } else if (closing && --depth == 0) {
                end = m.start();
                break;
            } else if (!closing) {
                depth++;
            }
        }
        return toText(start < 0 ? html : html.substring(start, end));
    }

    static String toText(String html) {
        String s = DROPPED.matcher(html).replaceAll("");
        s = s.replaceAll("\\s+", " ");   // HTML white space: line breaks in the source are spaces
        s = BREAK.matcher(s).replaceAll("\n");
        s = PARAGRAPH.matcher(s).replaceAll("\n\n");
        s = TAG.matcher(s).replaceAll("");
        s = decode(s);
        s = s.replaceAll("[ \\t\\x{00A0}]*\n[ \\t\\x{00A0}]*", "\n").replaceAll("\n{3,}", "\n\n");
        return s.strip() + "\n\n";
    }

    private static String decode(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e.toLowerCase(Locale.ROOT)) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                case "nbsp" -> " ";
                case "mdash" -> "\u2014";
                case "ndash" -> "\u2013";
                case "hellip" -> "\u2026";
                default -> {
                    if (!e.startsWith("#") || e.length() > 8) yield m.group();   // unknown name, or too long for a code point
                    int cp = e.startsWith("#x") || e.startsWith("#X") ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
                    yield Character.isValidCodePoint(cp) ? Character.toString(cp) : m.group();
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(r));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

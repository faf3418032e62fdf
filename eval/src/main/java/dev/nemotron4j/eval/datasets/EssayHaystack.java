package dev.nemotron4j.eval.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * RULER's essay haystack as its {@code download_paulgraham_essay.py} (NVIDIA/RULER at the manifest's pinned commit)
 * builds it, on the user's machine: every URL of the list ({@code PaulGrahamEssays_URLs.txt}) is fetched; a URL
 * containing {@code .html} is a page turned into Markdown, any other URL a text file (UTF-8) taken as it is; the texts
 * are joined in RULER's order (the text files by file name, then the pages by file name with {@code .html} made
 * {@code .txt}; of two URLs with one file name the later wins, and a name not ending in {@code .txt} is left out, as
 * RULER's {@code glob('*.txt')} does) into {@code {"text": ...}} ({@code PaulGrahamEssays.json}). The essays are Paul
 * Graham's and are never bundled: each fetch records every URL and hash. A URL that cannot be fetched, or whose page
 * RULER's script would fail on, is left out and named in the provenance ({@code missing}), as RULER's script skips it.
 *
 * <p>A page becomes exactly the text RULER's script writes for it (checked byte for byte against the Python script's
 * steps with html2text 2020.1.16, BeautifulSoup 4.11.2 and CPython 3.11, on hand-made pages shaped like
 * paulgraham.com's): the bytes are decoded as Python's {@code "unicode_escape"} ({@link PyUnicodeEscape}: Latin-1 with
 * backslash escapes, so UTF-8 pages become mojibake as in RULER's file), parsed as BeautifulSoup's {@code html.parser}
 * builds a tree ({@link SoupTree}), and the first {@code <font>} element is converted as {@code html2text} does with
 * RULER's settings ({@link Html2Markdown}: Markdown links, {@code _italics_}, {@code **bold**}, {@code <br>} as two
 * spaces and a line break, paragraphs wrapped at 78 columns, images and tables dropped). A page without a
 * {@code <font>} contributes {@code "None\n\n"}, html2text's output for Python's {@code str(None)}. Line endings are
 * then made {@code \n}, as Python's text-mode read of the written file does (for the text files too). RULER does not
 * pin html2text; its 2025.4.15 release differs in a few spacing and indentation details (docs/EVALUATION.md).
 */
final class EssayHaystack {
    private EssayHaystack() {}

    /** The haystack text, the essays fetched and the URLs left out (a page RULER's script fails on: "URL (reason)"). */
    record Collected(String text, List<DatasetFetcher.Download> essays, List<String> missing) {}

    /** @param fetch downloads one URL (a failure is an exception; the file is read and then deleted here) */
    static Collected collect(Path urlList, Function<String, DatasetFetcher.Download> fetch) {
        TreeMap<String, String> texts = new TreeMap<>(), pages = new TreeMap<>();
        List<DatasetFetcher.Download> fetched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String line : new String(read(urlList), StandardCharsets.UTF_8).split("\n")) {
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
                byte[] content = read(d.file());
                String text;
                try {
                    text = page ? pageText(content) : universalNewlines(utf8(content));
                } catch (IllegalArgumentException failed) {   // RULER's script prints "Fail download" and goes on
                    missing.add(url + " (" + failed.getMessage() + ")");
                    continue;
                }
                (page ? pages : texts).put(page ? name.replace(".html", ".txt") : name, text);
                fetched.add(d);
            } finally {
                try {
                    Files.deleteIfExists(d.file());
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
        StringBuilder text = new StringBuilder();
        int joined = 0;
        for (TreeMap<String, String> files : List.of(texts, pages)) {
            for (var e : files.entrySet()) {
                if (!e.getKey().endsWith(".txt") || e.getKey().startsWith(".")) continue;   // glob('*.txt')
                text.append(e.getValue());
                joined++;
            }
        }
        if (joined == 0) throw new IllegalArgumentException(urlList + ": none of the essays could be fetched (" + missing.size() + " URLs)");
        return new Collected(text.toString(), fetched, missing);
    }

    /**
     * The text RULER's script writes for one page: its first {@code <font>} element as html2text's Markdown.
     *
     * @throws IllegalArgumentException where the script fails on the page (a malformed backslash escape, markup
     *                                  Python's HTML parser rejects)
     */
    static String pageText(byte[] page) {
        SoupTree.Element root = SoupTree.parse(PyUnicodeEscape.decode(page));
        return universalNewlines(Html2Markdown.convert(SoupTree.find(root, "font")));
    }

    private static String universalNewlines(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8: " + e.getMessage());
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

package dev.nemotron4j.eval.datasets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RULER's page conversion, byte for byte: each hand-made page under {@code essays/} has the text that RULER's script
 * steps (unicode_escape, BeautifulSoup html.parser, first {@code <font>}, html2text with RULER's settings, text-mode
 * write and read) produce for it, written by {@code essays/ruler_oracle.py} with Debian's python3-html2text
 * 2020.1.16 and python3-bs4 4.11.2 (see {@code essays/VERSIONS}); pages the script fails on have a {@code .error} file.
 */
class EssayPageOracleTest {
    private static final List<String> CONVERTED = List.of("layout", "markdown", "blocks", "entities", "malformed", "unclosed", "bytes", "nofont", "script");
    private static final List<String> FAILING = List.of("bad-escape", "trailing-backslash");

    @ParameterizedTest
    @ValueSource(strings = {"layout", "markdown", "blocks", "entities", "malformed", "unclosed", "bytes", "nofont", "script"})
    void aPageBecomesExactlyWhatRulersScriptWrites(String page) throws IOException {
        String expected = new String(resource(page + ".expected.md"), StandardCharsets.UTF_8);
        assertThat(EssayHaystack.pageText(resource(page + ".html"))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-escape", "trailing-backslash"})
    void aPageRulersScriptFailsOnIsAnErrorNamingTheCause(String page) throws IOException {
        assertThat(new String(resource(page + ".error"), StandardCharsets.UTF_8)).startsWith("LookupError");   // what Python raised
        assertThatThrownBy(() -> EssayHaystack.pageText(resource(page + ".html"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unicode_escape");
    }

    @Test
    void everyFixturePageIsCovered() throws IOException {
        String listing = new String(resource("VERSIONS"), StandardCharsets.UTF_8);
        assertThat(listing).contains("html2text 2020.1.16").contains("beautifulsoup4 4.11.2");
        for (String page : CONVERTED) assertThat(EssayPageOracleTest.class.getResource("essays/" + page + ".error")).as(page).isNull();
        for (String page : FAILING) assertThat(EssayPageOracleTest.class.getResource("essays/" + page + ".expected.md")).as(page).isNull();
    }

    @Test
    void textwrapBreaksAtHyphensAndKeepsLongWordsWhole() {
        assertThat(PyTextWrap.wrap("aaa bbb-ccc dd", 9, "")).containsExactly("aaa bbb-", "ccc dd");
        assertThat(PyTextWrap.wrap("x averyveryverylongword y", 5, "  ")).containsExactly("x", "  averyveryverylongword", "  y");
        assertThat(PyTextWrap.wrap("one--two three", 6, "")).containsExactly("one--", "two", "three");
    }

    @Test
    void unicodeEscapeIsLatin1WithPythonEscapes() {
        byte[] bytes = "caf\u00c3\u00a9 \\x41\\101\\u00e9\\N{EM DASH}\\q\\\nx".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(PyUnicodeEscape.decode(bytes)).isEqualTo("caf\u00c3\u00a9 AA\u00e9\u2014\\qx");
        assertThatThrownBy(() -> PyUnicodeEscape.decode("\\N{NO SUCH NAME}".getBytes(StandardCharsets.ISO_8859_1)))
                .hasMessageContaining("NO SUCH NAME");
    }

    @Test
    void theHaystackJoinsTheFilesAsRulersGlobAndSortDo(@TempDir Path dir) throws IOException {
        Map<String, byte[]> served = new HashMap<>();
        served.put("http://h/b.txt", "second\r\ntext\r".getBytes(StandardCharsets.UTF_8));
        served.put("http://h/a.txt", "first text\n".getBytes(StandardCharsets.UTF_8));
        served.put("http://h/old/a.txt", "replaced\n".getBytes(StandardCharsets.UTF_8));
        served.put("http://h/bad.txt", new byte[] {'x', (byte) 0xFF});
        served.put("http://p/z.html", "<font>zeta</font>".getBytes(StandardCharsets.ISO_8859_1));
        served.put("http://p/y.html", "<p>no font</p>".getBytes(StandardCharsets.ISO_8859_1));
        served.put("http://p/q.html?v=1", "<font>not a .txt name</font>".getBytes(StandardCharsets.ISO_8859_1));
        served.put("http://p/e.html", "<font>\\x4G</font>".getBytes(StandardCharsets.ISO_8859_1));
        Path list = dir.resolve("urls.txt");
        Files.writeString(list, String.join("\n", "http://h/b.txt", "http://h/old/a.txt", "http://h/a.txt", "http://h/bad.txt", "http://p/z.html",
                "http://p/y.html", "http://p/q.html?v=1", "http://p/e.html", "http://p/gone.html") + "\n");
        EssayHaystack.Collected c = EssayHaystack.collect(list, url -> {
            if (!served.containsKey(url)) throw new IllegalArgumentException("404 " + url);
            try {
                Path f = Files.write(dir.resolve("dl" + served.size() + url.hashCode()), served.get(url));
                return new DatasetFetcher.Download(url, f, "sha");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // text files by name (of two a.txt the later), then pages by name; CR LF and CR read as LF; q.txt?v=1 is no *.txt
        assertThat(c.text()).isEqualTo("first text\nsecond\ntext\n" + "None\n\n" + "zeta\n\n");
        assertThat(c.missing()).hasSize(3);
        assertThat(c.missing().get(0)).startsWith("http://h/bad.txt (not UTF-8");
        assertThat(c.missing().get(1)).startsWith("http://p/e.html (unicode_escape: truncated \\x escape");
        assertThat(c.missing().get(2)).isEqualTo("http://p/gone.html");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EssayPageOracleTest.class.getResourceAsStream("essays/" + name)) {
            if (in == null) throw new IOException("missing test resource essays/" + name);
            return in.readAllBytes();
        }
    }
}

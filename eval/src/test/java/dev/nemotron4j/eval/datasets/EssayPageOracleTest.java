package dev.nemotron4j.eval.datasets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EssayPageOracleTest.class.getResourceAsStream("essays/" + name)) {
            if (in == null) throw new IOException("missing test resource essays/" + name);
            return in.readAllBytes();
        }
    }
}

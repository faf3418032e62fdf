package dev.nemotron4j.eval.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML5 character references as Python reads them: {@code html.unescape} (attribute values in {@code html.parser})
 * and the named-reference table ({@code html.entities.html5}, bundled as {@code html5-entities.tsv}), which
 * BeautifulSoup also uses for the entity references in text.
 */
final class PyHtmlUnescape {
    private PyHtmlUnescape() {}

    /** Every name of the table, with and without its ';', to its characters. */
    static final Map<String, String> HTML5 = load();

    private static final Pattern CHARREF = Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    /** Windows-1252 for the bytes 0x80-0x9F (-1 where it has no character), as html5 and BeautifulSoup map them. */
    static final int[] CP1252 = {0x20AC, -1, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, -1, 0x017D, -1,
            -1, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, -1, 0x017E, 0x0178};

    private static Map<String, String> load() {
        Map<String, String> m = new HashMap<>();
        try (InputStream in = PyHtmlUnescape.class.getResourceAsStream("html5-entities.tsv")) {
            if (in == null) throw new IllegalStateException("html5-entities.tsv is missing from the classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                int tab = line.indexOf('\t');
                StringBuilder chars = new StringBuilder();
                for (String hex : line.substring(tab + 1).split(" ")) chars.appendCodePoint(Integer.parseInt(hex, 16));
                m.put(line.substring(0, tab), chars.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }

    /** Python's {@code html.unescape}. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = CHARREF.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replace(String s) {
        if (s.charAt(0) == '#') {
            boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
            String digits = s.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) digits = digits.substring(0, digits.length() - 1);
            java.math.BigInteger big = new java.math.BigInteger(digits, hex ? 16 : 10);
            if (big.compareTo(java.math.BigInteger.valueOf(0x10FFFF)) > 0) return "\uFFFD";
            int num = big.intValue();
            if (num == 0) return "\uFFFD";
            if (num == 0x0D) return "\r";
            if (num >= 0x80 && num <= 0x9F) return CP1252[num - 0x80] < 0 ? String.valueOf((char) num) : Character.toString(CP1252[num - 0x80]);
            if (num >= 0xD800 && num <= 0xDFFF) return "\uFFFD";
            if ((num >= 1 && num <= 8) || num == 0x0B || (num >= 0x0E && num <= 0x1F) || num == 0x7F || (num >= 0xFDD0 && num <= 0xFDEF)
                    || (num & 0xFFFE) == 0xFFFE) return "";
            return Character.toString(num);
        }
        String hit = HTML5.get(s);
        if (hit != null) return hit;
        for (int x = s.length() - 1; x > 1; x--) {
            String prefix = HTML5.get(s.substring(0, x));
            if (prefix != null) return prefix + s.substring(x);
        }
        return "&" + s;
    }
}

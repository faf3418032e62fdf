package dev.nemotron4j.eval.translation;

import java.util.regex.Pattern;

/**
 * sacreBLEU's default BLEU tokenizer {@code 13a} (equivalent to mteval-v13a, used by WMT): drops {@code <skipped>},
 * joins {@code -\n} hyphenations, turns newlines into spaces, unescapes four HTML entities, then splits off ASCII
 * punctuation and symbols except apostrophes, hyphens, periods and commas; periods and commas only when not between
 * digits; a hyphen after a digit. The result is the tokens joined by single spaces.
 */
public final class Tokenizer13a {
    private Tokenizer13a() {}

    // [{-~] [[-`] [ -&] [(-+] [:-@] and '/', each padded with spaces
    private static final Pattern SYMBOL = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern HYPHEN_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    public static String tokenize(String line) {
        String s = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (s.contains("&")) s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = HYPHEN_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", TextSegments.words(s));
    }
}

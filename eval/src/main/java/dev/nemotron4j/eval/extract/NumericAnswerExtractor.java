package dev.nemotron4j.eval.extract;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Final numeric answer of a math response. Looks for explicit answer markers — {@code \boxed{...}},
 * GSM8K's {@code #### 42}, "answer is 42" / "Answer: 42" — and takes the one written <em>last</em>
 * (models often revise: "the answer is 20... wait, \boxed{18}"). Only when there is no marker at all
 * does it fall back to the last number in the text. Values are normalised by {@link NumericValue}.
 */
public record NumericAnswerExtractor() implements AnswerExtractor {

    static final String NUMBER = "-?\\$?\\s?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?:\\s*/\\s*\\d+(?:\\.\\d+)?)?|-?\\.\\d+";
    private static final Pattern NUMBER_TOKEN = Pattern.compile("(?<![\\w.])(?:" + NUMBER + ")");
    private static final Pattern HASHES = Pattern.compile("####\\s*([^\\n]*)");
    private static final Pattern ANSWER_IS = Pattern.compile(
            "(?i)\\banswer\\s*(?:is|:|=|was)\\s*[:=]?[\\s*_$(\\[]*(?:\\\\\\(|\\\\\\[)?\\s*(" + NUMBER + "|\\\\[dt]?frac\\{[^}]*}\\{[^}]*})");
    private static final Pattern BOXED = Pattern.compile("\\\\(?:boxed|fbox)\\s*\\{");

    @Override
    public String name() { return "numeric"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        String text = answer.answerText().replace('\u2212', '-');   // typographic minus
        Candidate best = null;
        for (Candidate c : new Candidate[] {lastBoxed(text), lastMatch(HASHES, text, "hashes"), lastMatch(ANSWER_IS, text, "answer_is")}) {
            if (c != null && (best == null || c.position > best.position)) best = c;
        }
        if (best != null) {
            Optional<String> number = normalise(best.text);
            if (number.isPresent()) return new Extraction(number.get(), best.method);
            String raw = best.text.strip();
            if (!raw.isEmpty()) return new Extraction(raw, best.method + "_text");
        }
        Matcher m = NUMBER_TOKEN.matcher(text);
        String last = null;
        while (m.find()) last = m.group();
        if (last != null) {
            Optional<String> number = NumericValue.parse(last).map(NumericValue::canonical);
            if (number.isPresent()) return new Extraction(number.get(), "last_number");
        }
        return Extraction.none();
    }

    /** The whole candidate as a number, or else the last number inside it ("x = 5" gives 5). */
    private static Optional<String> normalise(String candidate) {
        Optional<NumericValue> whole = NumericValue.parse(candidate);
        if (whole.isPresent()) return whole.map(NumericValue::canonical);
        Matcher m = NUMBER_TOKEN.matcher(candidate);
        String last = null;
        while (m.find()) last = m.group();
        return last == null ? Optional.empty() : NumericValue.parse(last).map(NumericValue::canonical);
    }

    private record Candidate(String text, int position, String method) {}

    private static Candidate lastMatch(Pattern pattern, String text, String method) {
        Matcher m = pattern.matcher(text);
        Candidate last = null;
        while (m.find()) last = new Candidate(m.group(1), m.start(), method);
        return last;
    }

    /** Content of the last {@code \boxed{...}}, braces balanced (so {@code \boxed{\frac{1}{2}}} works). */
    static Candidate lastBoxed(String text) {
        Matcher m = BOXED.matcher(text);
        Candidate last = null;
        while (m.find()) {
            int depth = 1, i = m.end();
            while (i < text.length() && depth > 0) {
                char c = text.charAt(i);
                if (c == '{') depth++;
                else if (c == '}') depth--;
                i++;
            }
            if (depth == 0) last = new Candidate(text.substring(m.end(), i - 1), m.start(), "boxed");
        }
        return last;
    }

    /** Shared by other extractors: the boxed content, if any. */
    static Optional<String> boxedContent(String text) {
        Candidate c = lastBoxed(text);
        return c == null ? Optional.empty() : Optional.of(c.text);
    }
}

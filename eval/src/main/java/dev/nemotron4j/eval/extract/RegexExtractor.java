package dev.nemotron4j.eval.extract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** User-defined: the last match of a regular expression (its first group that matched, else the whole match). */
public record RegexExtractor(String pattern) implements AnswerExtractor {

    @Override
    public String name() { return "regex"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        Matcher m = Pattern.compile(pattern).matcher(answer.answerText());
        String last = null;
        while (m.find()) {
            last = m.group();
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    last = m.group(g);
                    break;
                }
            }
        }
        return last == null ? Extraction.none() : new Extraction(last.strip(), "regex");
    }
}

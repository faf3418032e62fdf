package dev.nemotron4j.eval.extract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** User-defined: the last match of a regular expression (group 1 if present, else the whole match). */
public record RegexExtractor(String pattern) implements AnswerExtractor {

    @Override
    public String name() { return "regex"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        Matcher m = Pattern.compile(pattern).matcher(answer.answerText());
        String last = null;
        while (m.find()) last = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
        return last == null ? Extraction.none() : new Extraction(last.strip(), "regex");
    }
}

package dev.nemotron4j.eval.extract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Multiple-choice letter. Recognises "Answer: X", "The answer is (X)", "**Answer:** **X**",
 * {@code \boxed{X}} / {@code \boxed{\text{X}}}; the match written last wins. Failing those, a reply that
 * is only a letter ("B", "(B)", "**B.**") or whose last line is. Letters outside the item's options are ignored.
 */
public record ChoiceLetterExtractor() implements AnswerExtractor {

    private static final String DECOR = "[\\s*_(\\[{:]*";
    private static final Pattern ANSWER_LETTER = Pattern.compile(
            "(?i:answer)(?:\\s*(?i:is))?\\s*[*_]*\\s*[:：]?" + DECOR + "(?:\\\\(?:boxed|text|textbf|mathrm)\\{" + DECOR + ")*([A-Z])(?![A-Za-z])");
    private static final Pattern BOXED_LETTER = Pattern.compile(
            "\\\\boxed\\{" + DECOR + "(?:\\\\(?:text|textbf|mathrm)\\{" + DECOR + ")?([A-Z])(?![A-Za-z])");
    private static final Pattern LONE_LETTER = Pattern.compile("^[\\s*_(\\[{]*(?:Option\\s+)?([A-Z])[\\s*_)\\]}.:]*$");

    @Override
    public String name() { return "choice_letter"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        String text = answer.answerText();
        char maxLetter = (char) ('A' + (choiceCount > 0 ? Math.min(choiceCount, 26) : 10) - 1);
        int bestPos = -1;
        String best = null, method = null;
        for (Pattern p : new Pattern[] {ANSWER_LETTER, BOXED_LETTER}) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                char letter = m.group(1).charAt(0);
                if (letter <= maxLetter && m.start() > bestPos) {
                    bestPos = m.start();
                    best = m.group(1);
                    method = p == ANSWER_LETTER ? "answer_letter" : "boxed_letter";
                }
            }
        }
        if (best != null) return new Extraction(best, method);
        String trimmed = text.strip();
        String lastLine = trimmed.contains("\n") ? trimmed.substring(trimmed.lastIndexOf('\n') + 1) : trimmed;
        for (String candidate : new String[] {trimmed, lastLine}) {
            Matcher m = LONE_LETTER.matcher(candidate);
            if (m.matches() && m.group(1).charAt(0) <= maxLetter) return new Extraction(m.group(1), "lone_letter");
        }
        return Extraction.none();
    }
}

package dev.nemotron4j.eval.extract;

/** The whole answer text, trimmed (for exact-match and contains-style scoring). */
public record FullTextExtractor() implements AnswerExtractor {

    @Override
    public String name() { return "full_text"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        String text = answer.answerText().strip();
        return text.isEmpty() ? Extraction.none() : new Extraction(text, "full_text");
    }
}

package dev.nemotron4j.eval.extract;

/**
 * The answer text exactly as the model wrote it (thinking already separated), for checks that read the response's
 * form: IFEval's instructions count leading blank lines, trailing spaces and markdown. Not found when it is blank.
 */
public record ResponseTextExtractor() implements AnswerExtractor {

    @Override
    public String name() { return "response"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        String text = answer.answerText();
        return text.isBlank() ? Extraction.none() : new Extraction(text, "response");
    }
}

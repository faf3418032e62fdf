package dev.nemotron4j.eval.ruler;

/**
 * RULER's prompt templates, needle sentence and noise haystack, reproduced as data from NVIDIA/RULER
 * ({@code scripts/data/synthetic/constants.py}, {@code niah.py}, {@code variable_tracking.py}, {@code qa.py};
 * Apache License 2.0, commit c3f5e3b). Placeholders are {@code {name}} as in the source.
 */
final class RulerTemplates {
    private RulerTemplates() {}

    static final String NIAH = "Some special magic {type_needle_v} are hidden within the following text. Make sure to memorize it. "
            + "I will quiz you about the {type_needle_v} afterwards.\n{context}\nWhat are all the special magic {type_needle_v} "
            + "for {query} mentioned in the provided text?";
    static final String NIAH_PREFIX = " The special magic {type_needle_v} for {query} mentioned in the provided text are";

    static final String NEEDLE = "One of the special magic {type_needle_v} for {key} is: {value}.";
    static final String NOISE = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";

    static final String VT = "Memorize and track the chain(s) of variable assignment hidden in the following text.\n\n{context}\n"
            + "Question: Find all variables that are assigned the value {query} in the text above.";
    static final String VT_PREFIX = " Answer: According to the chain(s) of variable assignment in the text above, {num_v} variables "
            + "are assigned the value {query}, they are: ";

    static final String CWE = "Below is a numbered list of words. In these words, some appear more often than others. Memorize the ones "
            + "that appear most often.\n{context}\nQuestion: What are the 10 most common words in the above list?";
    static final String CWE_PREFIX = " Answer: The top 10 words that appear most often in the list are:";

    static final String FWE = "Read the following coded text and track the frequency of each coded word. Find the three most frequently "
            + "appeared coded words. {context}\nQuestion: Do not provide any explanation. Please ignore the dots '....'. What are the "
            + "three most frequently appeared words in the above coded text?";
    static final String FWE_PREFIX = " Answer: According to the coded text above, the three most frequently appeared words are:";

    static final String QA = "Answer the question based on the given documents. Only give me the answer and do not output any other "
            + "words.\n\nThe following are given documents.\n\n{context}\n\nAnswer the question based on the given documents. Only give "
            + "me the answer and do not output any other words.\n\nQuestion: {query}";
    static final String QA_PREFIX = " Answer:";
    static final String QA_DOCUMENT = "Document {i}:\n{document}";

    /** Replaces each {@code {name}} by its value (pairs of name, value). */
    static String format(String template, String... namesAndValues) {
        String out = template;
        for (int i = 0; i < namesAndValues.length; i += 2) out = out.replace("{" + namesAndValues[i] + "}", namesAndValues[i + 1]);
        return out;
    }

    /**
     * RULER's singular rewrite of the NIAH template when one value is asked for: "Some" → "A", "are all" / "are" →
     * "is", "answers" → "answer" (applied to the template before the context goes in, as RULER does).
     */
    static String singular(String template) {
        return template.replace("Some", "A").replace("are all", "is").replace("are", "is").replace("answers", "answer");
    }
}

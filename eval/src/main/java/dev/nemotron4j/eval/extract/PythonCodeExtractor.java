package dev.nemotron4j.eval.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The program in a fenced code block of the answer: the last block tagged {@code python} (also {@code py},
 * {@code python3}), or, when none is tagged, the last untagged block, as LiveCodeBench reads answers; with
 * {@code first} the first such block, as SciCode does. A block the answer never closes (the model ran out of tokens)
 * does not count. With {@code stripImports}, top-level {@code import}/{@code from … import} lines are removed, as
 * SciCode does before it prepends the problem's own dependencies.
 *
 * @param first        take the first block instead of the last
 * @param stripImports remove import lines
 */
public record PythonCodeExtractor(boolean first, boolean stripImports) implements AnswerExtractor {

    private static final Pattern IMPORT_LINE = Pattern.compile("(?m)^[ \\t]*(import [^\\n]*|from [^\\n]*\\bimport\\b[^\\n]*)\\n?");

    @Override
    public String name() { return "python_code"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        List<String> tagged = new ArrayList<>(), untagged = new ArrayList<>();
        String[] lines = answer.answerText().split("\n", -1);
        String language = null;
        StringBuilder block = null;
        for (String line : lines) {
            String trimmed = line.strip();
            if (block == null) {
                if (trimmed.startsWith("```")) {
                    language = trimmed.substring(3).strip().toLowerCase(Locale.ROOT);
                    block = new StringBuilder();
                }
            } else if (trimmed.equals("```")) {
                if (language.isEmpty()) untagged.add(block.toString());
                else if (isPython(language)) tagged.add(block.toString());   // other languages' blocks are not the answer
                block = null;
            } else {
                block.append(line).append('\n');
            }
        }
        List<String> blocks = tagged.isEmpty() ? untagged : tagged;
        if (blocks.isEmpty()) return Extraction.none();
        String code = first ? blocks.getFirst() : blocks.getLast();
        if (stripImports) code = IMPORT_LINE.matcher(code).replaceAll("");
        return code.isBlank() ? Extraction.none() : new Extraction(code, tagged.isEmpty() ? "code_block" : "python_block");
    }

    private static boolean isPython(String language) {
        return language.equals("python") || language.equals("py") || language.equals("python3");
    }
}

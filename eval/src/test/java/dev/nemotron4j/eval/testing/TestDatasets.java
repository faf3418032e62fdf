package dev.nemotron4j.eval.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Datasets the tests make themselves, in the published formats (GSM8K jsonl, multiple choice, BFCL-like tools). */
public final class TestDatasets {
    private TestDatasets() {}

    /** GSM8K format: {"question": ..., "answer": "... #### N"}; answers of 1000+ written with a comma. */
    public static Path gsm8k(Path dir, int n) {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int a = random.nextInt(1, 900), b = random.nextInt(1, 900);
            if (i % 7 == 3) a += 1000;
            int sum = a + b;
            String shown = sum >= 1000 ? String.format("%,d", sum) : String.valueOf(sum);
            sb.append("{\"question\": \"What is ").append(a).append(" + ").append(b)
                    .append("?\", \"answer\": \"").append(a).append(" + ").append(b).append(" = <<").append(a).append('+')
                    .append(b).append('=').append(sum).append(">>").append(sum).append("\\n#### ").append(shown).append("\"}\n");
        }
        return write(dir.resolve("gsm8k.jsonl"), sb.toString());
    }

    /** Multiple choice: question, four numeric options, answer letter. */
    public static Path multipleChoice(Path dir, int n) {
        SplittableRandom random = new SplittableRandom(11);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int a = random.nextInt(1, 90), b = random.nextInt(1, 90), correct = random.nextInt(4);
            StringBuilder choices = new StringBuilder();
            for (int c = 0; c < 4; c++) choices.append(c > 0 ? ", " : "").append('"').append(a + b + c - correct).append('"');
            sb.append("{\"id\": \"mc-").append(i).append("\", \"question\": \"What is ").append(a).append(" + ").append(b)
                    .append("?\", \"choices\": [").append(choices).append("], \"answer\": \"").append((char) ('A' + correct)).append("\"}\n");
        }
        return write(dir.resolve("mc.jsonl"), sb.toString());
    }

    /** BFCL-simple-like tool calling rows with possible-answer lists. */
    public static Path toolCalls(Path dir) {
        String tool = "{\"name\": \"get_weather\", \"description\": \"Current weather\", \"parameters\": {\"type\": \"object\", "
                + "\"properties\": {\"city\": {\"type\": \"string\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}}, \"required\": [\"city\"]}}";
        StringBuilder sb = new StringBuilder();
        String[][] rows = {{"Paris", "celsius"}, {"Tokyo", "fahrenheit"}, {"Lima", "celsius"}, {"Oslo", "celsius"}, {"Cairo", "fahrenheit"}, {"Quito", "celsius"}};
        for (int i = 0; i < rows.length; i++) {
            sb.append("{\"id\": \"simple_").append(i).append("\", \"question\": \"What is the weather in ").append(rows[i][0])
                    .append(" in ").append(rows[i][1]).append("?\", \"tools\": [").append(tool)
                    .append("], \"ground_truth\": {\"get_weather\": {\"city\": [\"").append(rows[i][0]).append("\"], \"unit\": [\"")
                    .append(rows[i][1]).append("\", \"\"]}}}\n");
        }
        return write(dir.resolve("tools.jsonl"), sb.toString());
    }

    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

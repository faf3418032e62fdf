package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * MMLU's rows from the authors' {@code data.tar}: one headerless CSV per subject and split,
 * {@code data/SPLIT/SUBJECT_SPLIT.csv}, each record {@code question, A, B, C, D, answer letter}. The rows are
 * {@code {id: "SUBJECT/N", subject, question, choices: [A, B, C, D], answer}}, what the {@code multiple_choice} task
 * reads, subjects in name order and each subject's questions in file order (the dev split's first five per subject are
 * the 5-shot examples of the original evaluation).
 */
final class MmluArchive {
    /** The splits of data.tar that are one file per subject ({@code auxiliary_train} is not). */
    static final Set<String> SPLITS = Set.of("test", "dev", "val");

    private MmluArchive() {}

    /**
     * @param tar   the downloaded archive
     * @param split {@code test}, {@code dev} or {@code val}
     * @param where the archive's URL, for errors
     */
    static List<ObjectNode> rows(Path tar, String split, String where) {
        if (split == null || !SPLITS.contains(split)) {
            throw new IllegalArgumentException("converter mmlu: params.split must be one of test, dev, val (got " + split + ")");
        }
        String dir = "data/" + split + "/";
        String suffix = "_" + split + ".csv";
        List<TarArchive.Member> files;
        try {
            // "._NAME" files are macOS resource forks some archivers add beside each file: not data
            files = new ArrayList<>(TarArchive.read(tar, name -> {
                String path = relative(name);
                return path.startsWith(dir) && path.endsWith(suffix) && path.indexOf('/', dir.length()) < 0 && !path.startsWith(dir + "._");
            }, where));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the download of " + where, e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException(where + ": the archive has no " + dir + "*" + suffix + " files (not MMLU's data.tar?)");
        files.sort(Comparator.comparing(m -> relative(m.name())));
        List<ObjectNode> out = new ArrayList<>();
        for (TarArchive.Member f : files) {
            String path = relative(f.name());
            String subject = path.substring(dir.length(), path.length() - suffix.length());
            String text = new String(f.bytes(), StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) text = text.substring(1);
            List<List<String>> records;
            try {
                records = Csv.records(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " " + f.name() + ": " + e.getMessage(), e);
            }
            int n = 0;
            for (int r = 0; r < records.size(); r++) {
                List<String> values = records.get(r);
                if (values.size() == 1 && values.getFirst().isEmpty()) continue;   // blank line
                if (values.size() != 6) {
                    throw new IllegalArgumentException(where + " " + f.name() + " record " + (r + 1) + " has " + values.size()
                            + " fields, MMLU's have 6 (question, A, B, C, D, answer)");
                }
                String answer = values.get(5).strip();
                if (!answer.matches("[ABCD]")) {
                    throw new IllegalArgumentException(where + " " + f.name() + " record " + (r + 1) + " has answer '" + answer + "', not A, B, C or D");
                }
                ObjectNode row = JsonNodeFactory.instance.objectNode();
                row.put("id", subject + "/" + n);
                row.put("subject", subject);
                row.put("question", values.getFirst());
                ArrayNode choices = row.putArray("choices");
                for (int i = 1; i <= 4; i++) choices.add(values.get(i));
                row.put("answer", answer);
                out.add(row);
                n++;
            }
        }
        return out;
    }

    /** A member's path without the "./" some tar invocations put first. */
    private static String relative(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }
}

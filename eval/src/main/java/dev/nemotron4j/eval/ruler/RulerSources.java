package dev.nemotron4j.eval.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The texts RULER's non-synthetic parts read: the essay haystack and the two QA datasets. None is bundled. The essay
 * haystack is RULER's Paul Graham essays when {@code essayFile} is given (RULER's {@code PaulGrahamEssays.json},
 * {@code {"text": ...}}, or any plain text file), else the harness's own seeded prose ({@link FillerText}); QA needs
 * SQuAD v2.0 dev ({@code squadFile}) and HotpotQA dev, distractor setting ({@code hotpotqaFile}), as RULER's
 * {@code download_qa_dataset.sh} fetches them.
 *
 * @param essayFile    the essay haystack, or null for generated prose
 * @param squadFile    {@code dev-v2.0.json}, or null
 * @param hotpotqaFile {@code hotpot_dev_distractor_v1.json}, or null
 */
public record RulerSources(Path essayFile, Path squadFile, Path hotpotqaFile) {
    static final String SQUAD_URL = "https://rajpurkar.github.io/SQuAD-explorer/dataset/dev-v2.0.json";
    static final String HOTPOTQA_URL = "http://curtis.ml.cmu.edu/datasets/hotpot/hotpot_dev_distractor_v1.json";

    public static RulerSources none() { return new RulerSources(null, null, null); }

    /** A question, its acceptable answers, the documents that hold the answer and (SQuAD) the same article's others. */
    record Question(String query, List<String> answers, List<Integer> documents, List<Integer> sameArticle) {}

    /** A QA dataset in RULER's reading: distinct documents sorted, questions in file order. */
    record QaData(List<Question> questions, List<String> documents, String sha256) {}

    /** Words of the essay haystack, in order (read once). */
    static List<String> essayWords(Path file) {
        String text = read(file, "RULER essay haystack (params.essay_file)");
        if (file.toString().endsWith(".json")) {
            JsonNode node = CanonicalJson.parse(text);
            if (!node.path("text").isTextual()) throw new IllegalArgumentException(file + ": an essay .json file needs a \"text\" field");
            text = node.get("text").asText();
        }
        List<String> words = List.of(text.strip().split("\\s+"));
        if (words.size() < 100) throw new IllegalArgumentException(file + ": the essay haystack has only " + words.size() + " words");
        return words;
    }

    /** Generated prose of at least {@code words} words, a function of {@code seed} only (a prefix of every longer one). */
    static void extendProse(List<String> out, SplittableRandom random, int words) {
        while (out.size() < words) out.addAll(List.of(FillerText.sentence(random).split(" ")));
    }

    static QaData squad(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("RULER qa_1 needs SQuAD v2.0 dev: download " + SQUAD_URL
                    + " and set the task's params.squad_file to it (it is not bundled)");
        }
        String text = read(file, "SQuAD (params.squad_file)");
        JsonNode root = CanonicalJson.parse(text);
        if (!root.path("data").isArray()) throw new IllegalArgumentException(file + ": not SQuAD JSON (no \"data\" list)");
        TreeSet<String> distinct = new TreeSet<>();
        for (JsonNode article : root.get("data")) for (JsonNode p : article.path("paragraphs")) distinct.add(p.path("context").asText());
        List<String> docs = new ArrayList<>(distinct);
        Map<String, Integer> index = indexOf(docs);
        List<Question> questions = new ArrayList<>();
        for (JsonNode article : root.get("data")) {
            List<Integer> articleDocs = new ArrayList<>();
            for (JsonNode p : article.path("paragraphs")) articleDocs.add(index.get(p.path("context").asText()));
            for (JsonNode p : article.path("paragraphs")) {
                int doc = index.get(p.path("context").asText());
                List<Integer> more = articleDocs.stream().filter(d -> d != doc).toList();
                for (JsonNode qa : p.path("qas")) {
                    if (qa.path("is_impossible").asBoolean(false)) continue;
                    List<String> answers = new ArrayList<>();
                    qa.path("answers").forEach(a -> answers.add(a.path("text").asText()));
                    questions.add(new Question(qa.path("question").asText(), answers, List.of(doc), more));
                }
            }
        }
        if (questions.isEmpty()) throw new IllegalArgumentException(file + ": no answerable SQuAD questions");
        return new QaData(questions, docs, Sha256.hex(text));
    }

    static QaData hotpotqa(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("RULER qa_2 needs HotpotQA dev (distractor setting): download " + HOTPOTQA_URL
                    + " and set the task's params.hotpotqa_file to it (it is not bundled)");
        }
        String text = read(file, "HotpotQA (params.hotpotqa_file)");
        JsonNode root = CanonicalJson.parse(text);
        if (!root.isArray()) throw new IllegalArgumentException(file + ": not HotpotQA JSON (a list of questions)");
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (JsonNode q : root) for (JsonNode c : q.path("context")) all.add(document(c));
        List<String> docs = new ArrayList<>(new TreeSet<>(all));
        Map<String, Integer> index = indexOf(docs);
        List<Question> questions = new ArrayList<>();
        for (JsonNode q : root) {
            List<Integer> own = new ArrayList<>();
            for (JsonNode c : q.path("context")) own.add(index.get(document(c)));
            questions.add(new Question(q.path("question").asText(), List.of(q.path("answer").asText()), own, List.of()));
        }
        if (questions.isEmpty()) throw new IllegalArgumentException(file + ": no HotpotQA questions");
        return new QaData(questions, docs, Sha256.hex(text));
    }

    /** A HotpotQA context entry {@code [title, [sentences]]} as RULER writes it: the title, a newline, the sentences joined. */
    private static String document(JsonNode entry) {
        StringBuilder sb = new StringBuilder(entry.path(0).asText()).append('\n');
        entry.path(1).forEach(s -> sb.append(s.asText()));
        return sb.toString();
    }

    private static Map<String, Integer> indexOf(List<String> docs) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < docs.size(); i++) index.put(docs.get(i), i);
        return index;
    }

    private static String read(Path file, String what) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(what + ": no such file " + file);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file, e);
        }
    }
}

package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.nemotron4j.cli.EvalRunFiles.concat;
import static dev.nemotron4j.cli.EvalRunFiles.results;
import static dev.nemotron4j.cli.EvalRunFiles.samples;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same greedy evaluation in-process and against {@code nemotron4j serve}: every sample gets the same response,
 * extracted answer and score (the run fingerprints differ only by the target).
 */
class EvalAgainstServerTest {

    @TempDir
    Path tmp;

    @Test
    void greedyScoresMatchBetweenInProcessAndServedModel() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"question\": \"Compute " + i + " times 3.\", \"answer\": \"It is " + (3 * i) + ".\\n#### " + (3 * i) + "\"}");
        }
        Path data = tmp.resolve("q.jsonl");
        Files.write(data, lines);
        Path model = TestData.tiny("tiny-c");
        String[] common = {"--task", "gsm8k", "--dataset", data.toString(), "--limit", "5", "--max-tokens", "20", "--seed", "1"};

        CliContractTest.Run local = CliContractTest.run("", concat(new String[] {"eval", "run", "--model", model.toString(),
                "--out", tmp.resolve("local").toString()}, common));
        assertThat(local.exit()).as(local.err() + local.out()).isZero();

        try (ServedModel served = ServedModel.start(model, "tiny-c")) {
            CliContractTest.Run remote = CliContractTest.run("", concat(new String[] {"eval", "run", "--endpoint",
                    served.v1(), "--served-model", "tiny-c", "--out", tmp.resolve("remote").toString()}, common));
            assertThat(remote.exit()).as(remote.err() + remote.out()).isZero();
        }
        List<JsonNode> a = samples(tmp.resolve("local")), b = samples(tmp.resolve("remote"));
        assertThat(a).hasSize(5).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            for (String field : List.of("answer_text", "extracted", "score")) {
                assertThat(b.get(i).get(field)).as("sample %d %s", i, field).isEqualTo(a.get(i).get(field));
            }
            JsonNode ra = a.get(i).at("/responses/0"), rb = b.get(i).at("/responses/0");
            assertThat(rb.get("reasoning_content")).as("sample %d reasoning", i).isEqualTo(ra.get("reasoning_content"));
            assertThat(rb.get("content")).as("sample %d content", i).isEqualTo(ra.get("content"));
            assertThat(rb.at("/usage/completion_tokens")).isEqualTo(ra.at("/usage/completion_tokens"));
        }
        JsonNode ra = results(tmp.resolve("local"));
        JsonNode rb = results(tmp.resolve("remote"));
        assertThat(rb.at("/tasks/gsm8k/mean").asDouble()).isEqualTo(ra.at("/tasks/gsm8k/mean").asDouble());
    }

    /**
     * Multiple choice by log-likelihood: every option's log-likelihood through {@code serve}'s completions endpoint
     * (echo + logprobs) equals the in-process scorer's (the {@code <s>} before the prompt is not the continuation's).
     */
    @Test
    void logLikelihoodsThroughServeEqualTheInProcessOnes() throws Exception {
        List<String> lines = new ArrayList<>();
        String[][] rows = {{"The sky on a clear day is", "blue", "green", "red"}, {"Two plus two is", "three", "four", "five"},
                {"Water freezes at zero degrees", "Celsius", "Kelvin", "Fahrenheit"}};
        for (int i = 0; i < rows.length; i++) {
            lines.add("{\"id\": \"q" + i + "\", \"question\": \"" + rows[i][0] + "\", \"choices\": [\"" + rows[i][1] + "\", \""
                    + rows[i][2] + "\", \"" + rows[i][3] + "\"], \"answer\": \"A\"}");
        }
        Path data = tmp.resolve("mc.jsonl");
        Files.write(data, lines);
        Path model = TestData.tiny("tiny-c");
        String[] common = {"--task", "multiple_choice", "--dataset", data.toString(), "-o", "tasks.multiple_choice.scoring=loglikelihood",
                "-o", "tasks.multiple_choice.id_field=id"};
        CliContractTest.Run local = CliContractTest.run("", concat(new String[] {"eval", "run", "--model", model.toString(),
                "--out", tmp.resolve("ll-local").toString()}, common));
        assertThat(local.exit()).as(local.err() + local.out()).isZero();
        try (ServedModel served = ServedModel.start(model, "tiny-c")) {
            CliContractTest.Run remote = CliContractTest.run("", concat(new String[] {"eval", "run", "--endpoint",
                    served.v1(), "--served-model", "tiny-c", "--endpoint-type", "completions",
                    "--out", tmp.resolve("ll-remote").toString()}, common));
            assertThat(remote.exit()).as(remote.err() + remote.out()).isZero();
        }
        List<JsonNode> a = samples(tmp.resolve("ll-local")), b = samples(tmp.resolve("ll-remote"));
        assertThat(a).hasSize(3).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).path("responses").size()).isEqualTo(3);
            for (int option = 0; option < 3; option++) {
                double inProcess = a.get(i).path("responses").path(option).path("continuation_logprob").asDouble();
                double served = b.get(i).path("responses").path(option).path("continuation_logprob").asDouble();
                assertThat(inProcess).isNegative();
                assertThat(served).as("item %d option %d", i, option).isCloseTo(inProcess, org.assertj.core.api.Assertions.within(1e-3));
            }
            assertThat(b.get(i).get("extracted")).isEqualTo(a.get(i).get("extracted"));
        }
    }

    /**
     * RULER sized against {@code serve} counts the prompt as the server renders and tokenizes it (its chat template
     * through {@code /tokenize} with messages), exactly as the in-process target counts it: the same prompts, the same
     * achieved lengths, each the templated prompt's token count and within the length.
     */
    @Test
    void rulerPromptsThroughServeHaveTheInProcessLengthsChatTemplateIncluded() throws Exception {
        Path model = TestData.tiny("tiny-c");
        String[] common = {"--task", "ruler", "-o", "tasks.ruler.params={lengths: [1024], variants: [niah_single_1, niah_multikey_2], samples_per_length: 2}",
                "--max-tokens", "4", "--seed", "1"};
        CliContractTest.Run local = CliContractTest.run("", concat(new String[] {"eval", "run", "--model", model.toString(),
                "--out", tmp.resolve("r-local").toString()}, common));
        assertThat(local.exit()).as(local.err() + local.out()).isZero();
        List<JsonNode> a;
        try (var bundle = dev.nemotron4j.runtime.ModelBundle.open(model);
             var service = new dev.nemotron4j.runtime.TextService(bundle, dev.nemotron4j.runtime.TextService.defaultOptions(bundle));
             var server = dev.nemotron4j.server.OpenAiServer.start(service, dev.nemotron4j.server.ServerConfig.local(0, "tiny-c"))) {
            CliContractTest.Run remote = CliContractTest.run("", concat(new String[] {"eval", "run", "--endpoint",
                    "http://127.0.0.1:" + server.port() + "/v1", "--served-model", "tiny-c", "--out", tmp.resolve("r-remote").toString()}, common));
            assertThat(remote.exit()).as(remote.err() + remote.out()).isZero();
            a = samples(tmp.resolve("r-local"));
            for (JsonNode sample : a) {
                String user = sample.at("/prompt/0/content").asText();
                int templated = service.tokenizeChat(new dev.nemotron4j.chat.ChatRequest(
                        List.of(dev.nemotron4j.chat.ChatMessage.user(user)), List.of(), dev.nemotron4j.chat.ChatRequestOptions.DEFAULTS)).length;
                int reserved = 128;   // RULER's tokens_to_generate for NIAH
                assertThat(templated + reserved).as(sample.path("task").asText()).isLessThanOrEqualTo(1024);
                assertThat(templated).isGreaterThan(service.tokenize(user, false).length);   // the template's tokens count too
            }
        }
        List<JsonNode> b = samples(tmp.resolve("r-remote"));
        assertThat(b).hasSameSizeAs(a).hasSize(4);
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i).get("prompt")).isEqualTo(a.get(i).get("prompt"));
        JsonNode la = new ObjectMapper().readTree(tmp.resolve("r-local/lock.json").toFile()).path("inputs");
        JsonNode lb = new ObjectMapper().readTree(tmp.resolve("r-remote/lock.json").toFile()).path("inputs");
        assertThat(la.path("token_counter").asText()).startsWith("model-chat-template:");
        assertThat(lb.path("token_counter").asText()).startsWith("endpoint-tokenize-chat:");
        for (String task : List.of("ruler/niah_single_1@1024", "ruler/niah_multikey_2@1024")) {
            assertThat(lb.at("/tasks/" + task.replace("/", "~1") + "/context_tokens")).as(task)
                    .isEqualTo(la.at("/tasks/" + task.replace("/", "~1") + "/context_tokens"));
            assertThat(la.at("/tasks/" + task.replace("/", "~1") + "/context_tokens/max").asInt()).as(task).isPositive();
        }
    }
}

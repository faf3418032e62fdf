package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.Sampling;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code demo --engine-tour}: what the engine does with any model, trained or not: exactness against the float64
 * reference (for a fixture with golden logits), the chat prompt the template renders, streaming generation with
 * reasoning on and off, and the aggregate speed of continuous batching.
 */
final class EngineTour {
    private final ModelBundle bundle;
    private final TextService service;
    private final PrintStream out;
    private final boolean ansi;

    EngineTour(ModelBundle bundle, TextService service, PrintStream out, boolean ansi) {
        this.bundle = bundle;
        this.service = service;
        this.out = out;
        this.ansi = ansi;
    }

    void run(Path dir) throws Exception {
        if (dir != null) exactness(dir);

        ChatRequest request = new ChatRequest(List.of(ChatMessage.system("You are a helpful assistant."),
                ChatMessage.user("What is the capital of France?")), List.of(), ChatRequestOptions.DEFAULTS);
        String prompt = bundle.renderPrompt(request);
        TextJob job = service.chatJob(request, GenerationSettings.of(Sampling.GREEDY, 32));
        out.println("-- chat prompt rendered with the model's template (" + job.promptIds().length + " tokens):");
        out.println(prompt.replace("\n", "⏎\n"));

        out.println("-- greedy generation, reasoning on (dimmed):");
        TextResult on = stream(job);
        out.printf(Locale.ROOT, "   %d tokens, %d of them reasoning, %.0f tokens/s%n%n", on.completionTokens(), on.reasoningTokens(),
                on.decodeTokensPerSecond());

        out.println("-- the same question, reasoning off:");
        TextResult off = stream(service.chatJob(new ChatRequest(request.messages(), List.of(),
                ChatRequestOptions.DEFAULTS.withEnableThinking(false)), GenerationSettings.of(Sampling.GREEDY, 32)));
        out.printf(Locale.ROOT, "   %d tokens, %d reasoning%n%n", off.completionTokens(), off.reasoningTokens());

        out.println("-- continuous batching: 8 conversations at once, each weight read once per step");
        long t0 = System.nanoTime();
        List<ConsoleRenderer> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ConsoleRenderer r = new ConsoleRenderer(new PrintStream(java.io.OutputStream.nullOutputStream()), false, false);
            runs.add(r);
            service.submit(service.chatJob(new ChatRequest(List.of(ChatMessage.user("Question number " + i)), List.of(),
                    ChatRequestOptions.DEFAULTS), GenerationSettings.of(Sampling.GREEDY.withSeed(i), 48)), r);
        }
        int tokens = 0;
        for (ConsoleRenderer r : runs) tokens += r.result().get().completionTokens();
        double secs = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "   %d tokens in %.2f s = %.0f tokens/s aggregate%n", tokens, secs, tokens / secs);
    }

    private TextResult stream(TextJob job) throws Exception {
        ConsoleRenderer r = new ConsoleRenderer(out, ansi, true);
        service.submit(job, r);
        return r.result().get();
    }

    /** Recomputes one golden sequence and reports the largest logit difference to the float64 reference. */
    private void exactness(Path dir) throws Exception {
        Path goldenJson = dir.resolve("golden.json"), goldenData = dir.resolve("golden.safetensors");
        if (!Files.isRegularFile(goldenJson) || !Files.isRegularFile(goldenData)) return;
        JsonNode g = new ObjectMapper().readTree(goldenJson.toFile());
        for (JsonNode seq : g.get("sequences")) {
            if (!seq.get("name").asText().equals("len64")) continue;
            int[] tokens = new int[seq.get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = seq.get("tokens").get(i).asInt();
            // the engine itself, outside the runtime's scheduler: a second small load of a fixture-sized model
            float[] ours;
            int vocab;
            try (NemotronHModel model = ModelSource.of(dir).load()) {
                ours = model.forwardAll(model.newState(), tokens, null);
                vocab = model.vocabSize();
            }
            try (Arena arena = Arena.ofConfined()) {
                float[] ref = SafetensorsFile.open(goldenData, arena).tensors().get(seq.get("logits").asText()).data()
                        .toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
                double worst = 0;
                for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - ours[i]));
                out.printf(Locale.ROOT, "-- exactness: %d positions x %d logits vs the float64 reference: max |diff| = %.2e (tolerance 5e-4)%n%n",
                        tokens.length, vocab, worst);
            }
        }
    }
}

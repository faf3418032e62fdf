package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.ParameterCounts;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import dev.nemotron4j.runtime.GenerationSettings;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j demo}: a two-minute tour on a bundled tiny model (random weights, real layout, real
 * tokenizer format and chat template): exactness against the float64 reference, chat rendering, streaming
 * generation with reasoning on and off, and continuous batching.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "A short demo on a bundled tiny model.")
final class DemoCommand implements Callable<Integer>, RunsModel {

    @Option(names = "--model", paramLabel = "PATH", description = ModelSource.DESCRIPTION + " Default: the bundled testdata/tiny/tiny-a.")
    Path model;

    @Override
    public Path modelPath() {
        return model != null ? model : bundledModel();
    }

    /** TextService's defaults: 8 conversations at once, each up to the model's context. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        return new MemoryPlan.Workload(8, Math.max(1, config.maxPositionEmbeddings()), 512, 8, KvCacheType.F32, true);
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ModelSource source = ModelSource.of(model != null ? model : bundledModel());
        Path dir = source.path();
        boolean ansi = System.console() != null && System.console().isTerminal();
        out.println("== nemotron4j demo: " + dir);
        try (ModelBundle bundle = ModelBundle.open(source);
             TextService service = new TextService(bundle, TextService.defaultOptions(bundle))) {
            var c = bundle.model().config();
            ParameterCounts p = ParameterCounts.of(c);
            out.printf(Locale.ROOT, "model: pattern %s (M = Mamba-2, E = MoE, * = attention), hidden %d, vocab %d%n",
                    c.pattern(), c.hiddenSize(), c.vocabSize());
            out.printf(Locale.ROOT, "parameters: %,d total, %,d active per token (random weights: the text below is noise)%n%n",
                    p.total(), p.activePerToken());

            if (source instanceof ModelSource.Directory) exactness(dir, bundle, out);

            ChatRequest request = new ChatRequest(List.of(ChatMessage.system("You are a helpful assistant."),
                    ChatMessage.user("What is the capital of France?")), List.of(), ChatRequestOptions.DEFAULTS);
            String prompt = bundle.renderPrompt(request);
            TextJob job = service.chatJob(request, GenerationSettings.of(SamplingParams.GREEDY, 32));
            out.println("-- chat prompt rendered with the model's template (" + job.promptIds().length + " tokens):");
            out.println(prompt.replace("\n", "⏎\n"));

            out.println("-- greedy generation, reasoning on (dimmed):");
            TextResult on = stream(service, job, out, ansi);
            out.printf(Locale.ROOT, "   %d tokens, %d of them reasoning, %.0f tokens/s%n%n", on.completionTokens(), on.reasoningTokens(),
                    on.stats().decodeTokensPerSecond());

            out.println("-- the same question, reasoning off:");
            TextResult off = stream(service, service.chatJob(new ChatRequest(request.messages(), List.of(),
                    ChatRequestOptions.DEFAULTS.withEnableThinking(false)), GenerationSettings.of(SamplingParams.GREEDY, 32)), out, ansi);
            out.printf(Locale.ROOT, "   %d tokens, %d reasoning%n%n", off.completionTokens(), off.reasoningTokens());

            out.println("-- continuous batching: 8 conversations at once, each weight read once per step");
            long t0 = System.nanoTime();
            List<ConsoleRenderer> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ConsoleRenderer r = new ConsoleRenderer(new PrintStream(java.io.OutputStream.nullOutputStream()), false, false);
                runs.add(r);
                service.submit(service.chatJob(new ChatRequest(List.of(ChatMessage.user("Question number " + i)), List.of(),
                        ChatRequestOptions.DEFAULTS), GenerationSettings.of(SamplingParams.GREEDY.withSeed(i), 48)), r);
            }
            int tokens = 0;
            for (ConsoleRenderer r : runs) tokens += r.result().get().completionTokens();
            double secs = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "   %d tokens in %.2f s = %.0f tokens/s aggregate%n", tokens, secs, tokens / secs);
        }
        out.println("\nNext: ./nemotron4j chat --model " + dir + "   |   ./nemotron4j inspect --model " + dir);
        return 0;
    }

    private static TextResult stream(TextService service, TextJob job, PrintStream out, boolean ansi) throws Exception {
        ConsoleRenderer r = new ConsoleRenderer(out, ansi, true);
        service.submit(job, r);
        return r.result().get();
    }

    /** Recomputes one golden sequence and reports the largest logit difference to the float64 reference. */
    private static void exactness(Path dir, ModelBundle bundle, PrintStream out) throws Exception {
        Path goldenJson = dir.resolve("golden.json"), goldenData = dir.resolve("golden.safetensors");
        if (!Files.isRegularFile(goldenJson) || !Files.isRegularFile(goldenData)) return;
        JsonNode g = new ObjectMapper().readTree(goldenJson.toFile());
        for (JsonNode seq : g.get("sequences")) {
            if (!seq.get("name").asText().equals("len64")) continue;
            int[] tokens = new int[seq.get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = seq.get("tokens").get(i).asInt();
            float[] ours = bundle.model().forwardAll(bundle.model().newState(), tokens, null);
            try (Arena arena = Arena.ofConfined()) {
                float[] ref = SafetensorsFile.open(goldenData, arena).tensors().get(seq.get("logits").asText()).data()
                        .toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
                double worst = 0;
                for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - ours[i]));
                out.printf(Locale.ROOT, "-- exactness: %d positions x %d logits vs the float64 reference: max |diff| = %.2e (tolerance 5e-4)%n%n",
                        tokens.length, bundle.model().vocabSize(), worst);
            }
        }
    }

    private static Path bundledModel() {
        String home = System.getProperty("nemotron4j.home");
        Path base = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        Path p = base.resolve("testdata/tiny/tiny-a");
        if (!Files.isDirectory(p)) throw new IllegalStateException("bundled model not found at " + p + " (use --model PATH)");
        return p;
    }
}

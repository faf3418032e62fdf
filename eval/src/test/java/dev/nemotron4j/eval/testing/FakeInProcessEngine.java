package dev.nemotron4j.eval.testing;

import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.InProcessTargetFactory;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.target.TokenUsage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TEST DOUBLE for the engine's in-process target, registered through the real service-loader path
 * (test resources). Loads "models" whose file name ends in {@code .fake-model}: the file's bytes play the
 * weights (hashed into the identity) and its first line the chat template. Answers "What is A + B?" like
 * the fake server's calculator; a whitespace tokenizer serves as its token counter.
 */
public final class FakeInProcessEngine implements Target {
    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
    private final String modelHash;
    private final String templateHash;

    private FakeInProcessEngine(Path model) throws Exception {
        modelHash = Sha256.ofFile(model);
        templateHash = Sha256.hex(Files.readAllLines(model).getFirst());
    }

    /** The provider the harness finds with {@link java.util.ServiceLoader}. */
    public static final class Factory implements InProcessTargetFactory {
        @Override
        public String name() { return "fake-in-process"; }

        @Override
        public boolean accepts(Path model) { return model.getFileName().toString().endsWith(".fake-model"); }

        @Override
        public Target open(Path model, Map<String, String> options) {
            try {
                return new FakeInProcessEngine(model);
            } catch (Exception e) {
                throw new IllegalStateException("cannot load " + model, e);
            }
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest request) {
        if (request.continuation() != null) {
            double lp = -(FakeOpenAiServer.hash(request.promptText() + request.continuation()) % 1000) / 100.0;
            return new GenerationResult("", "", "", List.of(), "length", TokenUsage.UNKNOWN, List.of(), lp, null, 0, null);
        }
        String text = request.promptText();
        Matcher m = SUM.matcher(text);
        String key = CanonicalJson.canonical(Map.of("prompt", text, "seed", request.temperature() > 0 ? request.seed() : 0));
        String answer = m.find() ? String.valueOf(FakeOpenAiServer.answer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), key)) : "?";
        String raw = "<think>Computing.</think>\\boxed{" + answer + "}";
        return new GenerationResult(raw, "", raw, List.of(), "stop", new TokenUsage(text.length() / 4, 6, 2), List.of(), null, null, 0, null);
    }

    @Override
    public TargetIdentity identity() {
        return new TargetIdentity("in-process", Map.of("engine", "fake-in-process", "model_sha256", modelHash,
                "tokenizer_sha256", Sha256.hex("whitespace"), "chat_template_sha256", templateHash));
    }

    @Override
    public boolean supportsLoglikelihood() { return true; }

    @Override
    public Optional<TokenCounter> tokenCounter() {
        return Optional.of(new TokenCounter() {
            @Override
            public int count(String text) {
                String t = text.strip();
                return t.isEmpty() ? 0 : t.split("\\s+").length;
            }

            @Override
            public String name() { return "fake-whitespace-tokenizer"; }
        });
    }
}

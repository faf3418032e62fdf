package dev.nemotron4j.cli;

import dev.nemotron4j.engine.generation.TokenGenerator;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.Sampler;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code nemotron4j generate}: continue a prompt given as token ids. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate tokens from a prompt with cached-state incremental decoding.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    static final class Prompt {
        @Option(names = "--prompt-ids", converter = TokenList.class, description = "Prompt token ids, e.g. 1,2,3.")
        TokenList.Ids ids;
    }

    @Option(names = "--max-tokens", defaultValue = "128", description = "Maximum tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--stop-ids", converter = TokenList.class, description = "Token ids that end generation (none unless given).")
    TokenList.Ids stopIds;

    @Option(names = "--output", defaultValue = "ids", description = "Output format: ids (space-separated on one line) or json.")
    String output;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() {
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be >= 0");
        if (!output.equals("ids") && !output.equals("json")) throw new IllegalArgumentException("--output must be ids or json, is " + output);
        try (NemotronHModel m = ModelFiles.load(model)) {
            Set<Integer> stops = new HashSet<>();
            if (stopIds != null) for (int s : stopIds.ids()) stops.add(s);
            Sampler sampler = new Sampler(sampling.params(), m.vocabSize());
            TokenGenerator.Result r = new TokenGenerator(m).generate(m.newState(), prompt.ids.ids(), maxTokens, sampler, stops, null);
            String ids = Arrays.stream(r.tokens()).mapToObj(Integer::toString).collect(Collectors.joining(" "));
            if (output.equals("ids")) {
                System.out.println(ids);
            } else {
                System.out.printf("{\"ids\":[%s],\"finish_reason\":\"%s\",\"prefill_ms\":%.3f,\"decode_tokens_per_s\":%.3f}%n",
                        ids.replace(' ', ','), r.reason() == TokenGenerator.StopReason.STOP_TOKEN ? "stop" : "length",
                        r.prefillNanos() / 1e6, r.decodeTokensPerSecond());
            }
        }
        return 0;
    }
}

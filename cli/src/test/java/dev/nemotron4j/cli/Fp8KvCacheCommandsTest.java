package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.state.SequenceState;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --kv-cache fp8} (issue #14 item 3) on every command that has {@code --kv-cache}: each accepts it, and
 * {@code generate} runs with it on a ModelOpt FP8 checkpoint, with its calibrated k/v scales (the commands share
 * {@link KvCacheOption}; a bench run is too slow for a unit test).
 */
class Fp8KvCacheCommandsTest {

    /** The commands with {@code --kv-cache}, and what else each needs to parse. */
    private static final Map<String, List<String>> COMMANDS = new TreeMap<>(Map.of(
            "bench", List.of(),
            "chat", List.of(),
            "generate", List.of("--prompt-ids", "1,2"),
            "serve", List.of()));

    @Test
    void everyCommandWithAKvCacheAcceptsFp8() {
        CommandLine main = Main.commandLine();
        List<String> withOption = main.getSubcommands().entrySet().stream()
                .filter(e -> e.getValue().getCommandSpec().findOption("--kv-cache") != null)
                .map(Map.Entry::getKey).sorted().collect(Collectors.toList());
        assertThat(withOption).as("commands with --kv-cache (add a new one to COMMANDS)").containsExactlyElementsOf(COMMANDS.keySet());
        String model = QuantizeCommandTest.modelopt("fp8-a").toString();
        for (var e : COMMANDS.entrySet()) {
            List<String> args = new ArrayList<>(List.of(e.getKey(), "--model", model, "--kv-cache", "fp8"));
            args.addAll(e.getValue());
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();
            assertThat(parsed.commandSpec().name()).isEqualTo(e.getKey());
            assertThat(parsed.matchedOptionValue("--kv-cache", KvCacheType.F32)).as(e.getKey()).isEqualTo(KvCacheType.FP8);
        }
    }

    @Test
    void generateDecodesWithTheFp8Cache() {
        Path model = QuantizeCommandTest.modelopt("fp8-a");
        int steps = 24;
        int[] prompt = null;
        int[] fp8 = null;
        try (NemotronHModel m = ModelSource.of(model).load()) {
            // a prompt whose greedy continuation the fp8 cache changes, so the command's ids show which cache it used
            for (int seed = 0; seed < 20 && prompt == null; seed++) {
                int[] p = new int[12];
                for (int i = 0; i < p.length; i++) p[i] = 32 + (seed * 131 + i * 37) % 400;
                int[] withFp8 = greedy(m, KvCacheType.FP8, p, steps), withF32 = greedy(m, KvCacheType.F32, p, steps);
                if (!Arrays.equals(withFp8, withF32)) {
                    prompt = p;
                    fp8 = withFp8;
                }
            }
        }
        assertThat(prompt).as("a prompt the fp8 cache decodes differently").isNotNull();
        String ids = Arrays.stream(prompt).mapToObj(String::valueOf).collect(Collectors.joining(","));
        var r = CliContractTest.run("", "generate", "--model", model.toString(), "--prompt-ids", ids, "--max-tokens", String.valueOf(steps),
                "--temperature", "0", "--output", "ids", "--kv-cache", "fp8");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(Arrays.stream(fp8).mapToObj(String::valueOf).collect(Collectors.joining(" ")));
    }

    private static int[] greedy(NemotronHModel m, KvCacheType type, int[] prompt, int steps) {
        m.setKvCacheType(type);
        int vocab = m.vocabSize();
        SequenceState state = m.newState();
        float[] logits = m.forwardLast(state, prompt);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            int best = 0;
            for (int v = 1; v < vocab; v++) if (logits[v] > logits[best]) best = v;
            out[i] = best;
            if (i + 1 < steps) logits = m.forwardLast(state, new int[] {best});
        }
        return out;
    }
}

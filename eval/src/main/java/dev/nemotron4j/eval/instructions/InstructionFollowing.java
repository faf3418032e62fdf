package dev.nemotron4j.eval.instructions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Judges a response against a prompt's instruction list the way IFEval's {@code evaluation_lib} does:
 * <ul>
 *   <li><b>strict</b>: each instruction's check on the response as given (an all-whitespace response follows nothing);</li>
 *   <li><b>loose</b>: an instruction counts as followed when its check passes on any of eight variants: the response, it
 *       without its first line, without its last line, without both, and each of these four with every {@code *}
 *       removed.</li>
 * </ul>
 * Prompt-level accuracy asks for every instruction of a prompt, instruction-level counts instructions.
 */
public final class InstructionFollowing {
    private final Map<String, Function<InstructionArgs, InstructionCheck>> registry;
    private final String benchmark;

    public InstructionFollowing(String benchmark, Map<String, Function<InstructionArgs, InstructionCheck>> registry) {
        this.benchmark = benchmark;
        this.registry = registry;
    }

    /** IFEval's 25 instructions. */
    public static InstructionFollowing ifeval() {
        return new InstructionFollowing("ifeval", IfevalInstructions.REGISTRY);
    }

    /**
     * IFBench's registry: its 58 out-of-distribution instructions plus the 25 classic IFEval ones it carries
     * ({@code classic_instructions}, the same checks as IFEval's).
     */
    public static InstructionFollowing ifbench() {
        return new InstructionFollowing("ifbench", IFBENCH_WITH_CLASSIC);
    }

    private static final Map<String, Function<InstructionArgs, InstructionCheck>> IFBENCH_WITH_CLASSIC = withClassic();

    private static Map<String, Function<InstructionArgs, InstructionCheck>> withClassic() {
        Map<String, Function<InstructionArgs, InstructionCheck>> all = new java.util.HashMap<>(IfevalInstructions.REGISTRY);
        all.putAll(IfbenchInstructions.REGISTRY);
        return Map.copyOf(all);
    }

    public static InstructionFollowing named(String benchmark) {
        return switch (benchmark) {
            case "ifeval" -> ifeval();
            case "ifbench" -> ifbench();
            default -> throw new IllegalArgumentException("unknown instruction set '" + benchmark + "' (ifeval, ifbench)");
        };
    }

    public boolean knows(String instructionId) {
        return registry.containsKey(instructionId);
    }

    /** The checks of one prompt, bound to their arguments; unknown ids and bad arguments are errors naming them. */
    public List<InstructionCheck> bind(List<String> instructionIds, JsonNode kwargs) {
        List<InstructionCheck> checks = new ArrayList<>();
        for (int i = 0; i < instructionIds.size(); i++) {
            String id = instructionIds.get(i);
            var factory = registry.get(id);
            if (factory == null) throw new IllegalArgumentException(benchmark + ": unknown instruction '" + id + "'");
            JsonNode args = kwargs != null && kwargs.isArray() && i < kwargs.size() ? kwargs.get(i) : null;
            checks.add(factory.apply(new InstructionArgs(id, args)));
        }
        return checks;
    }

    /** Per-instruction verdicts, strict and loose. */
    public Verdicts judge(List<InstructionCheck> checks, String response) {
        List<String> variants = looseVariants(response);
        List<Boolean> strict = new ArrayList<>(), loose = new ArrayList<>();
        for (InstructionCheck check : checks) {
            strict.add(!response.isBlank() && check.followedBy(response));
            boolean any = false;
            for (String v : variants) {
                if (!v.isBlank() && check.followedBy(v)) {
                    any = true;
                    break;
                }
            }
            loose.add(any);
        }
        return new Verdicts(List.copyOf(strict), List.copyOf(loose));
    }

    /** The eight responses the loose judgement tries, in IFEval's order. */
    static List<String> looseVariants(String response) {
        List<String> lines = PyText.split(response, "\n");
        String removeFirst = String.join("\n", lines.subList(Math.min(1, lines.size()), lines.size())).strip();
        String removeLast = String.join("\n", lines.subList(0, Math.max(0, lines.size() - 1))).strip();
        String removeBoth = lines.size() < 2 ? "" : String.join("\n", lines.subList(1, lines.size() - 1)).strip();
        return List.of(response, response.replace("*", ""), removeFirst, removeLast, removeBoth,
                removeFirst.replace("*", ""), removeLast.replace("*", ""), removeBoth.replace("*", ""));
    }

    /** Whether each instruction was followed, strictly and loosely. */
    public record Verdicts(List<Boolean> strict, List<Boolean> loose) {
        public boolean allStrict() { return !strict.contains(false); }

        public boolean allLoose() { return !loose.contains(false); }
    }
}

package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.instructions.InstructionCheck;
import dev.nemotron4j.eval.instructions.InstructionFollowing;

import java.util.ArrayList;
import java.util.List;

/**
 * IFEval/IFBench verifiable instructions. The reference is {@code {"benchmark": "ifeval"|"ifbench",
 * "instruction_id_list": [...], "kwargs": [...]}}; the score is prompt-level strict accuracy (1 when every instruction
 * is followed as written), and the details hold every instruction's strict and loose verdict, from which the task's
 * metrics add instruction-level and loose accuracies.
 */
public record InstructionFollowingScorer() implements Scorer {

    @Override
    public String name() { return "instruction_following"; }

    @Override
    public int version() { return 1; }

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        InstructionFollowing judge = InstructionFollowing.named(expected.path("benchmark").asText("ifeval"));
        List<String> ids = new ArrayList<>();
        expected.path("instruction_id_list").forEach(id -> ids.add(id.asText()));
        List<InstructionCheck> checks = judge.bind(ids, expected.get("kwargs"));
        InstructionFollowing.Verdicts v = extracted.found() ? judge.judge(checks, extracted.value())
                : new InstructionFollowing.Verdicts(ids.stream().map(i -> false).toList(), ids.stream().map(i -> false).toList());
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        ArrayNode strict = details.putArray("strict"), loose = details.putArray("loose");
        v.strict().forEach(strict::add);
        v.loose().forEach(loose::add);
        return new Scored(v.allStrict() ? 1 : 0, details);
    }
}

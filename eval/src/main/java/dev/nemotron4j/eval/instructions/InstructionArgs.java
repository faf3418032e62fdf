package dev.nemotron4j.eval.instructions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The keyword arguments of one instruction ({@code kwargs[i]} of a dataset row). A null value counts as absent (the
 * Hugging Face copies of IFEval and IFBench list every argument of every instruction, null where unused); a missing
 * required argument is an error naming the instruction and the argument, never a random default.
 */
public record InstructionArgs(String instructionId, JsonNode values) {

    public boolean has(String name) {
        return values != null && values.hasNonNull(name);
    }

    public int integer(String name) {
        JsonNode v = required(name);
        if (v.isNumber()) return v.asInt();
        if (v.isTextual() && v.asText().strip().matches("-?\\d+")) return Integer.parseInt(v.asText().strip());
        throw bad(name, "an integer", v);
    }

    public String text(String name) {
        JsonNode v = required(name);
        if (!v.isValueNode()) throw bad(name, "a string", v);
        return v.asText();
    }

    public String text(String name, String fallback) {
        return has(name) ? text(name) : fallback;
    }

    public List<String> texts(String name) {
        JsonNode v = required(name);
        List<String> out = new ArrayList<>();
        if (v.isArray()) v.forEach(e -> out.add(e.asText()));
        else if (v.isTextual()) out.add(v.asText());
        else throw bad(name, "a list of strings", v);
        return out;
    }

    /** {@code less than} or {@code at least}, the two comparisons IFEval defines. */
    public Relation relation(String name) {
        String r = text(name);
        return switch (r) {
            case "less than" -> Relation.LESS_THAN;
            case "at least" -> Relation.AT_LEAST;
            default -> throw new IllegalArgumentException("instruction " + instructionId + ": " + name
                    + " must be 'less than' or 'at least', not '" + r + "'");
        };
    }

    private JsonNode required(String name) {
        if (!has(name)) throw new IllegalArgumentException("instruction " + instructionId + ": argument '" + name + "' missing");
        return values.get(name);
    }

    private IllegalArgumentException bad(String name, String wanted, JsonNode v) {
        return new IllegalArgumentException("instruction " + instructionId + ": argument '" + name + "' must be " + wanted + ", not " + v);
    }

    /** IFEval's comparison relations. */
    public enum Relation {
        LESS_THAN, AT_LEAST;

        public boolean holds(long actual, long threshold) {
            return this == LESS_THAN ? actual < threshold : actual >= threshold;
        }
    }
}

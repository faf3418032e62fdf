package dev.nemotron4j.chat.budget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the thinking budget from an OpenAI-style request body. Accepted spellings (PROTOCOL.md sections 5 and 6):
 * {@code reasoning_budget} (NVIDIA model card), {@code max_thinking_tokens} (NIM), {@code thinking_budget} (vLLM),
 * each at the top level or inside {@code vllm_xargs}; grace period {@code thinking_budget_grace_period} (alias
 * {@code reasoning_budget_grace_period}), default 500; {@code end_token_ids} as a JSON array or a JSON string holding
 * one. {@code -1} or null means no budget. Values may be JSON integers or strings of integers (vLLM's xargs are
 * often strings).
 */
public final class ThinkingBudgetRequest {

    private static final List<String> BUDGET_NAMES = List.of("reasoning_budget", "max_thinking_tokens", "thinking_budget");
    private static final List<String> GRACE_NAMES = List.of("thinking_budget_grace_period", "reasoning_budget_grace_period");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ThinkingBudgetRequest() {
    }

    /**
     * The requested budget, or empty when none was asked for.
     *
     * @throws IllegalArgumentException for a value that is not an integer, a negative value other than -1, or two
     *                                  spellings with different values
     */
    public static Optional<ThinkingBudget> parse(JsonNode request) {
        JsonNode xargs = request.path("vllm_xargs");
        if (!xargs.isMissingNode() && !xargs.isNull() && !xargs.isObject()) {
            throw new IllegalArgumentException("vllm_xargs must be an object, got " + xargs.getNodeType().toString().toLowerCase());
        }
        Optional<Integer> tokens = integerParameter(request, BUDGET_NAMES);
        // the grace period is checked even without a budget: a malformed field is an error, never ignored
        Optional<Integer> grace = integerParameter(request, GRACE_NAMES);
        if (grace.isPresent() && grace.get() < 0) {
            throw new IllegalArgumentException("thinking_budget_grace_period must be >= 0, got " + grace.get());
        }
        if (tokens.isEmpty() || tokens.get() == -1) return Optional.empty();
        if (tokens.get() < 0) throw new IllegalArgumentException("thinking budget must be >= 0 or -1 (off), got " + tokens.get());
        return Optional.of(new ThinkingBudget(tokens.get(), grace.orElse(ThinkingBudget.DEFAULT_GRACE_PERIOD)));
    }

    /** A request's {@code end_token_ids} override of the forced ending, if given. */
    public static Optional<List<Integer>> endTokenIds(JsonNode request) {
        JsonNode value = lookup(request, "end_token_ids");
        if (value == null) return Optional.empty();
        if (value.isTextual()) {
            try {
                value = JSON.readTree(value.textValue());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("end_token_ids is not a JSON array of token ids: " + value.textValue(), e);
            }
        }
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw new IllegalArgumentException("end_token_ids must be a non-empty array of token ids");
        }
        List<Integer> ids = new ArrayList<>();
        for (JsonNode id : value) {
            if (!id.canConvertToInt() || !id.isIntegralNumber()) {
                throw new IllegalArgumentException("end_token_ids holds a non-integer: " + id);
            }
            ids.add(id.intValue());
        }
        return Optional.of(List.copyOf(ids));
    }

    private static Optional<Integer> integerParameter(JsonNode request, List<String> names) {
        Integer found = null;
        String foundName = null;
        for (String name : names) {
            JsonNode value = lookup(request, name);
            if (value == null) continue;
            int parsed = integer(name, value);
            if (found != null && found != parsed) {
                throw new IllegalArgumentException("conflicting values: " + foundName + "=" + found + ", " + name + "=" + parsed);
            }
            found = parsed;
            foundName = name;
        }
        return Optional.ofNullable(found);
    }

    /** The top-level value, else the one in {@code vllm_xargs}; {@code null} when absent or JSON null. */
    private static JsonNode lookup(JsonNode request, String name) {
        for (JsonNode scope : List.of(request, request.path("vllm_xargs"))) {
            JsonNode value = scope.path(name);
            if (!value.isMissingNode() && !value.isNull()) return value;
        }
        return null;
    }

    private static int integer(String name, JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToInt()) return value.intValue();
        if (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue()) && Math.abs(value.doubleValue()) < Integer.MAX_VALUE) {
            return (int) value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                return Integer.parseInt(value.textValue().strip());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException(name + " must be an integer, got " + value);
    }
}

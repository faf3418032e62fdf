package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.runtime.ScoredToken;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/** JSON pieces shared by the OpenAI response shapes: ids, usage, logprob entries. */
final class OpenAiJson {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OpenAiJson() {
    }

    /** A response id: prefix + 24 hex digits. */
    static String id(String prefix) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * {@code usage}: the prompt counted once (as OpenAI does for n > 1), completions and reasoning summed, and the
     * prompt tokens resumed from the state cache ({@code prompt_tokens_details.cached_tokens}).
     */
    static ObjectNode usage(int promptTokens, int completionTokens, int reasoningTokens, int cachedTokens) {
        ObjectNode u = F.objectNode();
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
        u.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        u.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        return u;
    }

    /** One chat {@code logprobs.content} entry: token text, logprob, UTF-8 bytes, alternatives. */
    static ObjectNode chatLogprob(ScoredToken lp) {
        ObjectNode e = tokenEntry(lp.text(), lp.logprob());
        ArrayNode top = e.putArray("top_logprobs");
        for (ScoredToken alt : lp.alternatives()) top.add(tokenEntry(alt.text(), alt.logprob()));
        return e;
    }

    private static ObjectNode tokenEntry(String text, float logprob) {
        ObjectNode e = F.objectNode();
        e.put("token", text);
        e.put("logprob", logprob);
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        return e;
    }
}

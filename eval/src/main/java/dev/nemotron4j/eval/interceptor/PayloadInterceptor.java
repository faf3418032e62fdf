package dev.nemotron4j.eval.interceptor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.target.GenerationResult;

import java.util.List;
import java.util.Map;

/**
 * Edits the wire payload: {@code set} merges fields in (e.g. a server-specific
 * {@code chat_template_kwargs}), {@code remove} drops fields the target would otherwise send (they are
 * marked with JSON null, which endpoint targets treat as "omit").
 */
public record PayloadInterceptor(Map<String, Object> set, List<String> remove) implements Interceptor {

    @Override
    public String name() { return "payload"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        ObjectNode extra = call.request().extraBody().deepCopy();
        extra.setAll((ObjectNode) CanonicalJson.MAPPER.valueToTree(set));
        for (String field : remove) extra.putNull(field);
        return next.proceed(call.withRequest(call.request().withExtraBody(extra)));
    }
}

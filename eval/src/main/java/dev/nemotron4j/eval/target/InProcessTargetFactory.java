package dev.nemotron4j.eval.target;

import java.nio.file.Path;

/**
 * Service-provider interface through which the engine module plugs the in-process model into the
 * harness. Register an implementation in {@code META-INF/services/dev.nemotron4j.eval.target.InProcessTargetFactory}.
 *
 * <p>The returned target should report, in its {@link TargetIdentity}, hashes of the weights, the
 * tokenizer and the chat template (attributes {@code model_sha256}, {@code tokenizer_sha256},
 * {@code chat_template_sha256}) so lockfiles can detect drift, and should be deterministic for a
 * given request seed.
 */
public interface InProcessTargetFactory {

    /** Provider name, for error messages and when several are present. */
    String name();

    /** Whether this provider can load the model at {@code model} (format sniffing). */
    default boolean accepts(Path model) { return true; }

    /**
     * Loads the model.
     *
     * @param model   checkpoint directory or file
     * @param options free-form engine options from the config's {@code target.options}
     */
    Target open(Path model, java.util.Map<String, String> options);
}

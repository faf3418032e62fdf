package dev.nemotron4j.eval.target;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds an {@link InProcessTargetFactory} on the class path and opens the model with it. */
public final class InProcessTargets {
    private InProcessTargets() {}

    /**
     * Opens {@code model} with the first provider that accepts it.
     *
     * @throws IllegalStateException "in-process target not available" when no provider is installed
     */
    public static Target open(Path model, Map<String, String> options, ClassLoader loader) {
        boolean any = false;
        for (InProcessTargetFactory factory : ServiceLoader.load(InProcessTargetFactory.class, loader)) {
            any = true;
            if (factory.accepts(model)) return factory.open(model, options);
        }
        throw new IllegalStateException(any
                ? "in-process target not available: no installed engine accepts " + model
                : "in-process target not available: no InProcessTargetFactory provider on the class path "
                  + "(use --endpoint URL --served-model NAME, or add the engine module)");
    }
}

package dev.nemotron4j.eval.target;

import dev.nemotron4j.eval.config.EvalConfig.EndpointConfig;
import dev.nemotron4j.eval.config.EvalConfig.TargetConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Opens the target a config names: an in-process model (via the service loader) or an endpoint. */
public final class TargetOpener {
    private TargetOpener() {}

    public static Target open(TargetConfig config, Duration requestTimeout) {
        if (config == null) {
            throw new IllegalArgumentException("the config has no target: set target.model (--model PATH) "
                    + "or target.endpoint (--endpoint URL --served-model NAME); an empty 'target:' is not a target");
        }
        boolean hasModel = config.model() != null && !config.model().isBlank();
        boolean hasEndpoint = config.endpoint() != null && config.endpoint().url() != null;
        if (hasModel == hasEndpoint) {
            throw new IllegalArgumentException("the target must be exactly one of: target.model (--model PATH) "
                    + "or target.endpoint (--endpoint URL --served-model NAME)");
        }
        if (hasModel) {
            return InProcessTargets.open(Path.of(config.model()), config.options() == null ? Map.of() : config.options(),
                    Thread.currentThread().getContextClassLoader());
        }
        EndpointConfig e = config.endpoint();
        if (e.model() == null) throw new IllegalArgumentException("target.endpoint.model (--served-model NAME) is required");
        String key = ApiKey.fromEnvironment(e.apiKeyEnv(), "target.endpoint.api_key_env (--api-key-env)", System::getenv);
        return new OpenAiEndpointTarget(e.url(), e.model(), e.type() == null ? EndpointType.CHAT : e.type(), key, requestTimeout);
    }
}

package dev.nemotron4j.eval.target;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An API key read from the environment variable a setting names ({@code target.endpoint.api_key_env},
 * {@code judge.api_key_env}): configs, lockfiles and run directories hold the variable's name, never the key. A value
 * that is no variable name (most often the key itself, pasted by mistake) is refused without repeating it.
 */
public final class ApiKey {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ApiKey() {}

    /**
     * @param variable the variable's name, or null for no key
     * @param setting  the setting that named it, for messages ({@code judge.api_key_env})
     * @param env      reads environment variables
     * @return the key, or null when no variable is named
     */
    public static String fromEnvironment(String variable, String setting, Function<String, String> env) {
        if (variable == null) return null;
        requireName(variable, setting);
        String key = env.apply(variable);
        if (key == null) throw new IllegalArgumentException("environment variable " + variable + " (" + setting + ") is not set");
        if (key.isBlank()) throw new IllegalArgumentException("environment variable " + variable + " (" + setting + ") is empty");
        return key;
    }

    /** Refuses a value that cannot be an environment variable's name, without echoing it (it may be a secret). */
    public static void requireName(String variable, String setting) {
        if (variable != null && !NAME.matcher(variable).matches()) {
            throw new IllegalArgumentException(setting + " takes the name of an environment variable that holds the key (e.g. OPENAI_API_KEY), "
                    + "not the key itself; the value given (" + variable.length() + " characters) is no variable name and was neither "
                    + "used nor stored");
        }
    }
}

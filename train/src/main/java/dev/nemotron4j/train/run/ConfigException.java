package dev.nemotron4j.train.run;

/** A training config that cannot be used; the message names the key ({@code schedule.warmup_steps: ...}). */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }
}

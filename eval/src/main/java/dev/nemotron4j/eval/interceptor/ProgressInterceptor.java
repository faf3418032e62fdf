package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.run.ConsoleProgress;
import dev.nemotron4j.eval.target.GenerationResult;

/** Feeds request counts, failures and generated tokens to the console progress bar. */
public record ProgressInterceptor(ConsoleProgress progress) implements Interceptor {

    @Override
    public String name() { return "progress"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        try {
            GenerationResult result = next.proceed(call);
            progress.requestDone(result.usage().completionTokens());
            return result;
        } catch (RuntimeException e) {
            progress.requestFailed();
            throw e;
        }
    }
}

package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;

/**
 * One link of the chain around every request. An interceptor may change the request before passing
 * it on, answer without passing it on (cache), or post-process the result (reasoning split).
 * Each has a version recorded in the lockfile; behaviour changes must bump it.
 */
public interface Interceptor {

    String name();

    int version();

    GenerationResult intercept(Call call, Next next);

    /** The rest of the chain. */
    @FunctionalInterface
    interface Next {
        GenerationResult proceed(Call call);
    }
}

package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;

import java.util.List;

/** Interceptors (outermost first) in front of a target. */
public record InterceptorChain(List<Interceptor> interceptors, Target target) {

    public InterceptorChain {
        interceptors = List.copyOf(interceptors);
    }

    public GenerationResult execute(Call call) {
        return step(0, call);
    }

    private GenerationResult step(int index, Call call) {
        if (index == interceptors.size()) return target.generate(call.request());
        return interceptors.get(index).intercept(call, next -> step(index + 1, next));
    }
}

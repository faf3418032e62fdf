package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.target.GenerationRequest;

/** A request travelling down the interceptor chain, with the sample it belongs to. */
public record Call(GenerationRequest request, SampleKey sample) {
    public Call withRequest(GenerationRequest newRequest) { return new Call(newRequest, sample); }
}

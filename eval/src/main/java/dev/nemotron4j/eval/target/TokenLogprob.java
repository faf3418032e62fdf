package dev.nemotron4j.eval.target;

/** One token with its log-probability under the model. */
public record TokenLogprob(String token, double logprob) {}

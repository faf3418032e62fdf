package dev.nemotron4j.eval.target;

/** The two OpenAI-compatible request shapes: {@code /chat/completions} and {@code /completions}. */
public enum EndpointType { CHAT, COMPLETIONS }

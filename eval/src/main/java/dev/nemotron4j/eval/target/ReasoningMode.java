package dev.nemotron4j.eval.target;

/** Whether the model should think before answering; {@link #DEFAULT} leaves it to the target. */
public enum ReasoningMode { DEFAULT, ON, OFF }

package dev.nemotron4j.eval.stats;

/** A two-sided confidence interval. */
public record Interval(double low, double high) {}

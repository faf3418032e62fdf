package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.model.ModelConfig;

import java.nio.file.Path;

/**
 * A command that opens a model: which one, and what it asks of it at most at once — the launcher sizes the JVM
 * heap from that ({@link JvmOptions}) before the command starts.
 */
interface RunsModel {

    /** The model path the command was given, or null when it runs none (e.g. an evaluation against an endpoint). */
    Path modelPath();

    /** Sequences, context, rows per step and tokenizer this command needs of a model with {@code config}. */
    MemoryPlan.Workload workload(ModelConfig config);
}

package dev.nemotron4j.eval.hdf5;

/** A group or a dataset, named by its path from the root ({@code /} for the root, {@code /a/b} below it). */
public sealed interface Hdf5Object permits Hdf5Group, Hdf5Dataset {
    String path();
}

package dev.nemotron4j.engine.formats.gguf;

import java.util.List;

/** A typed GGUF metadata value, as written (the type decides the bytes, so it is explicit). */
public sealed interface GgufValue {
    record U32(long value) implements GgufValue {}
    record I32(int value) implements GgufValue {}
    record F32(float value) implements GgufValue {}
    record Bool(boolean value) implements GgufValue {}
    record Str(String value) implements GgufValue {}
    record I32Array(int[] values) implements GgufValue {}
    record StrArray(List<String> values) implements GgufValue {}
}

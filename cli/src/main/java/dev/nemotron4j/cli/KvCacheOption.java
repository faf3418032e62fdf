package dev.nemotron4j.cli;

import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.runtime.ModelBundle;
import picocli.CommandLine.Option;

import java.nio.file.Path;


/** {@code --kv-cache f32|f16|fp8}, shared by the commands that decode: the attention cache's element type. */
final class KvCacheOption {
    @Option(names = "--kv-cache", defaultValue = "f32", converter = Converter.class,
            description = "Attention cache element type: f32 (exact, default), f16 (half the memory and of the bytes a "
                    + "long-context decode step reads; logits move by ~1e-3) or fp8 (E4M3 with the checkpoint's per-layer "
                    + "k/v scales, else 1.0: a quarter; logits move about as much as with FP8 weights).")
    KvCacheType type = KvCacheType.F32;

    void applyTo(NemotronHModel model) {
        model.setKvCacheType(type);
    }

    /** Opens the model bundle at {@code model} with this cache type. */
    ModelBundle open(Path model) {
        return ModelBundle.open(model, type.toString());
    }

    static final class Converter implements picocli.CommandLine.ITypeConverter<KvCacheType> {
        @Override
        public KvCacheType convert(String value) {
            return KvCacheType.parse(value);
        }
    }
}

package dev.nemotron4j.engine.convert;

import dev.nemotron4j.engine.convert.ModelOptQuantizer.Calibration;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.kernels.RangeRecordingMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelLoader;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the activation ranges of a source model for {@link ModelOptQuantizer}'s static scales: runs the calibration
 * sequences through the unquantized model with every projection wrapped in a {@link RangeRecordingMatrix}, and reports
 * per module the largest |input| (→ {@code input_scale}) and, for attention, the largest |key| and |value| (the
 * {@code k_proj}/{@code v_proj} outputs → {@code k_scale}/{@code v_scale}). A routed expert that no calibration token
 * reached takes the largest input range of its layer's experts, as ModelOpt's exports do.
 */
public final class Calibrator {
    private Calibrator() {}

    private static final Pattern EXPERT = Pattern.compile("(.*\\.experts\\.)\\d+\\.([a-z_]+)");

    /** The ranges of the checkpoint in {@code dir} over {@code sequences} (token ids; each run from a fresh state). */
    public static Calibration run(Path dir, List<int[]> sequences, WorkerPool pool) {
        ModelConfig c = ModelConfig.load(dir);
        Map<String, RangeRecordingMatrix> recorders = new LinkedHashMap<>();
        SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir);
        NemotronHModel built;
        try {
            built = ModelLoader.build(c, ck, pool, null, (name, m) -> {
                if (!ModelOptQuantizer.quantizes(ModelOptQuantizer.Recipe.ALL, c, name)) return m;
                RangeRecordingMatrix r = new RangeRecordingMatrix(m);
                recorders.put(name.substring(0, name.length() - ".weight".length()), r);
                return r;
            });
        } catch (RuntimeException e) {
            ck.close();
            throw e;
        }
        try (NemotronHModel model = built) {
            for (int[] tokens : sequences) {
                if (tokens.length > 0) model.forwardAll(model.newState(), tokens, null);
            }
        }
        Map<String, Float> input = new LinkedHashMap<>(), keys = new LinkedHashMap<>(), values = new LinkedHashMap<>();
        Map<String, Float> expertMax = new LinkedHashMap<>();
        recorders.forEach((m, r) -> {
            Matcher e = EXPERT.matcher(m);
            if (e.matches() && r.used()) expertMax.merge(e.group(1) + e.group(2), r.inputAmax(), Math::max);
        });
        recorders.forEach((m, r) -> {
            Matcher e = EXPERT.matcher(m);
            float amax = r.used() || !e.matches() ? r.inputAmax() : expertMax.getOrDefault(e.group(1) + e.group(2), 0f);
            input.put(m, amax);
            if (m.endsWith(".k_proj")) keys.put(m, r.outputAmax());
            if (m.endsWith(".v_proj")) values.put(m, r.outputAmax());
        });
        return new Calibration(input, keys, values);
    }
}

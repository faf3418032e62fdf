package dev.nemotron4j.engine.formats.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.TensorInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tensor of every file in testdata/tiny-gguf-published, dequantized on its own (the logits goldens in
 * {@code GgufGoldenTest} check the same values through the whole model):
 * <ul>
 *   <li>its type is the one index.json records for it (the ggml id ↔ type mapping);</li>
 *   <li>it approximates the same float weights as the model's most precise file (all files of a model were
 *       quantized from one float checkpoint): the relative RMS difference stays within what each type's bit
 *       width allows, which a misread field, grid index or sign does not;</li>
 *   <li>IQ2_XXS, IQ2_XS and IQ3_XXS store 7 sign bits per 8 elements and complete them to even parity, so every
 *       group of 8 has an even number of negative values.</li>
 * </ul>
 */
class PublishedTypesDequantTest {

    static final Path ROOT = TinyFixtures.ROOT.resolveSibling("tiny-gguf-published");
    /** The most precise file of each model (IQ4_XS on 256-wide rows, Q5_1 on the others). */
    static final Map<String, String> REFERENCE = Map.of("pub-k", "iq4_xs", "pub-r", "q5_1");
    /**
     * Relative RMS difference from the reference file's weights allowed per type: about 1.25 × the largest seen in
     * these files (the reference's own error included), e.g. IQ1_S 0.52, IQ2_XXS 0.37, Q3_K 0.17, MXFP4 0.12.
     */
    static final Map<DType, Double> BOUND = Map.ofEntries(
            Map.entry(DType.Q8_0, 0.05), Map.entry(DType.Q5_0, 0.07), Map.entry(DType.Q5_1, 0.07), Map.entry(DType.Q4_1, 0.1),
            Map.entry(DType.Q5_K, 0.06), Map.entry(DType.Q4_K, 0.1), Map.entry(DType.IQ4_NL, 0.11), Map.entry(DType.IQ4_XS, 0.11),
            Map.entry(DType.MXFP4, 0.15), Map.entry(DType.Q3_K, 0.21), Map.entry(DType.IQ3_S, 0.23), Map.entry(DType.IQ3_XXS, 0.26),
            Map.entry(DType.Q2_K, 0.38), Map.entry(DType.IQ2_S, 0.34), Map.entry(DType.IQ2_XS, 0.4), Map.entry(DType.IQ2_XXS, 0.45),
            Map.entry(DType.IQ1_M, 0.6), Map.entry(DType.IQ1_S, 0.63));
    static final Set<DType> EVEN_SIGNS = EnumSet.of(DType.IQ2_XXS, DType.IQ2_XS, DType.IQ3_XXS);

    static Stream<Arguments> files() throws IOException {
        JsonNode models = new ObjectMapper().readTree(ROOT.resolve("index.json").toFile()).get("models");
        List<Arguments> out = new ArrayList<>();
        for (Iterator<String> m = models.fieldNames(); m.hasNext(); ) {
            String model = m.next();
            for (Iterator<Map.Entry<String, JsonNode>> f = models.get(model).get("files").fields(); f.hasNext(); ) {
                var e = f.next();
                out.add(Arguments.of(model, e.getKey(), e.getValue().get("tensors_by_type")));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("files")
    void everyTensorHasItsTypeAndApproximatesTheModelsWeights(String model, String label, JsonNode byType) {
        try (GgufFile file = GgufFile.open(ROOT.resolve(model).resolve(label + ".gguf"));
             GgufFile ref = GgufFile.open(ROOT.resolve(model).resolve(REFERENCE.get(model) + ".gguf"))) {
            int checked = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = byType.fields(); it.hasNext(); ) {
                var e = it.next();
                for (JsonNode n : e.getValue()) {
                    TensorInfo t = file.tensors().get(n.asText());
                    assertThat(t).as("%s/%s %s", model, label, n.asText()).isNotNull();
                    assertThat(t.dtype().name()).as("%s/%s %s", model, label, t.name()).isEqualTo(e.getKey());
                    if (!t.dtype().isQuantized()) continue;
                    float[] v = GgufRewrite.values(t);
                    float[] w = GgufRewrite.values(ref.tensors().get(t.name()));
                    double err = 0, norm = 0;
                    for (int i = 0; i < v.length; i++) {
                        err += ((double) v[i] - w[i]) * ((double) v[i] - w[i]);
                        norm += (double) w[i] * w[i];
                    }
                    double rel = Math.sqrt(err / norm);
                    System.out.printf("%s/%s %-28s %-8s rel RMS %.4f%n", model, label, t.name(), t.dtype(), rel);
                    assertThat(rel).as("%s/%s %s (%s) vs %s", model, label, t.name(), t.dtype(), REFERENCE.get(model)).isLessThan(BOUND.get(t.dtype()));
                    if (EVEN_SIGNS.contains(t.dtype())) assertEvenSigns(model + "/" + label + " " + t.name(), v);
                    checked++;
                }
            }
            assertThat(checked).isPositive();
        }
    }

    private static void assertEvenSigns(String what, float[] v) {
        for (int g = 0; g < v.length; g += 8) {
            int negative = 0;
            for (int j = 0; j < 8; j++) if (v[g + j] < 0) negative++;
            assertThat(negative % 2).as("%s: negatives in elements %d..%d", what, g, g + 7).isZero();
        }
    }
}

package dev.nemotron4j.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron4j.engine.weights.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Nemotron-H hyper-parameters from {@code config.json} (ARCHITECTURE.md §2), with the aliases and
 * defaults of §2.2, validated on construction. Derived sizes follow §2.1 ("Derived").
 */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        List<LayerType> layers,
        float layerNormEpsilon,
        // Mamba-2 (§5)
        int mambaNumHeads,
        int mambaHeadDim,
        int ssmStateSize,
        int nGroups,
        int convKernel,
        int chunkSize,
        boolean useConvBias,
        boolean useBias,
        float timeStepLimitMin,
        float timeStepLimitMax,
        // attention (§6)
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        boolean attentionBias,
        // MoE (§7) and dense MLP (§8)
        int nRoutedExperts,
        int numExpertsPerTok,
        int moeIntermediateSize,
        int moeSharedExpertIntermediateSize,
        int nSharedExperts,
        int nGroup,
        int topkGroup,
        boolean normTopkProb,
        float routedScalingFactor,
        boolean mlpBias,
        int intermediateSize,
        // head and tokens
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings,
        int bosTokenId,
        List<Integer> eosTokenIds,
        int padTokenId) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python writes Infinity in time_step_limit
            .build();

    public ModelConfig {
        layers = List.copyOf(layers);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    // ---- derived sizes (§2.1) ----

    /** Mamba inner width I = heads × head_dim (not expand × hidden, §12 D3). */
    public int mambaInner() {
        return mambaNumHeads * mambaHeadDim;
    }

    /** Channels through the causal conv: CD = I + 2·G·N. */
    public int convDim() {
        return mambaInner() + 2 * nGroups * ssmStateSize;
    }

    /** Output width of {@code in_proj}: I + CD + NH. */
    public int inProjDim() {
        return mambaInner() + convDim() + mambaNumHeads;
    }

    public int numLayers() {
        return layers.size();
    }

    public LayerType layer(int i) {
        return layers.get(i);
    }

    /** The pattern string, e.g. {@code MEMEM*EMEM}. */
    public String pattern() {
        StringBuilder sb = new StringBuilder();
        for (LayerType t : layers) sb.append(t.symbol());
        return sb.toString();
    }

    public long countLayers(LayerType type) {
        return layers.stream().filter(t -> t == type).count();
    }

    // ---- parsing ----

    /** Reads {@code dir/config.json} (or the file itself). */
    public static ModelConfig load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
        try {
            return parse(JSON.readTree(Files.readAllBytes(file)), file.toString());
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": file not found");
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses a config from JSON text; {@code origin} names it in error messages. */
    public static ModelConfig parse(String json, String origin) {
        try {
            return parse(JSON.readTree(json), origin);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(origin + ": malformed JSON: " + e.getOriginalMessage());
        }
    }

    static ModelConfig parse(JsonNode root, String origin) {
        if (root == null || !root.isObject()) throw new ModelFormatException(origin + ": config is not a JSON object");
        ConfigReader r = new ConfigReader(root, origin);

        String modelType = r.string("model_type", "nemotron_h");
        if (!modelType.equals("nemotron_h")) {
            throw r.error("model_type", "'" + modelType + "' is not supported (expected 'nemotron_h')");
        }
        // Family features Nano does not have (§2.2): reject rather than compute something else.
        if (r.has("moe_latent_size")) throw r.error("moe_latent_size", "latent MoE (Nemotron 3 Super) is not supported");
        if (r.has("num_nextn_predict_layers") && r.integer("num_nextn_predict_layers", 0) > 0) {
            throw r.error("num_nextn_predict_layers", "multi-token-prediction layers are not supported");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith("mtp_") && !root.get(k).isNull() && !(root.get(k).isNumber() && root.get(k).asDouble() == 0)) {
                throw r.error(k, "multi-token-prediction settings are not supported");
            }
        }
        if (root.path("intermediate_size").isArray()) {
            throw r.error("intermediate_size", "list-valued (heterogeneous pruned) widths are not supported");
        }
        if (r.has("sliding_window")) throw r.error("sliding_window", "sliding-window attention is not part of Nemotron-H");

        int hidden = r.requiredInt("hidden_size");
        int vocab = r.requiredInt("vocab_size");
        List<LayerType> layers = layerPattern(r, root);
        int numLayers = r.integer("num_hidden_layers", layers.size());
        if (numLayers != layers.size()) {
            throw r.error("num_hidden_layers", numLayers + " disagrees with the pattern's " + layers.size() + " layers");
        }

        int nh = r.integer("mamba_num_heads", 128);
        int hd = r.integer("mamba_head_dim", 64);
        int n = r.integer("ssm_state_size", 128);
        int groups = r.aliasedInt("n_groups", "mamba_n_groups", 8);
        int k = r.aliasedInt("conv_kernel", "mamba_d_conv", 4);
        int chunk = r.aliasedInt("chunk_size", "mamba_chunk_size", 128);
        boolean convBias = r.aliasedBool("use_conv_bias", "mamba_conv_bias", true);
        boolean useBias = r.bool("use_bias", false);
        String mambaAct = r.string("mamba_hidden_act", "silu");
        if (!mambaAct.equals("silu") && !mambaAct.equals("swish")) throw r.error("mamba_hidden_act", "'" + mambaAct + "' is not supported (silu)");
        float[] limit = timeStepLimit(r, root);

        int heads = r.integer("num_attention_heads", 32);
        int kvHeads = r.nullableInt("num_key_value_heads", heads);
        int headDim = r.nullableInt("head_dim", heads > 0 ? hidden / heads : 0);
        boolean attnBias = r.bool("attention_bias", false);

        int experts = r.integer("n_routed_experts", 8);
        int topK = r.integer("num_experts_per_tok", 2);
        int moeInter = r.integer("moe_intermediate_size", 7688);
        int sharedInter = r.integer("moe_shared_expert_intermediate_size", 7688);
        int nShared = r.integer("n_shared_experts", 1);
        int nGroup = r.integer("n_group", 1);
        int topkGroup = r.integer("topk_group", 1);
        boolean normTopk = r.bool("norm_topk_prob", true);
        float scaling = (float) r.number("routed_scaling_factor", 1.0);
        String mlpAct = r.string("mlp_hidden_act", "relu2");
        if (!mlpAct.equals("relu2")) throw r.error("mlp_hidden_act", "'" + mlpAct + "' is not supported (relu2)");
        boolean mlpBias = r.bool("mlp_bias", false);
        int inter = r.integer("intermediate_size", 21504);

        boolean tie = r.bool("tie_word_embeddings", false);
        int maxPos = r.integer("max_position_embeddings", 4096);
        int bos = r.nullableInt("bos_token_id", 1);
        List<Integer> eos = r.intOrIntList("eos_token_id", 2);
        int pad = r.nullableInt("pad_token_id", 0);
        float eps = (float) r.number("layer_norm_epsilon", r.number("norm_eps", 1e-5));

        ModelConfig c = new ModelConfig(modelType, vocab, hidden, layers, eps,
                nh, hd, n, groups, k, chunk, convBias, useBias, limit[0], limit[1],
                heads, kvHeads, headDim, attnBias,
                experts, topK, moeInter, sharedInter, nShared, nGroup, topkGroup, normTopk, scaling, mlpBias, inter,
                tie, maxPos, bos, eos, pad);
        c.validate(r);
        return c;
    }

    private static List<LayerType> layerPattern(ConfigReader r, JsonNode root) {
        List<LayerType> fromString = null, fromList = null;
        JsonNode p = root.get("hybrid_override_pattern");
        if (p != null && !p.isNull()) {
            if (!p.isTextual()) throw r.error("hybrid_override_pattern", "must be a string");
            fromString = new ArrayList<>();
            String s = p.asText();
            for (int i = 0; i < s.length(); i++) {
                LayerType t = LayerType.fromSymbol(s.charAt(i));
                if (t == null) throw r.error("hybrid_override_pattern", "unknown block character '" + s.charAt(i) + "' at position " + i + " (known: M * E -)");
                fromString.add(t);
            }
        }
        JsonNode l = root.get("layers_block_type");
        if (l != null && !l.isNull()) {
            if (!l.isArray()) throw r.error("layers_block_type", "must be a list of block names");
            fromList = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                LayerType t = l.get(i).isTextual() ? LayerType.fromHfName(l.get(i).asText()) : null;
                if (t == null) throw r.error("layers_block_type", "unknown block type " + l.get(i) + " at index " + i);
                fromList.add(t);
            }
        }
        if (fromString == null && fromList == null) {
            throw r.error("hybrid_override_pattern", "missing (neither hybrid_override_pattern nor layers_block_type is set)");
        }
        if (fromString != null && fromList != null && !fromString.equals(fromList)) {
            throw r.error("layers_block_type", "disagrees with hybrid_override_pattern");
        }
        List<LayerType> layers = fromString != null ? fromString : fromList;
        if (layers.isEmpty()) throw r.error("hybrid_override_pattern", "is empty");
        return layers;
    }

    private static float[] timeStepLimit(ConfigReader r, JsonNode root) {
        String key = root.has("time_step_limit") ? "time_step_limit" : "mamba_dt_limit";
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) return new float[] {0f, Float.POSITIVE_INFINITY};
        if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
            throw r.error(key, "must be a pair [min, max]");
        }
        float lo = (float) v.get(0).asDouble(), hi = (float) v.get(1).asDouble();
        if (!(lo <= hi)) throw r.error(key, "min " + lo + " exceeds max " + hi);
        return new float[] {lo, hi};
    }

    private void validate(ConfigReader r) {
        if (hiddenSize <= 0) throw r.error("hidden_size", "must be positive");
        if (vocabSize <= 0) throw r.error("vocab_size", "must be positive");
        if (!(layerNormEpsilon > 0)) throw r.error("layer_norm_epsilon", "must be positive");
        if (countLayers(LayerType.MAMBA) > 0) {
            positive(r, "mamba_num_heads", mambaNumHeads);
            positive(r, "mamba_head_dim", mambaHeadDim);
            positive(r, "ssm_state_size", ssmStateSize);
            positive(r, "n_groups", nGroups);
            positive(r, "conv_kernel", convKernel);
            positive(r, "chunk_size", chunkSize);
            if (mambaNumHeads % nGroups != 0) {
                throw r.error("n_groups", nGroups + " does not divide mamba_num_heads " + mambaNumHeads);
            }
        }
        if (countLayers(LayerType.ATTENTION) > 0) {
            positive(r, "num_attention_heads", numAttentionHeads);
            positive(r, "num_key_value_heads", numKeyValueHeads);
            positive(r, "head_dim", headDim);
            if (numAttentionHeads % numKeyValueHeads != 0) {
                throw r.error("num_key_value_heads", numKeyValueHeads + " does not divide num_attention_heads " + numAttentionHeads);
            }
        }
        if (countLayers(LayerType.MOE) > 0) {
            positive(r, "n_routed_experts", nRoutedExperts);
            positive(r, "num_experts_per_tok", numExpertsPerTok);
            positive(r, "moe_intermediate_size", moeIntermediateSize);
            positive(r, "n_group", nGroup);
            if (nShared() < 0) throw r.error("n_shared_experts", "must not be negative");
            if (numExpertsPerTok > nRoutedExperts) {
                throw r.error("num_experts_per_tok", numExpertsPerTok + " exceeds n_routed_experts " + nRoutedExperts);
            }
            if (nRoutedExperts % nGroup != 0) throw r.error("n_group", nGroup + " does not divide n_routed_experts " + nRoutedExperts);
            if (topkGroup < 1 || topkGroup > nGroup) throw r.error("topk_group", topkGroup + " must be in 1.." + nGroup);
            if ((long) topkGroup * (nRoutedExperts / nGroup) < numExpertsPerTok) {
                throw r.error("topk_group", "the " + topkGroup + " kept groups hold fewer than num_experts_per_tok experts");
            }
        }
        if (countLayers(LayerType.MLP) > 0) positive(r, "intermediate_size", intermediateSize);
    }

    private int nShared() {
        return nSharedExperts;
    }

    private static void positive(ConfigReader r, String key, int v) {
        if (v <= 0) throw r.error(key, "must be positive, is " + v);
    }

    /** Reads typed values with defaults; every error names the key and the file. */
    private record ConfigReader(JsonNode root, String origin) {
        ModelFormatException error(String key, String what) {
            return new ModelFormatException(origin + ": config key '" + key + "': " + what);
        }

        boolean has(String key) {
            JsonNode v = root.get(key);
            return v != null && !v.isNull();
        }

        int requiredInt(String key) {
            if (!has(key)) throw error(key, "missing");
            return integer(key, 0);
        }

        int integer(String key, int dflt) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) return dflt;
            if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || Math.abs(v.asDouble()) > Integer.MAX_VALUE) {
                throw error(key, "must be an integer, is " + v);
            }
            return v.asInt();
        }

        int nullableInt(String key, int dflt) {
            return integer(key, dflt);
        }

        int aliasedInt(String key, String alias, int dflt) {
            if (has(key)) return integer(key, dflt);
            return integer(alias, dflt);
        }

        boolean aliasedBool(String key, String alias, boolean dflt) {
            if (has(key)) return bool(key, dflt);
            return bool(alias, dflt);
        }

        double number(String key, double dflt) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) return dflt;
            if (!v.isNumber()) throw error(key, "must be a number, is " + v);
            return v.asDouble();
        }

        boolean bool(String key, boolean dflt) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) return dflt;
            if (!v.isBoolean()) throw error(key, "must be true or false, is " + v);
            return v.asBoolean();
        }

        String string(String key, String dflt) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) return dflt;
            if (!v.isTextual()) throw error(key, "must be a string, is " + v);
            return v.asText();
        }

        List<Integer> intOrIntList(String key, int dflt) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) return List.of(dflt);
            if (v.isArray()) {
                List<Integer> out = new ArrayList<>();
                for (JsonNode e : v) {
                    if (!e.isIntegralNumber()) throw error(key, "entries must be integers");
                    out.add(e.asInt());
                }
                return out;
            }
            return List.of(integer(key, dflt));
        }
    }

}

package dev.nemotron4j.eval.datasets;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The datasets {@code eval fetch} knows: where each is published, under which license, whether it is gated, and
 * how its rows become our JSONL conventions. The built-in manifest ships in the jar; {@code --manifest FILE}
 * replaces it (same format).
 *
 * @param datasets by name
 */
public record DatasetManifest(Map<String, Entry> datasets) {

    /**
     * One dataset.
     *
     * @param description what it is
     * @param url         download URL; {@code {revision}} is replaced by the revision, {@code {variant}} by the variant,
     *                    {@code {part}} by each of the parts
     * @param revision    the git / Hugging Face revision fetched (a commit pins it; a branch is recorded as given)
     * @param sha256      expected SHA-256 of the download, when known: a different file is refused
     * @param license     the dataset's license (recorded in every run that reads it)
     * @param gated       needs the user's own access token ({@code token_env}); never redistributed
     * @param tokenEnv    environment variable holding the access token for gated sets (default HF_TOKEN)
     * @param format      {@code jsonl}, {@code json} (array or {@code rows_field}), {@code csv}, {@code parquet}, or
     *                    {@code raw} (the download kept byte for byte: a task that reads the publisher's own format);
     *                    {@code tar} or {@code zip} for an archive its {@code converter} unpacks (recorded only)
     * @param rowsField   for {@code json}: the field holding the rows
     * @param fields      our field name → the source's field name (fields not named are kept as they are)
     * @param task        the built-in task it feeds
     * @param variants    for a dataset published as one file per language or pair: the variants, fetched one at a time
     *                    as {@code NAME:VARIANT} into {@code NAME-VARIANT.jsonl}
     * @param variantSha256 a variant's expected SHA-256, when known (the entry's {@code sha256} is for entries without variants)
     * @param output      the file written under the output directory, when not {@code NAME.jsonl} ({@code {variant}} replaced):
     *                    the name the task or recipe reads ({@code bfcl/BFCL_v4_{variant}.json}, {@code squad-dev-v2.0.json})
     * @param parts       a dataset published in several files of one format: each is fetched ({@code {part}} in the URL)
     *                    and the rows are concatenated in this order (LiveCodeBench's release files)
     * @param partSha256  a part's expected SHA-256, when known
     * @param also        further downloads a {@code converter} joins in, by name → URL (same placeholders)
     * @param alsoSha256  their expected SHA-256s, when known
     * @param converter   a conversion beyond renaming fields: {@code arena_hard} (questions joined with each category's
     *                    baseline answers, {@link ArenaHardJoin}), {@code essays} (a list of essay URLs fetched and
     *                    joined into one haystack text, {@link EssayHaystack}), {@code scicode} (SciCode's problems
     *                    with the code of the steps it fills in itself, {@link SciCodePrefilledSteps}), {@code mmlu}
     *                    (one split of MMLU's {@code data.tar}, {@code params.split}, {@link MmluArchive}) or {@code arc}
     *                    (one JSONL member of ARC's zip archive, {@code params.member}, {@link ArcQuestions})
     * @param params      the converter's settings
     * @param alsoGitBlob for further downloads from a git repository whose SHA-256 is published nowhere: the file's git
     *                    blob id in the pinned commit's tree ({@code git ls-tree}: SHA-1 of {@code "blob SIZE\0"} and
     *                    the bytes), which pins the exact bytes as well; their SHA-256 is recorded at the fetch
     * @param manual      for a file its host may refuse to hand to a program (a Google Drive download): what to
     *                    download by hand and from where ({@code {output}} is replaced by the path to save it at).
     *                    Such an entry first checks a file already at its output against the pinned hash and records
     *                    it without downloading; a failed download ends with these instructions
     */
    public record Entry(String description, String url, String revision, String sha256, String license, Boolean gated,
                        String tokenEnv, String format, String rowsField, Map<String, String> fields, String task,
                        java.util.List<String> variants, Map<String, String> variantSha256, String output,
                        java.util.List<String> parts, Map<String, String> partSha256, Map<String, String> also,
                        Map<String, String> alsoSha256, String converter, Map<String, String> params,
                        Map<String, String> alsoGitBlob, String manual) {

        /** The same entry pinned to another SHA-256 of its download. */
        public Entry pinned(String sha256) {
            return new Entry(description, url, revision, sha256, license, gated, tokenEnv, format, rowsField, fields, task,
                    variants, variantSha256, output, parts, partSha256, also, alsoSha256, converter, params, alsoGitBlob, manual);
        }

        /** The same entry with its further downloads pinned by these git blob ids. */
        public Entry withAlsoGitBlob(Map<String, String> blobs) {
            return new Entry(description, url, revision, sha256, license, gated, tokenEnv, format, rowsField, fields, task,
                    variants, variantSha256, output, parts, partSha256, also, alsoSha256, converter, params, blobs, manual);
        }

        /** The same entry with every download URL rewritten (a mirror of the publishers' hosts) and no pinned hashes. */
        public Entry rehosted(java.util.function.UnaryOperator<String> urls) {
            Map<String, String> moved = null;
            if (also != null) {
                moved = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, String> a : also.entrySet()) moved.put(a.getKey(), urls.apply(a.getValue()));
            }
            return new Entry(description, urls.apply(url), revision, null, license, gated, tokenEnv, format, rowsField, fields, task,
                    variants, null, output, parts, null, moved, null, converter, params, null, manual);
        }
    }

    /** The manifest bundled with the harness. */
    public static DatasetManifest builtIn() {
        try (InputStream in = DatasetManifest.class.getResourceAsStream("manifest.yaml")) {
            if (in == null) throw new IllegalStateException("datasets/manifest.yaml missing from the eval jar");
            return of(ConfigLoader.readYamlText(new String(in.readAllBytes(), StandardCharsets.UTF_8), "manifest.yaml"), "built-in manifest");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatasetManifest of(Map<String, Object> tree, String where) {
        try {
            DatasetManifest m = CanonicalJson.bind(tree, DatasetManifest.class);
            return new DatasetManifest(new TreeMap<>(m.datasets() == null ? Map.of() : m.datasets()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid dataset manifest " + where + ": " + e.getMessage(), e);
        }
    }

    public static DatasetManifest load(Path file) {
        return of(ConfigLoader.readYamlFile(file), file.toString());
    }

    /** Every entry {@link Entry#rehosted rehosted}: the same datasets fetched from a mirror of their hosts. */
    public DatasetManifest rehosted(java.util.function.UnaryOperator<String> urls) {
        Map<String, Entry> moved = new TreeMap<>();
        datasets.forEach((name, e) -> moved.put(name, e.rehosted(urls)));
        return new DatasetManifest(moved);
    }

    public Entry get(String name) {
        Entry e = datasets.get(name);
        if (e == null) throw new IllegalArgumentException("no dataset '" + name + "' in the manifest (known: " + String.join(", ", datasets.keySet()) + ")");
        return e;
    }

    /** One line per dataset: name, license, gated, source; then its variants, if it has any. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        datasets.forEach((name, e) -> {
            sb.append(String.format("%-22s %-16s %-6s %s%n", name, e.license(), Boolean.TRUE.equals(e.gated()) ? "gated" : "open", e.description()));
            if (e.variants() != null && !e.variants().isEmpty()) {
                sb.append(String.format("%-46s variants (%s:VARIANT): %s%n", "", name, String.join(" ", e.variants())));
            }
        });
        return sb.toString();
    }

    static String utf8(byte[] bytes) { return new String(bytes, StandardCharsets.UTF_8); }
}

package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.datasets.parquet.ParquetException;
import dev.nemotron4j.eval.datasets.parquet.ParquetFile;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.run.RunOutputs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code eval fetch NAME}: downloads a dataset from its public source on the user's machine (JSONL, JSON, CSV or
 * Parquet), checks it against the pinned hash when the manifest has one, converts it to our JSONL conventions and writes {@code NAME.jsonl} with a
 * provenance file {@code NAME.source.json} (URL, revision, sha256 of the download and of the converted file,
 * license) that every run reading the dataset copies into its lockfile. Gated datasets are fetched with the user's
 * own token and never bundled or redistributed by the harness.
 */
public final class DatasetFetcher {
    /** The provenance file next to a fetched dataset. */
    public static Path sourceFileOf(Path dataset) {
        String name = dataset.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
        return dataset.resolveSibling(stem + ".source.json");
    }

    /**
     * @param dataset   the converted file
     * @param source    the provenance record
     */
    public record Fetched(Path dataset, ObjectNode source, int rows) {}

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final Function<String, String> env;

    /** @param env reads environment variables (tokens of gated sets) */
    public DatasetFetcher(Function<String, String> env) {
        this.env = env;
    }

    /**
     * @param name         a manifest name, or {@code NAME:VARIANT} for an entry with variants ({@code mmlu-prox:de})
     * @param revision     overrides the manifest's revision, or null
     * @param expectSha256 the download's expected hash (overrides the manifest's), or null
     */
    public Fetched fetch(DatasetManifest manifest, String name, Path outDir, String revision, String expectSha256) {
        int colon = name.indexOf(':');
        String base = colon < 0 ? name : name.substring(0, colon);
        String variant = colon < 0 ? null : name.substring(colon + 1);
        DatasetManifest.Entry e = manifest.get(base);
        List<String> variants = e.variants() == null ? List.of() : e.variants();
        if (!variants.isEmpty() && (variant == null || !variants.contains(variant))) {
            throw new IllegalArgumentException((variant == null ? base + " comes in variants: fetch one as " + base + ":VARIANT"
                    : base + " has no variant '" + variant + "'") + " (variants: " + String.join(", ", variants) + ")");
        }
        if (variants.isEmpty() && variant != null) throw new IllegalArgumentException(base + " has no variants (fetch it as " + base + ")");
        String stem = variant == null ? base : base + "-" + variant;
        String rev = revision != null ? revision : e.revision();
        String url = e.url().replace("{revision}", rev == null ? "main" : rev).replace("{variant}", variant == null ? "" : variant);
        String pinned = variant == null ? e.sha256() : e.variantSha256() == null ? null : e.variantSha256().get(variant);
        String token = null;
        if (Boolean.TRUE.equals(e.gated())) {
            String var = e.tokenEnv() == null ? "HF_TOKEN" : e.tokenEnv();
            token = env.apply(var);
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException(name + " is gated (" + e.license() + "): accept its terms at the source and set " + var
                        + " to your own access token; the harness never redistributes it");
            }
        }
        Path download = null;
        try {
            // streamed to a temporary file: a large Parquet file is mapped from disk, never held on the heap twice
            download = Files.createTempFile("nemotron4j-fetch-" + stem + "-", ".download");
            download(url, token, download);
            String sha = Sha256.ofFile(download);
            String expected = expectSha256 != null ? expectSha256 : revision == null ? pinned : null;
            if (expected != null && !expected.equalsIgnoreCase(sha)) {
                throw new IllegalArgumentException(url + " has sha256 " + sha + ", the pinned one is " + expected
                        + ": the source changed (nothing was written; pass --expect-sha256 to accept a new version)");
            }
            List<ObjectNode> rows = convert(e, download, url);
            StringBuilder jsonl = new StringBuilder();
            for (ObjectNode row : rows) jsonl.append(CanonicalJson.canonical(row)).append('\n');
            Files.createDirectories(outDir);
            Path dataset = outDir.resolve(stem + ".jsonl");
            RunOutputs.replace(dataset, jsonl.toString());
            ObjectNode source = JsonNodeFactory.instance.objectNode();
            source.put("name", name);
            if (variant != null) source.put("variant", variant);
            source.put("url", url);
            source.put("revision", rev);
            source.put("sha256", sha);
            source.put("format", e.format() == null ? "jsonl" : e.format());
            source.put("converted_sha256", Sha256.hex(jsonl.toString()));
            source.put("license", e.license());
            source.put("gated", Boolean.TRUE.equals(e.gated()));
            source.put("rows", rows.size());
            source.put("converter", RunLock.HARNESS);
            RunOutputs.replace(sourceFileOf(dataset), CanonicalJson.pretty(source));
            return new Fetched(dataset, source, rows.size());
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot write the dataset " + stem + " under " + outDir + ": " + ex.getMessage(), ex);
        } finally {
            if (download != null) {
                try {
                    Files.deleteIfExists(download);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private void download(String url, String token, Path into) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET();
        if (token != null) req.header("Authorization", "Bearer " + token);
        try {
            HttpResponse<Path> response = http.send(req.build(), HttpResponse.BodyHandlers.ofFile(into));
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException("cannot fetch " + url + ": HTTP " + response.statusCode()
                        + (response.statusCode() == 401 || response.statusCode() == 403 ? " (gated? check your token)" : ""));
            }
        } catch (IOException ex) {
            throw new IllegalArgumentException("cannot fetch " + url + ": " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** The downloaded file's rows in our conventions: Parquet read from the file, text formats parsed. */
    static List<ObjectNode> convert(DatasetManifest.Entry e, Path download, String url) {
        if ("parquet".equals(e.format())) {
            List<ObjectNode> raw;
            try {
                raw = ParquetFile.readRows(download);
            } catch (ParquetException ex) {
                // name the source, not the temporary file the download went to
                throw new IllegalArgumentException(url + ": " + ex.getMessage().replace(download.toString() + ": ", ""), ex);
            }
            return rename(e, raw);
        }
        try {
            return convert(e, Files.readAllBytes(download));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot read the download of " + url, ex);
        }
    }

    /** The source's rows in our conventions: parsed by format, then fields renamed as the manifest says. */
    static List<ObjectNode> convert(DatasetManifest.Entry e, byte[] bytes) {
        String text = DatasetManifest.utf8(bytes);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<ObjectNode> raw = new ArrayList<>();
        String format = e.format() == null ? "jsonl" : e.format();
        switch (format) {
            case "jsonl" -> {
                int line = 0;
                for (String l : text.split("\n")) {
                    line++;
                    if (l.isBlank()) continue;
                    raw.add(object(CanonicalJson.parse(l), "line " + line));
                }
            }
            case "json" -> {
                JsonNode root = CanonicalJson.parse(text);
                JsonNode rows = e.rowsField() == null ? root : root.path(e.rowsField());
                if (!rows.isArray()) throw new IllegalArgumentException("the download has no array of rows" + (e.rowsField() == null ? "" : " at " + e.rowsField()));
                for (JsonNode r : rows) raw.add(object(r, "row " + raw.size()));
            }
            case "csv" -> raw.addAll(Csv.parse(text));
            default -> throw new IllegalArgumentException("unknown dataset format '" + format + "' (jsonl, json, csv, parquet)");
        }
        return rename(e, raw);
    }

    /** Fields renamed as the manifest says; the others kept as they are. */
    private static List<ObjectNode> rename(DatasetManifest.Entry e, List<ObjectNode> raw) {
        List<ObjectNode> out = new ArrayList<>();
        Map<String, String> fields = e.fields() == null ? Map.of() : e.fields();
        for (ObjectNode row : raw) {
            ObjectNode converted = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, String> f : fields.entrySet()) {
                if (!row.has(f.getValue())) throw new IllegalArgumentException("row " + out.size() + " has no field '" + f.getValue() + "'");
                converted.set(f.getKey(), row.get(f.getValue()));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!fields.containsValue(f.getKey()) && !converted.has(f.getKey())) converted.set(f.getKey(), f.getValue());
            }
            out.add(converted);
        }
        return out;
    }

    private static ObjectNode object(JsonNode node, String where) {
        if (!(node instanceof ObjectNode o)) throw new IllegalArgumentException(where + " is not a JSON object");
        return o;
    }
}

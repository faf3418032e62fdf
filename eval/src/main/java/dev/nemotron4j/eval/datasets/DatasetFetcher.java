package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
     * @param expectSha256 the download's expected hash (overrides the manifest's), or null; for an entry with several
     *                     downloads it is the first one's
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
        String token = null;
        if (Boolean.TRUE.equals(e.gated())) {
            String var = e.tokenEnv() == null ? "HF_TOKEN" : e.tokenEnv();
            token = env.apply(var);
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException(name + " is gated (" + e.license() + "): accept its terms at the source and set " + var
                        + " to your own access token; the harness never redistributes it");
            }
        }
        String output = e.output() == null ? stem + ".jsonl" : e.output().replace("{variant}", variant == null ? "" : variant);
        Path dataset = outDir.resolve(output).normalize();
        if (!dataset.startsWith(outDir.normalize())) throw new IllegalArgumentException(base + ": output '" + output + "' leaves the output directory");
        if (e.manual() != null && Files.exists(dataset)) return placed(e, name, variant, rev, dataset, expectSha256 != null ? expectSha256 : e.sha256());
        List<Download> downloads = new ArrayList<>();
        try {
            // the downloads: the entry's file (or each of its parts), then the files a converter joins in; a pinned hash
            // is checked before anything is converted, so a changed source writes nothing
            List<String> parts = e.parts() == null || e.parts().isEmpty() ? java.util.Collections.singletonList(null) : e.parts();
            for (String part : parts) {
                String url = url(e.url(), rev, variant, part);
                String pinned = part != null ? get(e.partSha256(), part) : variant == null ? e.sha256() : get(e.variantSha256(), variant);
                String expected = downloads.isEmpty() && expectSha256 != null ? expectSha256 : revision == null ? pinned : null;
                try {
                    downloads.add(fetchFile(url, token, stem, expected));
                } catch (IllegalArgumentException failed) {
                    if (e.manual() == null) throw failed;
                    throw new IllegalArgumentException(failed.getMessage() + "\n" + byHand(e, name, dataset, expected), failed);
                }
            }
            Map<String, Path> also = new java.util.LinkedHashMap<>();
            if (e.also() != null) {
                for (Map.Entry<String, String> a : e.also().entrySet()) {
                    Download d = fetchFile(url(a.getValue(), rev, variant, null), token, stem, revision == null ? get(e.alsoSha256(), a.getKey()) : null,
                            revision == null ? get(e.alsoGitBlob(), a.getKey()) : null);
                    downloads.add(d);
                    also.put(a.getKey(), d.file());
                }
            }
            Written written = writeCreatingDirectories(e, downloads, also, dataset, token, stem);
            ObjectNode source = JsonNodeFactory.instance.objectNode();
            source.put("name", name);
            if (variant != null) source.put("variant", variant);
            source.put("url", downloads.getFirst().url());
            source.put("revision", rev);
            source.put("sha256", downloads.getFirst().sha256());
            List<Download> all = new ArrayList<>(downloads);
            all.addAll(written.extra());
            if (all.size() > 1) {
                ArrayNode files = source.putArray("files");
                for (Download d : all) files.addObject().put("url", d.url()).put("sha256", d.sha256());
            }
            if (!written.missing().isEmpty()) {
                ArrayNode missing = source.putArray("missing");
                written.missing().forEach(missing::add);
            }
            source.put("format", e.format() == null ? "jsonl" : e.format());
            if (e.converter() != null) source.put("conversion", e.converter());
            source.put("converted_sha256", written.sha256());
            source.put("license", e.license());
            source.put("gated", Boolean.TRUE.equals(e.gated()));
            if (written.rows() >= 0) source.put("rows", written.rows());
            source.put("converter", RunLock.HARNESS);
            RunOutputs.replace(sourceFileOf(dataset), CanonicalJson.pretty(source));
            return new Fetched(dataset, source, written.rows());
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot write the dataset " + stem + " under " + outDir + ": " + ex.getMessage(), ex);
        } finally {
            for (Download d : downloads) {
                try {
                    Files.deleteIfExists(d.file());
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static String url(String template, String rev, String variant, String part) {
        return template.replace("{revision}", rev == null ? "main" : rev).replace("{variant}", variant == null ? "" : variant)
                .replace("{part}", part == null ? "" : part);
    }

    private static String param(DatasetManifest.Entry e, String key) {
        return get(e.params(), key);
    }

    private static String get(Map<String, String> map, String key) {
        return map == null ? null : map.get(key);
    }

    /** One downloaded file: where from, its temporary copy and its hash. */
    record Download(String url, Path file, String sha256) {}

    /** What was written: the converted file's hash, its rows (-1 for a raw file), further downloads and what could not be had. */
    private record Written(String sha256, int rows, List<Download> extra, List<String> missing) {
        Written(String sha256, int rows) {
            this(sha256, rows, List.of(), List.of());
        }
    }

    /**
     * Downloads a file to a temporary file (streamed: a large Parquet or JSONL file is never held on the heap) and checks
     * it against the expected hash, when there is one.
     */
    Download fetchFile(String url, String token, String stem, String expected) throws IOException {
        return fetchFile(url, token, stem, expected, null);
    }

    /** {@link #fetchFile(String, String, String, String)}, also checking the file's git blob id when one is given. */
    Download fetchFile(String url, String token, String stem, String expected, String expectedGitBlob) throws IOException {
        Path file = Files.createTempFile("nemotron4j-fetch-" + stem + "-", ".download");
        try {
            download(url, token, file);
            String sha = Sha256.ofFile(file);
            if (expected != null && !expected.equalsIgnoreCase(sha)) {
                throw new IllegalArgumentException(url + " has sha256 " + sha + ", the pinned one is " + expected + ": "
                        + (isWebPage(file) ? "the server answered with a web page instead of the file" : "the source changed")
                        + " (nothing was written; pass --expect-sha256 to accept a new version)");
            }
            if (expectedGitBlob != null) {
                String blob = gitBlobId(file);
                if (!expectedGitBlob.equalsIgnoreCase(blob)) {
                    throw new IllegalArgumentException(url + " has git blob id " + blob + ", the pinned commit's is " + expectedGitBlob
                            + ": " + (isWebPage(file) ? "the server answered with a web page instead of the file" : "not the pinned file")
                            + " (nothing was written)");
                }
            }
            return new Download(url, file, sha);
        } catch (RuntimeException ex) {
            Files.deleteIfExists(file);
            throw ex;
        }
    }

    /** git's id of a file's bytes: SHA-1 of {@code "blob SIZE\0"} and the bytes (what {@code git ls-tree} lists). */
    static String gitBlobId(Path file) throws IOException {
        java.security.MessageDigest sha1;
        try {
            sha1 = java.security.MessageDigest.getInstance("SHA-1");
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException("no SHA-1 in this JDK", ex);
        }
        sha1.update(("blob " + Files.size(file) + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) sha1.update(buffer, 0, n);
        }
        return java.util.HexFormat.of().formatHex(sha1.digest());
    }

    /** Whether a download is an HTML page (a host's sign-in, confirmation or quota page) rather than the file asked for. */
    private static boolean isWebPage(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String start = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(java.util.Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html");
    }

    /**
     * A file of a {@code manual} entry that is already at its output (saved there by hand, or fetched before): checked
     * against the pinned hash and recorded, nothing downloaded.
     */
    private static Fetched placed(DatasetManifest.Entry e, String name, String variant, String rev, Path dataset, String expected) {
        String sha = Sha256.ofFile(dataset);
        if (expected != null && !expected.equalsIgnoreCase(sha)) {
            throw new IllegalArgumentException(dataset + " is there already but has sha256 " + sha + ", not the pinned " + expected
                    + " (an incomplete or other file: remove it to download again, or pass --expect-sha256 " + sha + " to accept it)");
        }
        ObjectNode source = JsonNodeFactory.instance.objectNode();
        source.put("name", name);
        if (variant != null) source.put("variant", variant);
        source.put("url", url(e.url(), rev, variant, null));
        if (rev != null) source.put("revision", rev);
        source.put("sha256", sha);
        source.put("verified_in_place", true);
        source.put("format", e.format() == null ? "jsonl" : e.format());
        source.put("converted_sha256", sha);
        source.put("license", e.license());
        source.put("gated", Boolean.TRUE.equals(e.gated()));
        source.put("converter", RunLock.HARNESS);
        RunOutputs.replace(sourceFileOf(dataset), CanonicalJson.pretty(source));
        return new Fetched(dataset, source, -1);
    }

    /** What to do by hand when a {@code manual} entry's download fails. */
    private static String byHand(DatasetManifest.Entry e, String name, Path dataset, String expected) {
        return "Download it by hand instead: " + e.manual().strip().replace("{output}", dataset.toAbsolutePath().toString())
                + (expected == null ? "" : " (sha256 " + expected + ")")
                + ". Then run `eval fetch " + name + " --out " + dataset.toAbsolutePath().getParent()
                + "` again: it checks the file against that hash and records where it came from.";
    }

    /** {@link #write}, creating the output's directories first and removing the ones it created when the conversion fails. */
    private Written writeCreatingDirectories(DatasetManifest.Entry e, List<Download> downloads, Map<String, Path> also, Path dataset,
                                             String token, String stem) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path d = dataset.toAbsolutePath().getParent(); d != null && !Files.exists(d); d = d.getParent()) created.addFirst(d);
        Files.createDirectories(dataset.toAbsolutePath().getParent());
        try {
            return write(e, downloads, also, dataset, token, stem);
        } catch (RuntimeException | IOException ex) {
            for (Path d : created.reversed()) {
                try {
                    Files.deleteIfExists(d);
                } catch (IOException notEmpty) {
                    break;
                }
            }
            throw ex;
        }
    }

    /** Converts the downloads into the output file, written whole or not at all. */
    private Written write(DatasetManifest.Entry e, List<Download> downloads, Map<String, Path> also, Path dataset, String token, String stem)
            throws IOException {
        String format = e.format() == null ? "jsonl" : e.format();
        if (e.converter() != null) {
            return switch (e.converter()) {
                case "arena_hard" -> {
                    if (downloads.size() - also.size() != 1) throw new IllegalArgumentException("converter arena_hard reads one question file");
                    yield writeRows(dataset, ArenaHardJoin.rows(downloads.getFirst().file(), also, e.params() == null ? Map.of() : e.params()).iterator());
                }
                case "essays" -> {
                    EssayHaystack.Collected c = EssayHaystack.collect(downloads.getFirst().file(), url -> {
                        try {
                            return fetchFile(url, null, stem, null);
                        } catch (IOException ex) {
                            throw new java.io.UncheckedIOException(ex);
                        }
                    });
                    String json = CanonicalJson.canonical(JsonNodeFactory.instance.objectNode().put("text", c.text())) + "\n";
                    RunOutputs.replace(dataset, json);
                    yield new Written(Sha256.hex(json), -1, c.essays(), c.missing());
                }
                case "scicode" -> {
                    if (downloads.size() - also.size() != 1) throw new IllegalArgumentException("converter scicode reads one problems file");
                    yield writeRows(dataset, SciCodePrefilledSteps.rows(downloads.getFirst().file(), also).iterator());
                }
                case "mmlu" -> {
                    if (downloads.size() != 1) throw new IllegalArgumentException("converter mmlu reads one archive");
                    yield writeRows(dataset, MmluArchive.rows(downloads.getFirst().file(), param(e, "split"), downloads.getFirst().url()).iterator());
                }
                case "arc" -> {
                    if (downloads.size() != 1) throw new IllegalArgumentException("converter arc reads one archive");
                    yield writeRows(dataset, ArcQuestions.rows(downloads.getFirst().file(), param(e, "member"), downloads.getFirst().url()).iterator());
                }
                default -> throw new IllegalArgumentException("unknown converter '" + e.converter() + "' (arena_hard, essays, scicode, mmlu, arc)");
            };
        }
        if ("raw".equals(format)) {
            Path tmp = temporaryBeside(dataset);
            try (var out = Files.newOutputStream(tmp)) {
                for (Download d : downloads) Files.copy(d.file(), out);
            }
            moveInto(tmp, dataset);
            return new Written(Sha256.ofFile(dataset), -1);
        }
        if ("jsonl".equals(format)) {
            // streamed line by line: LiveCodeBench's release files are gigabytes of JSONL
            List<java.util.Iterator<ObjectNode>> sources = new ArrayList<>();
            for (Download d : downloads) sources.add(rename(e, jsonlRows(d)));
            return writeRows(dataset, concat(sources));
        }
        if (downloads.size() != 1) throw new IllegalArgumentException("parts are supported for jsonl and raw sources, not " + format);
        return writeRows(dataset, convert(e, downloads.getFirst().file(), downloads.getFirst().url()).iterator());
    }

    /** Rows written as canonical JSONL to a temporary file beside the dataset, hashed on the way, then moved into place. */
    private static Written writeRows(Path dataset, java.util.Iterator<ObjectNode> rows) throws IOException {
        Path tmp = temporaryBeside(dataset);
        java.security.MessageDigest digest = Sha256.newDigest();
        int n = 0;
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            while (rows.hasNext()) {
                byte[] line = (CanonicalJson.canonical(rows.next()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                digest.update(line);
                out.write(line);
                n++;
            }
        } catch (RuntimeException ex) {
            Files.deleteIfExists(tmp);
            throw ex;
        }
        moveInto(tmp, dataset);
        return new Written(java.util.HexFormat.of().formatHex(digest.digest()), n);
    }

    private static Path temporaryBeside(Path file) throws IOException {
        return Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
    }

    private static void moveInto(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException ex) {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The rows of a JSONL download, read lazily line by line (a byte-order mark and blank lines skipped). */
    private static java.util.Iterator<ObjectNode> jsonlRows(Download d) throws IOException {
        java.io.BufferedReader reader = Files.newBufferedReader(d.file(), java.nio.charset.StandardCharsets.UTF_8);
        return new java.util.Iterator<>() {
            int line;
            ObjectNode next = advance();

            private ObjectNode advance() {
                try {
                    for (String l; (l = reader.readLine()) != null; ) {
                        line++;
                        if (line == 1 && l.startsWith("\uFEFF")) l = l.substring(1);
                        if (l.isBlank()) continue;
                        try {
                            return object(CanonicalJson.parse(l), d.url() + " line " + line);
                        } catch (IllegalArgumentException ex) {
                            throw new IllegalArgumentException(d.url() + " line " + line + ": " + ex.getMessage(), ex);
                        }
                    }
                    reader.close();
                    return null;
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException("cannot read the download of " + d.url(), ex);
                }
            }

            @Override
            public boolean hasNext() { return next != null; }

            @Override
            public ObjectNode next() {
                if (next == null) throw new java.util.NoSuchElementException();
                ObjectNode out = next;
                next = advance();
                return out;
            }
        };
    }

    private static <T> java.util.Iterator<T> concat(List<java.util.Iterator<T>> parts) {
        return parts.stream().flatMap(it -> java.util.stream.StreamSupport.stream(
                java.util.Spliterators.spliteratorUnknownSize(it, java.util.Spliterator.ORDERED), false)).iterator();
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
        rename(e, raw.iterator()).forEachRemaining(out::add);
        return out;
    }

    /** Fields renamed as rows are read. */
    private static Iterator<ObjectNode> rename(DatasetManifest.Entry e, Iterator<ObjectNode> raw) {
        Map<String, String> fields = e.fields() == null ? Map.of() : e.fields();
        if (fields.isEmpty()) return raw;
        return new Iterator<>() {
            int index;

            @Override
            public boolean hasNext() { return raw.hasNext(); }

            @Override
            public ObjectNode next() {
                ObjectNode row = raw.next();
                ObjectNode converted = JsonNodeFactory.instance.objectNode();
                for (Map.Entry<String, String> f : fields.entrySet()) {
                    if (!row.has(f.getValue())) throw new IllegalArgumentException("row " + index + " has no field '" + f.getValue() + "'");
                    converted.set(f.getKey(), row.get(f.getValue()));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!fields.containsValue(f.getKey()) && !converted.has(f.getKey())) converted.set(f.getKey(), f.getValue());
                }
                index++;
                return converted;
            }
        };
    }

    private static ObjectNode object(JsonNode node, String where) {
        if (!(node instanceof ObjectNode o)) throw new IllegalArgumentException(where + " is not a JSON object");
        return o;
    }
}

package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs and the sources point only at files in the repository: every relative Markdown link resolves, and every
 * Markdown file named in a doc or a source comment ({@code PROTOCOL.md §5}, {@code docs/SERVER.md}) exists.
 */
class DocsReferencesTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)(#[^)]*)?\\)");
    private static final Pattern MD_NAME = Pattern.compile("(?<![\\w/.-])([\\w.-]+/)*[\\w-]+\\.md\\b");

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .filter(p -> {
                        String s = root.relativize(p).toString();
                        return !s.contains("/target/") && !s.startsWith("target/") && !s.contains("node_modules") && !s.startsWith(".");
                    })
                    .filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".java") || p.toString().endsWith(".mjs"))
                    .toList();
        }
    }

    @Test
    void everyReferencedMarkdownFileAndLinkExists() throws IOException {
        Path root = TestData.repositoryRoot();
        List<Path> files = files(root);
        Set<String> names = new HashSet<>();
        for (Path p : files) names.add(p.getFileName().toString());
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            String where = root.relativize(file).toString();
            if (file.toString().endsWith(".md")) {
                Matcher m = LINK.matcher(text);
                while (m.find()) {
                    String target = m.group(1);
                    if (target.contains("://") || target.startsWith("mailto:")) continue;
                    if (!Files.exists(file.getParent().resolve(target).normalize())) broken.add(where + ": link " + target);
                }
            }
            // the specs cite files of other repositories (owner/repo:path); the fixtures' READMEs (copied with the
            // fixtures) describe the generators' repository (its tools/...)
            if (where.startsWith("docs/spec/") || where.startsWith("testdata/")) continue;
            Matcher m = MD_NAME.matcher(text);
            while (m.find()) {
                String ref = m.group();
                boolean exists = ref.contains("/")
                        ? Files.exists(root.resolve(ref)) || Files.exists(file.getParent().resolve(ref).normalize())
                        : names.contains(ref);
                if (!exists) broken.add(where + ": names " + ref);
            }
        }
        assertThat(broken).as("references to files that are not in the repository").isEmpty();
    }
}

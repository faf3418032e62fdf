package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * ARC's questions from AI2's {@code ARC-V1-Feb2018.zip}: one JSONL member per set and split
 * ({@code ARC-V1-Feb2018-2/ARC-Challenge/ARC-Challenge-Test.jsonl}), each line
 * {@code {id, question: {stem, choices: [{text, label}]}, answerKey}}. Labels are letters or digits ("1".."4") and some
 * questions have three or five options, so the answer is the position of {@code answerKey} among the labels. The rows
 * are {@code {id, question, choices, answer}} (answer a letter by position), what the {@code multiple_choice} task
 * reads. The member's CRC-32 is checked, so a corrupt archive is an error, never a shorter or garbled file.
 */
final class ArcQuestions {
    private ArcQuestions() {}

    /**
     * @param zip    the downloaded archive
     * @param member the member's path in the archive
     * @param where  the archive's URL, for errors
     */
    static List<ObjectNode> rows(Path zip, String member, String where) {
        if (member == null || member.isBlank()) throw new IllegalArgumentException("converter arc: params.member must name the archive's JSONL file");
        String text = new String(member(zip, member, where), StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<ObjectNode> out = new ArrayList<>();
        int line = 0;
        for (String l : text.split("\n", -1)) {
            line++;
            if (l.isBlank()) continue;
            String at = where + " " + member + " line " + line;
            JsonNode q;
            try {
                q = CanonicalJson.parse(l);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
            String id = q.path("id").asText(null);
            JsonNode stem = q.path("question").path("stem");
            JsonNode choices = q.path("question").path("choices");
            String key = q.path("answerKey").asText(null);
            if (id == null || !stem.isTextual() || !choices.isArray() || choices.isEmpty() || key == null) {
                throw new IllegalArgumentException(at + " lacks id, question.stem, question.choices or answerKey");
            }
            ObjectNode row = JsonNodeFactory.instance.objectNode();
            row.put("id", id);
            row.put("question", stem.asText());
            ArrayNode texts = row.putArray("choices");
            int answer = -1;
            for (int i = 0; i < choices.size(); i++) {
                JsonNode c = choices.get(i);
                if (!c.path("text").isTextual() || !c.path("label").isTextual()) throw new IllegalArgumentException(at + ": choice " + i + " lacks text or label");
                texts.add(c.get("text").asText());
                if (c.get("label").asText().equals(key)) answer = i;
            }
            if (answer < 0) throw new IllegalArgumentException(at + ": answerKey '" + key + "' is none of the choices' labels");
            if (choices.size() > 26) throw new IllegalArgumentException(at + ": more than 26 choices");
            row.put("answer", String.valueOf((char) ('A' + answer)));
            out.add(row);
        }
        return out;
    }

    /** A member's bytes, checked against its size and CRC-32 in the archive's directory. */
    static byte[] member(Path zip, String member, String where) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry(member);
            if (e == null || e.isDirectory()) throw new IllegalArgumentException(where + ": the zip archive has no file " + member);
            byte[] bytes;
            try (InputStream in = z.getInputStream(e)) {
                bytes = in.readAllBytes();
            } catch (ZipException | java.io.EOFException corrupt) {
                throw new IllegalArgumentException(where + ": " + member + " in the zip archive is corrupt (" + corrupt.getMessage() + ")", corrupt);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (e.getSize() >= 0 && bytes.length != e.getSize() || e.getCrc() >= 0 && crc.getValue() != e.getCrc()) {
                throw new IllegalArgumentException(where + ": " + member + " in the zip archive is corrupt (" + bytes.length + " bytes with CRC-32 "
                        + Long.toHexString(crc.getValue()) + ", its directory says " + e.getSize() + " bytes, " + Long.toHexString(e.getCrc()) + ")");
            }
            return bytes;
        } catch (ZipException notZip) {
            throw new IllegalArgumentException(where + ": not a readable zip archive (" + notZip.getMessage() + "; truncated or corrupt?)", notZip);
        } catch (IOException io) {
            throw new UncheckedIOException("cannot read the download of " + where, io);
        }
    }
}

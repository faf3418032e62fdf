package dev.nemotron4j.tokenizer.decoder;

import dev.nemotron4j.tokenizer.text.OnigurumaPattern;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DecodersTest {

    @Test
    void byteLevelJoinsBytesAcrossTokens() {
        // "é" is C3 A9, spelled "Ã©"; split over two tokens it still decodes as one character.
        assertThat(new ByteLevelDecoder().decode(List.of("HiĠÃ", "©Ċ"))).isEqualTo("Hi é\n");
        assertThat(new ByteLevelDecoder().decode(List.of("Ã"))).isEqualTo("\uFFFD");
        // A token with characters outside the alphabet contributes its own UTF-8.
        assertThat(new ByteLevelDecoder().decode(List.of("<｜User｜>", "Ġhi"))).isEqualTo("<｜User｜> hi");
    }

    @Test
    void byteFallbackFuseAndReplace() {
        Decoder gemma = new DecoderSequence(List.of(new ReplaceDecoder(OnigurumaPattern.literal("▁"), " "),
                new ByteFallbackDecoder(), new FuseDecoder()));
        assertThat(gemma.decode(List.of("▁Hi", "<0xE4>", "<0xB8>", "<0xAD>", "▁there"))).isEqualTo(" Hi中 there");
        assertThat(gemma.decode(List.of("<0xE4>", "<0xB8>", "x"))).isEqualTo("\uFFFD\uFFFDx");
    }

    @Test
    void stripRemovesAtMostTheConfiguredCount() {
        assertThat(new StripDecoder(' ', 1, 0).decodeChain(List.of("  a ", " b"))).containsExactly(" a ", "b");
        assertThat(new StripDecoder(' ', 0, 2).decodeChain(List.of("a   "))).containsExactly("a ");
    }

    @Test
    void metaspaceDropsThePrefixOnlyInTheFirstToken() {
        assertThat(new MetaspaceDecoder('▁', true).decode(List.of("▁Hey", "▁friend", "!"))).isEqualTo("Hey friend!");
        assertThat(new MetaspaceDecoder('▁', false).decode(List.of("▁Hey"))).isEqualTo(" Hey");
    }

    @Test
    void suffixAndWordPieceDecoders() {
        assertThat(new BpeSuffixDecoder("</w>").decode(List.of("hel", "lo</w>", "world</w>"))).isEqualTo("hello world");
        assertThat(new WordPieceDecoder("##", true).decode(List.of("un", "##believ", "##able", "!")))
                .isEqualTo("unbelievable!");
    }
}

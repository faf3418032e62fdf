package dev.nemotron4j.eval.instructions;

import com.optimaize.langdetect.DetectedLanguage;
import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfile;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.CommonTextObjectFactories;
import com.optimaize.langdetect.text.TextObjectFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The language of a text, as IFEval's {@code langdetect.detect} decides it: the same Cybozu n-gram profiles and
 * naive-Bayes trials (through the Optimaize port), restricted to the 55 languages Python's langdetect ships, the
 * long-text algorithm for every length, a fixed seed (so a verdict never changes between runs), and the most probable
 * language as the answer. Empty when the text has no letters to go by ({@code LangDetectException} in Python, which
 * IFEval counts as followed).
 */
public final class LanguageIdentifier {
    /** The profiles of Python's langdetect 1.0.9. */
    static final List<String> LANGDETECT_LANGUAGES = List.of("af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en",
            "es", "et", "fa", "fi", "fr", "gu", "he", "hi", "hr", "hu", "id", "it", "ja", "kn", "ko", "lt", "lv", "mk", "ml",
            "mr", "ne", "nl", "no", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sv", "sw", "ta", "te", "th", "tl",
            "tr", "uk", "ur", "vi", "zh-CN", "zh-TW");

    private static final class Holder {
        static final LanguageDetector DETECTOR = build();
        static final TextObjectFactory TEXT = CommonTextObjectFactories.forDetectingOnLargeText();

        private static LanguageDetector build() {
            try {
                List<LanguageProfile> profiles = new LanguageProfileReader().read(LANGDETECT_LANGUAGES);
                return LanguageDetectorBuilder.create(NgramExtractors.standard())
                        .withProfiles(profiles)
                        .shortTextAlgorithm(0)     // Cybozu's algorithm at every length, as langdetect does
                        .seed(0L)
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the language profiles", e);
            }
        }
    }

    private LanguageIdentifier() {}

    /** ISO 639-1 code in lower case ({@code en}, {@code zh-cn}), or empty when nothing can be detected. */
    public static Optional<String> detect(String text) {
        List<DetectedLanguage> ranked;
        synchronized (Holder.DETECTOR) {
            ranked = Holder.DETECTOR.getProbabilities(Holder.TEXT.forText(text));
        }
        if (ranked.isEmpty()) return Optional.empty();
        return Optional.of(ranked.getFirst().getLocale().toString().toLowerCase(Locale.ROOT));
    }
}

package dev.nemotron4j.train.tasks;

import java.util.List;

/**
 * Invented place names ("Valmora", "Port Kethu", "Drisanel"): weather questions about places that no list holds,
 * so that a model trained on them learns to copy the user's city into the call instead of recalling one of the
 * cities it saw. Names are made of two or three syllables (onset, vowel, optional coda), sometimes after a prefix
 * such as "Port" or "San"; never one of {@link ToolUseEnvironment#CITIES}.
 */
public final class InventedCity {

    private static final List<String> ONSETS = List.of("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r",
            "s", "t", "v", "w", "z", "br", "ch", "dr", "gr", "kr", "sh", "st", "tr", "th", "ph", "qu", "y");
    private static final List<String> VOWELS = List.of("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "ia", "y");
    private static final List<String> CODAS = List.of("", "", "", "", "n", "r", "l", "s", "m", "th", "nd", "k", "sk", "t");
    private static final List<String> PREFIXES = List.of("Port", "San", "New", "Lake", "Fort", "Saint", "North", "El", "Mount", "Upper");

    private InventedCity() {
    }

    /** The next invented name from {@code random}. */
    public static String next(SeededRandom random) {
        while (true) {
            StringBuilder name = new StringBuilder();
            if (random.chance(1, 5)) name.append(random.pick(PREFIXES)).append(' ');
            int start = name.length();
            int syllables = random.between(2, 3);
            for (int i = 0; i < syllables; i++) {
                name.append(random.pick(ONSETS)).append(random.pick(VOWELS));
                if (i == syllables - 1 || random.chance(1, 3)) name.append(random.pick(CODAS));
            }
            name.setCharAt(start, Character.toUpperCase(name.charAt(start)));
            String city = name.toString();
            if (!ToolUseEnvironment.CITIES.contains(city)) return city;
        }
    }
}

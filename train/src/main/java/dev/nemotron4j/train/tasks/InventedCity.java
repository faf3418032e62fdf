package dev.nemotron4j.train.tasks;

import java.util.List;

/**
 * Invented place names ("Valmora", "Port Kethu", "Drisanel"): weather questions about places that no list holds,
 * so that a model trained on them learns to copy the user's city into the call instead of recalling one of the
 * cities it saw. Names are made of two or three syllables (onset, vowel, optional coda), sometimes after a prefix
 * such as "Port" or "San"; never one of {@link ToolUseEnvironment#CITIES}. {@link Style#VARIED} names look more like
 * the world's: doubled letters and consonant clusters ("Vellappo", "Kantwerd"), up to three words ("Drossel
 * Springs", "Santa Mirrak Falls", "Orra de Kessen"). {@link Style#PIECES} names are random runs of a tokenizer's own
 * letter groups ("Kresporden", "Auchtwitter Ngel"): no shape to predict, every group the tokenizer has among them,
 * so a model must copy the name token by token instead of continuing it from a prior over names.
 */
public final class InventedCity {

    /** How names are built. */
    public enum Style {
        /** Two or three onset-vowel-coda syllables, sometimes after a prefix (the first stages' names). */
        SYLLABLES,
        /** Letter groups of every common shape, doubled consonants and clusters included, in one to three words. */
        VARIED,
        /** Random runs of a tokenizer's letter groups ({@link LetterGroups}), in one or two words. */
        PIECES
    }

    /**
     * The letter groups {@link Style#PIECES} names are made of: word starts (a capital and lower-case letters, e.g.
     * "Dr", "An") and continuations (lower-case letters, e.g. "es", "den", "por").
     */
    public record LetterGroups(List<String> starts, List<String> continuations) {

        /** No groups: for every style but {@link Style#PIECES}. */
        public static final LetterGroups NONE = new LetterGroups(List.of(), List.of());

        public LetterGroups {
            starts = List.copyOf(starts);
            continuations = List.copyOf(continuations);
            if (starts.isEmpty() != continuations.isEmpty()) {
                throw new IllegalArgumentException("letter groups need both word starts and continuations, or neither");
            }
        }

        /**
         * The groups among a vocabulary's token texts, in vocabulary order: a capital and up to three lower-case
         * letters, after a space or not ({@code " An"}, {@code "D"}), is a word start (once, without the space); a
         * run of one to six lower-case letters ({@code "den"}) a continuation. Everything else (digits, punctuation,
         * markup, lower-case words after a space, long capitalised words) is left out.
         */
        public static LetterGroups of(Iterable<String> tokenTexts) {
            java.util.Set<String> starts = new java.util.LinkedHashSet<>();
            List<String> continuations = new java.util.ArrayList<>();
            for (String text : tokenTexts) {
                if (text.matches(" ?[A-Z][a-z]{0,3}")) starts.add(text.strip());
                else if (text.matches("[a-z]{1,6}")) continuations.add(text);
            }
            if (starts.isEmpty() || continuations.isEmpty()) {
                throw new IllegalArgumentException("the vocabulary has no capitalised word starts or no lower-case letter groups"
                        + " (" + starts.size() + " starts, " + continuations.size() + " continuations)");
            }
            return new LetterGroups(List.copyOf(starts), continuations);
        }

        /** True when there are no groups. */
        public boolean isEmpty() {
            return starts.isEmpty();
        }
    }

    private static final List<String> ONSETS_VARIED = List.of("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p",
            "r", "s", "t", "v", "w", "z", "br", "bl", "ch", "cl", "dr", "fr", "gr", "gl", "kr", "kh", "pr", "pl", "sch", "sh",
            "sk", "sl", "sp", "st", "str", "tr", "ts", "th", "tw", "vl", "zh", "a", "e", "i", "o", "u");
    private static final List<String> VOWELS_VARIED = List.of("a", "e", "i", "o", "u", "a", "e", "i", "o", "y", "aa", "ee",
            "oo", "ou", "ei", "ie", "au", "ae", "ui", "ea", "ia", "io");
    private static final List<String> MIDDLES = List.of("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t",
            "v", "w", "x", "z", "ll", "pp", "tt", "ss", "nn", "rr", "mm", "dd", "gg", "ff", "zz", "cc", "nd", "nt", "rd",
            "rg", "sd", "sp", "st", "tw", "ntw", "rk", "lk", "ck", "ch", "sh", "th", "ng", "mb", "rn", "ls", "ks", "dr",
            "str", "rb", "lm", "lv", "nz", "rth", "sk", "tz", "gh");
    private static final List<String> ENDINGS = List.of("", "", "", "n", "r", "l", "s", "m", "t", "k", "d", "g", "p",
            "x", "z", "th", "nd", "rg", "rk", "ck", "ll", "ss", "tt", "ng", "sk", "st", "rp", "rd", "lm", "ns", "tz", "ch");
    private static final List<String> BEFORE = List.of("San", "Santa", "Port", "New", "Lake", "Fort", "Saint", "North",
            "South", "East", "West", "El", "La", "Los", "Mount", "Upper", "Old", "Great");
    private static final List<String> AFTER = List.of("City", "Bay", "Springs", "Falls", "Harbor", "Heights", "Beach",
            "Hills", "Creek", "Park", "Valley", "Island", "Point", "Junction");
    private static final List<String> JOINS = List.of("de", "del", "upon", "am", "an der", "on", "la");

    private static final List<String> ONSETS = List.of("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r",
            "s", "t", "v", "w", "z", "br", "ch", "dr", "gr", "kr", "sh", "st", "tr", "th", "ph", "qu", "y");
    private static final List<String> VOWELS = List.of("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "ia", "y");
    private static final List<String> CODAS = List.of("", "", "", "", "n", "r", "l", "s", "m", "th", "nd", "k", "sk", "t");
    private static final List<String> PREFIXES = List.of("Port", "San", "New", "Lake", "Fort", "Saint", "North", "El", "Mount", "Upper");

    private InventedCity() {
    }

    /** The next invented name of the given style from {@code random}; {@code groups} are used by {@link Style#PIECES}. */
    public static String next(SeededRandom random, Style style, LetterGroups groups) {
        return switch (style) {
            case SYLLABLES -> next(random);
            case VARIED -> nextVaried(random);
            case PIECES -> nextPieces(random, groups);
        };
    }

    private static String nextPieces(SeededRandom random, LetterGroups groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException("invented city style pieces needs letter groups; none given");
        while (true) {
            String city = random.chance(1, 4) ? pieces(random, groups) + " " + pieces(random, groups) : pieces(random, groups);
            if (!ToolUseEnvironment.CITIES.contains(city)) return city;
        }
    }

    /** A word start, then one to three continuations, at most 14 letters. */
    private static String pieces(SeededRandom random, LetterGroups groups) {
        StringBuilder word = new StringBuilder(random.pick(groups.starts()));
        int continuations = random.between(1, 3);
        for (int i = 0; i < continuations; i++) {
            String next = random.pick(groups.continuations());
            if (word.length() + next.length() > 14) break;
            word.append(next);
        }
        return word.toString();
    }

    private static String nextVaried(SeededRandom random) {
        while (true) {
            int form = random.nextInt(20);
            String city = switch (form) {
                case 0, 1, 2, 3 -> random.pick(BEFORE) + " " + word(random);
                case 4, 5, 6 -> word(random) + " " + random.pick(AFTER);
                case 7 -> random.pick(BEFORE) + " " + word(random) + " " + random.pick(AFTER);
                case 8 -> word(random) + " " + random.pick(JOINS) + " " + word(random);
                case 9 -> word(random) + " " + word(random);
                default -> word(random);
            };
            if (!ToolUseEnvironment.CITIES.contains(city)) return city;
        }
    }

    /** One capitalised word of 3 to 12 letters: an onset, then vowel groups and middle letter groups in turn. */
    private static String word(SeededRandom random) {
        StringBuilder word = new StringBuilder(random.pick(ONSETS_VARIED));
        int groups = random.between(1, 3);
        for (int i = 0; i < groups; i++) {
            if (!isVowel(word.charAt(word.length() - 1))) word.append(random.pick(VOWELS_VARIED));
            if (i < groups - 1) word.append(random.pick(MIDDLES));
        }
        word.append(random.pick(ENDINGS));
        if (word.length() < 3) word.append(random.pick(MIDDLES)).append(random.pick(VOWELS_VARIED));
        if (word.length() > 12) word.setLength(12);
        word.setCharAt(0, Character.toUpperCase(word.charAt(0)));
        return word.toString();
    }

    private static boolean isVowel(char c) {
        return "aeiouy".indexOf(c) >= 0;
    }

    /** The next invented name from {@code random}, {@link Style#SYLLABLES}. */
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

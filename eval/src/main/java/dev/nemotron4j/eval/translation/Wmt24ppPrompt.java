package dev.nemotron4j.eval.translation;

import java.util.Map;

/**
 * The WMT24++ translation prompt (Deutsch et al., 2025) for an English→X pair named as the dataset's {@code lp} field
 * ({@code en-de_DE}): the target language and region come from the locale code.
 */
public final class Wmt24ppPrompt {
    private Wmt24ppPrompt() {}

    /** Target language and region of a WMT24++ locale. */
    public record Locale(String language, String region) {}

    /** The 55 target locales of WMT24++. */
    public static final Map<String, Locale> LOCALES = Map.ofEntries(
            Map.entry("ar_EG", new Locale("Arabic", "Egypt")), Map.entry("ar_SA", new Locale("Arabic", "Saudi Arabia")),
            Map.entry("bg_BG", new Locale("Bulgarian", "Bulgaria")), Map.entry("bn_IN", new Locale("Bengali", "India")),
            Map.entry("ca_ES", new Locale("Catalan", "Spain")), Map.entry("cs_CZ", new Locale("Czech", "Czechia")),
            Map.entry("da_DK", new Locale("Danish", "Denmark")), Map.entry("de_DE", new Locale("German", "Germany")),
            Map.entry("el_GR", new Locale("Greek", "Greece")), Map.entry("es_MX", new Locale("Spanish", "Mexico")),
            Map.entry("et_EE", new Locale("Estonian", "Estonia")), Map.entry("fa_IR", new Locale("Persian", "Iran")),
            Map.entry("fi_FI", new Locale("Finnish", "Finland")), Map.entry("fil_PH", new Locale("Filipino", "Philippines")),
            Map.entry("fr_CA", new Locale("French", "Canada")), Map.entry("fr_FR", new Locale("French", "France")),
            Map.entry("gu_IN", new Locale("Gujarati", "India")), Map.entry("he_IL", new Locale("Hebrew", "Israel")),
            Map.entry("hi_IN", new Locale("Hindi", "India")), Map.entry("hr_HR", new Locale("Croatian", "Croatia")),
            Map.entry("hu_HU", new Locale("Hungarian", "Hungary")), Map.entry("id_ID", new Locale("Indonesian", "Indonesia")),
            Map.entry("is_IS", new Locale("Icelandic", "Iceland")), Map.entry("it_IT", new Locale("Italian", "Italy")),
            Map.entry("ja_JP", new Locale("Japanese", "Japan")), Map.entry("kn_IN", new Locale("Kannada", "India")),
            Map.entry("ko_KR", new Locale("Korean", "South Korea")), Map.entry("lt_LT", new Locale("Lithuanian", "Lithuania")),
            Map.entry("lv_LV", new Locale("Latvian", "Latvia")), Map.entry("ml_IN", new Locale("Malayalam", "India")),
            Map.entry("mr_IN", new Locale("Marathi", "India")), Map.entry("nl_NL", new Locale("Dutch", "Netherlands")),
            Map.entry("no_NO", new Locale("Norwegian", "Norway")), Map.entry("pa_IN", new Locale("Punjabi", "India")),
            Map.entry("pl_PL", new Locale("Polish", "Poland")), Map.entry("pt_BR", new Locale("Portuguese", "Brazil")),
            Map.entry("pt_PT", new Locale("Portuguese", "Portugal")), Map.entry("ro_RO", new Locale("Romanian", "Romania")),
            Map.entry("ru_RU", new Locale("Russian", "Russia")), Map.entry("sk_SK", new Locale("Slovak", "Slovakia")),
            Map.entry("sl_SI", new Locale("Slovenian", "Slovenia")), Map.entry("sr_RS", new Locale("Serbian", "Serbia")),
            Map.entry("sv_SE", new Locale("Swedish", "Sweden")), Map.entry("sw_KE", new Locale("Swahili", "Kenya")),
            Map.entry("sw_TZ", new Locale("Swahili", "Tanzania")), Map.entry("ta_IN", new Locale("Tamil", "India")),
            Map.entry("te_IN", new Locale("Telugu", "India")), Map.entry("th_TH", new Locale("Thai", "Thailand")),
            Map.entry("tr_TR", new Locale("Turkish", "Turkey")), Map.entry("uk_UA", new Locale("Ukrainian", "Ukraine")),
            Map.entry("ur_PK", new Locale("Urdu", "Pakistan")), Map.entry("vi_VN", new Locale("Vietnamese", "Vietnam")),
            Map.entry("zh_CN", new Locale("Chinese", "China")), Map.entry("zh_TW", new Locale("Chinese", "Taiwan")),
            Map.entry("zu_ZA", new Locale("Zulu", "South Africa")));

    /** The prompt asking for {@code source} in the target language of {@code languagePair} ({@code en-xx_YY}). */
    public static String render(String languagePair, String source) {
        int dash = languagePair.indexOf('-');
        if (dash < 0 || !languagePair.substring(0, dash).equals("en")) {
            throw new IllegalArgumentException("WMT24++ language pair must be en-xx_YY, not '" + languagePair + "'");
        }
        String code = languagePair.substring(dash + 1);
        Locale target = LOCALES.get(code);
        if (target == null) throw new IllegalArgumentException("WMT24++: unknown target locale '" + code + "' (known: " + new java.util.TreeSet<>(LOCALES.keySet()) + ")");
        String lang = target.language();
        return "You are a professional English to " + lang + " translator, tasked with providing translations suitable for use in "
                + target.region() + " (" + code + "). Your goal is to accurately convey the meaning and nuances of the original English "
                + "text while adhering to " + lang + " grammar, vocabulary, and cultural sensitivities.\n"
                + "Please translate the following English text into " + lang + " (" + code + "):\n\n"
                + source + "\n\n"
                + "Produce only the " + lang + " translation, without any additional explanations or commentary.";
    }
}

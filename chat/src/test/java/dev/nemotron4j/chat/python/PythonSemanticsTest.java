package dev.nemotron4j.chat.python;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected strings were printed by CPython 3 ({@code repr}, {@code json.dumps(ensure_ascii=False)}, {@code ast.literal_eval}). */
class PythonSemanticsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void floatReprMatchesCPython() {
        Map<Long, String> cases = Map.ofEntries(
                Map.entry(0x0000000000000001L, "5e-324"),
                Map.entry(0x44b52d02c7e14af6L, "1e+23"),
                Map.entry(0x4341c37937e08000L, "1e+16"),
                Map.entry(0x430c6bf526340000L, "1000000000000000.0"),
                Map.entry(0x3fb999999999999aL, "0.1"),
                Map.entry(0x3f1a36e2eb1c432dL, "0.0001"),
                Map.entry(0x3ee4f8b588e368f1L, "1e-05"),
                Map.entry(0x419d6f34547df3b6L, "123456789.123"),
                Map.entry(0x4004000000000000L, "2.5"),
                Map.entry(0xbff8000000000000L, "-1.5"),
                Map.entry(0x3e7ad7f29abcaf48L, "1e-07"),
                Map.entry(0x7fefffffffffffffL, "1.7976931348623157e+308"),
                Map.entry(0x0010000000000000L, "2.2250738585072014e-308"),
                Map.entry(0x4059000000000000L, "100.0"),
                Map.entry(0x4480f0cf064dd592L, "1e+22"),
                Map.entry(0x3c36b082c2148b8eL, "1.23e-18"),
                Map.entry(0x3fd3333333333333L, "0.3"),
                Map.entry(0x3fe5555555555555L, "0.6666666666666666"),
                Map.entry(0x8000000000000000L, "-0.0"),
                Map.entry(0x4011666666666666L, "4.35"),
                Map.entry(0x43118b54f22aeb00L, "1234567890123456.0"),
                Map.entry(0x4345ee2a2eb5a5c4L, "1.2345678901234568e+16"),
                Map.entry(0x0000000000000002L, "1e-323"),
                Map.entry(0x0000000000000004L, "2e-323"),
                Map.entry(0xf2a74de452e6b438L, "-1.989032661366619e+244"),
                Map.entry(0x6513270e269e0d37L, "7.761117632285041e+178"),
                Map.entry(0x0c5c7fd0a6a3a450L, "3.980498358697587e-249"),
                Map.entry(0xd23f0824128b2f33L, "-1.5432835417340557e+88"),
                Map.entry(0x1818e811892f902bL, "1.3647584518757569e-192"),
                Map.entry(0x9531985d5d9dc9f8L, "-1.3701135617873088e-206"),
                Map.entry(0xe8e25d940ed90475L, "-1.7160537630466207e+197"),
                Map.entry(0x36f675cc81e74ef5L, "6.294675241195386e-44"),
                Map.entry(0x1600a35a099950d8L, "1.0613447212142254e-202"),
                Map.entry(0x6b0d549b6f03675aL, "4.708325160387546e+207"),
                Map.entry(0x3d9c172411e20b8fL, "6.387016158513563e-12"),
                Map.entry(0x8d116ece1738f7d9L, "-9.973130378568733e-246")
        );
        cases.forEach((bits, expected) ->
                assertThat(PythonFloat.repr(Double.longBitsToDouble(bits))).as("bits %016x", bits).isEqualTo(expected));
        assertThat(PythonFloat.repr(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }

    @Test
    void strAndReprOfContainersMatchCPython() throws Exception {
        var value = JSON.readTree("{\"a\": [1, 2.5, null, true], \"q\\\"s\": \"it's\", \"c\": \"\\u0000\\u00a0\\u200b😀\\t\\\\\"}");
        assertThat(PythonText.str(value)).isEqualTo("{'a': [1, 2.5, None, True], 'q\"s': \"it's\", 'c': '\\x00\\xa0\\u200b😀\\t\\\\'}");
        assertThat(PythonText.str(JSON.readTree("\"plain\""))).isEqualTo("plain");
        assertThat(PythonText.str(JSON.readTree("false"))).isEqualTo("False");
        assertThat(PythonText.str(JSON.readTree("1e400"))).isEqualTo("inf");
        assertThat(PythonText.str(null)).isEqualTo("None");
    }

    @Test
    void jsonDumpsMatchesCPython() throws Exception {
        var value = JSON.readTree("{\"k\": [\"é\\n\\u0001\\\"\", 1.0, 1e-5, 10000000000000000000000, {}, []], \"u\": \"\\u2028\\u007f\"}");
        assertThat(PythonJsonWriter.dumps(value))
                .isEqualTo("{\"k\": [\"é\\n\\u0001\\\"\", 1.0, 1e-05, 10000000000000000000000, {}, []], \"u\": \"\u2028\u007f\"}");
    }

    @Test
    void stripUsesPythonWhitespace() {
        assertThat(PythonText.strip("\u00a0\u3000\u2009\t x \n\u001c\u0085")).isEqualTo("x");
        assertThat(PythonText.strip("\u200bx")).isEqualTo("\u200bx"); // zero-width space is not whitespace in Python
    }

    @Test
    void literalEvalSubset() {
        assertThat(PythonLiteralParser.parse("{'a': True, 'b': None, 1: (1, 2.5), 'c': [-3, +0x1F, 1_000]}"))
                .hasValueSatisfying(v -> assertThat(PythonJsonWriter.dumps(v))
                        .isEqualTo("{\"a\": true, \"b\": null, \"1\": [1, 2.5], \"c\": [-3, 31, 1000]}"));
        assertThat(PythonLiteralParser.parse("'it\\'s' \"x\\n\" '''tri\nple'''"))
                .hasValueSatisfying(v -> assertThat(v.textValue()).isEqualTo("it'sx\ntri\nple"));
        assertThat(PythonLiteralParser.parse("(1)")).hasValueSatisfying(v -> assertThat(v.intValue()).isEqualTo(1));
        assertThat(PythonLiteralParser.parse("(1,)")).hasValueSatisfying(v -> assertThat(v.toString()).isEqualTo("[1]"));
        assertThat(PythonLiteralParser.parse("{1, 2}")).isEmpty();
        assertThat(PythonLiteralParser.parse("007")).isEmpty();
        assertThat(PythonLiteralParser.parse("hello")).isEmpty();
        assertThat(PythonLiteralParser.parse("[1, 2")).isEmpty();
        assertThat(PythonLiteralParser.parse("1 2")).isEmpty();
    }
}

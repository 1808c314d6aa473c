package io.smfd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse("\uFEFF {\"s\": \"a\\\"b\\\\c\\/\\n\\u00e9\", \"n\": [8, -0.5, 1e-05, 2E+3, NaN, -Infinity],"
                + " \"o\": {\"t\": true, \"f\": false, \"z\": null}, \"e\": {}, \"a\": []}\n");
        assertThat(v).isInstanceOf(Map.class);
        assertThat(List.copyOf(((Map<?, ?>) v).keySet())).isEqualTo(List.of("s", "n", "o", "e", "a"));
        assertThat(Json.get(v, "s")).isEqualTo("a\"b\\c/\n\u00e9");
        List<?> n = (List<?>) Json.get(v, "n");
        assertThat(n).extracting(x -> ((Number) x).doubleValue())
                .containsExactly(8.0, -0.5, 1e-5, 2000.0, Double.NaN, Double.NEGATIVE_INFINITY);
        assertThat(n).extracting(Object::toString).containsExactly("8", "-0.5", "1e-05", "2E+3", "NaN", "-Infinity");
        assertThat(Json.get(v, "o", "t")).isEqualTo(Boolean.TRUE);
        assertThat(Json.get(v, "o", "f")).isEqualTo(Boolean.FALSE);
        assertThat(Json.get(v, "o", "z")).isSameAs(Json.NULL);
        assertThat(Json.get(v, "o", "absent")).isNull();
        assertThat(Json.get(v, "s", "deeper")).as("a string has no members").isNull();
        assertThat((Map<?, ?>) Json.get(v, "e")).isEmpty();
        assertThat((List<?>) Json.get(v, "a")).isEmpty();
    }

    @Test
    void repeatedKeyKeepsItsPositionAndTheLastValue() {
        Object v = Json.parse("{\"a\": 1, \"b\": 2, \"a\": 3}");
        assertThat(Json.write(v)).isEqualTo("{\"a\": 3, \"b\": 2}");
    }

    @Test
    void writesOneLineWithNumbersAsWritten() {
        String text = "{\n  \"psnr\": {\"defocus\": 26.70, \"tiny\": 1e-05},\n  \"names\": [\"a \\\"q\\\"\", \"tab\\t\"],"
                + " \"ok\": true, \"none\": null\n}";
        assertThat(Json.write(Json.parse(text)))
                .isEqualTo("{\"psnr\": {\"defocus\": 26.70, \"tiny\": 1e-05}, \"names\": [\"a \\\"q\\\"\", \"tab\\t\"],"
                        + " \"ok\": true, \"none\": null}");
    }

    @Test
    void rejectsMalformedDocumentsWithTheOffset() {
        String[] bad = {"", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "{\"a\": 1} x", "{a: 1}", "\"open", "\"\\x\"",
            "\"\\u12\"", "tru", "-", "1.2.3", "[" .repeat(70) + "]".repeat(70)};
        for (String s : bad) {
            assertThatIllegalArgumentException().as(s).isThrownBy(() -> Json.parse(s)).withMessageContaining(" at offset ");
        }
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("{\"a\": 1} x"))
                .withMessage("trailing characters at offset 9");
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("[" .repeat(70) + "]".repeat(70)))
                .withMessageStartingWith("nesting too deep");
    }

    @Test
    void modelCardNameIsTheTopLevelOne() {
        assertThat(ModelInfos.cardName("{\"input\": {\"name\": \"input\"}, \"name\": \"Net \\\"2\\\"\"}")).isEqualTo("Net \"2\"");
        assertThat(ModelInfos.cardName("{\"input\": {\"name\": \"input\"}}")).isEqualTo(ModelInfos.DEFAULT_NAME);
        assertThat(ModelInfos.cardName("{\"name\": \" \"}")).isEqualTo(ModelInfos.DEFAULT_NAME);
        assertThat(ModelInfos.cardName("{\"name\": 3}")).isEqualTo(ModelInfos.DEFAULT_NAME);
        assertThat(ModelInfos.cardName("not json")).isEqualTo(ModelInfos.DEFAULT_NAME);
    }
}

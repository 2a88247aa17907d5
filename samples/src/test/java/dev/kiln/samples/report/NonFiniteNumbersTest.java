package dev.kiln.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NonFiniteNumbersTest {
    @Test
    void eachNumberJsonCannotHoldBecomesNullWithAReason() throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("loss", 0.5);
        fields.put("test_loss", Double.POSITIVE_INFINITY);
        fields.put("test_r2", Double.NaN);
        fields.put("losses", Arrays.asList(0.7, Double.NaN, 0.2, Double.NEGATIVE_INFINITY));
        fields.put("class_shares", Map.of("0", Double.NaN));
        fields.put("name", "demo");

        JsonNode json = new ObjectMapper().readTree(Json.write(NonFiniteNumbers.explained(fields)));

        assertEquals(0.5, json.get("loss").doubleValue());
        assertTrue(json.get("test_loss").isNull());
        assertEquals("infinite", json.get("test_loss_reason").textValue());
        assertTrue(json.get("test_r2").isNull());
        assertEquals("not a number", json.get("test_r2_reason").textValue());
        assertEquals("[0.7,null,0.2,null]", json.get("losses").toString());
        assertEquals("not finite at index 1, 3", json.get("losses_reason").textValue());
        assertTrue(json.get("class_shares").get("0").isNull());
        assertEquals("not a number", json.get("class_shares").get("0_reason").textValue());
        assertEquals("demo", json.get("name").textValue());
    }

    @Test
    void numbersNotExplainedAreStillWrittenAsNull() throws IOException {
        record Point(double x, Double y) {
        }
        JsonNode json = new ObjectMapper().readTree(Json.write(new Point(Double.NaN, Double.NEGATIVE_INFINITY)));
        assertTrue(json.get("x").isNull() && json.get("y").isNull(), json.toString());
    }
}

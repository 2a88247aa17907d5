package dev.kiln.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.KilnException;
import java.util.Locale;

/**
 * Jackson configured for files Kiln did not necessarily write: duplicate keys and trailing tokens are errors,
 * nesting is shallow, and no polymorphic typing is ever enabled.
 */
final class StrictJson {
    private StrictJson() {
    }

    /** A mapper that rejects duplicate keys, trailing content and nesting deeper than {@code maxDepth}. */
    static ObjectMapper mapper(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        return new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Parses {@code text} as one JSON object, or throws a {@link KilnException} naming {@code source}. */
    static JsonNode parseObject(ObjectMapper mapper, String text, String source) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new KilnException(source + ": " + problem(e, mapper));
        }
        if (root == null || !root.isObject()) {
            throw new KilnException(source + ": expected a JSON object, found "
                    + (root == null || root.isMissingNode() ? "nothing"
                            : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return root;
    }

    /** Jackson's error without its internals (the hidden source, its settings' names), and where it is. */
    private static String problem(JsonProcessingException e, ObjectMapper mapper) {
        int maxDepth = mapper.getFactory().streamReadConstraints().getMaxNestingDepth();
        if (e instanceof StreamConstraintsException && e.getOriginalMessage().contains("nesting depth")) {
            return "JSON nested deeper than " + maxDepth + " levels, expected at most " + maxDepth;
        }
        String message = e.getOriginalMessage()
                .replaceAll(" \\(start marker at \\[Source: .*?\\]\\)", "")
                .replaceAll(" \\((\\d+), from `[^`]*`\\)", " ($1)");
        JsonLocation at = e.getLocation();
        return "not valid JSON" + (at == null || at.getLineNr() < 0 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": " + message;
    }
}

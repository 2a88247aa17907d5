package dev.kiln.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
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
            throw new KilnException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new KilnException(source + ": expected a JSON object, found "
                    + (root == null || root.isMissingNode() ? "nothing"
                            : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return root;
    }
}

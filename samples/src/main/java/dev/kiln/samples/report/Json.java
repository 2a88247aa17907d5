package dev.kiln.samples.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.KilnException;

/** JSON as the command line writes it: snake_case keys, indented, one trailing newline. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** {@code value} as indented JSON text. */
    public static String write(Object value) {
        return write(MAPPER, value);
    }

    /** {@code value} as JSON text written by {@code mapper} (a copy of {@link #mapper()} with mix-ins). */
    public static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new KilnException("could not write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getMessage(), e);
        }
    }

    /** The shared mapper; copy it before configuring it further. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}

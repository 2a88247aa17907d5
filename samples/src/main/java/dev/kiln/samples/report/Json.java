package dev.kiln.samples.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.kiln.KilnException;
import java.io.IOException;

/**
 * JSON as the command line writes it: snake_case keys, indented, one trailing newline, and never a number as the
 * string "NaN" or "Infinity": such numbers are null ({@link NonFiniteNumbers} adds the reasons).
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule("finite-numbers")
                    .addSerializer(Double.class, new FiniteOrNull())
                    .addSerializer(double.class, new FiniteOrNull()));

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

    /** A double as a JSON number, or null when it is NaN or infinite. */
    private static final class FiniteOrNull extends StdSerializer<Double> {
        FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                out.writeNumber(value);
            } else {
                out.writeNull();
            }
        }
    }
}

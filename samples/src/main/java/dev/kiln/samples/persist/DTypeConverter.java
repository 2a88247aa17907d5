package dev.kiln.samples.persist;

import dev.kiln.backend.DType;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** "f32" or "f64", any case, as a {@link DType}. */
final class DTypeConverter implements ITypeConverter<DType> {
    @Override
    public DType convert(String value) {
        DType dtype;
        try {
            dtype = DType.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("expected f32 or f64, got '" + value + "'");
        }
        if (!dtype.isReal()) {
            throw new TypeConversionException("expected f32 or f64, got '" + value + "' (I32 holds indices only)");
        }
        return dtype;
    }
}

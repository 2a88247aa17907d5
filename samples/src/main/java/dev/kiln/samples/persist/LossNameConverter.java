package dev.kiln.samples.persist;

import dev.kiln.KilnException;
import dev.kiln.loss.Losses;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A loss name that {@link Losses#byName(String)} knows, checked while the command line is read. */
final class LossNameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            Losses.byName(value);
        } catch (KilnException e) {
            throw new TypeConversionException(e.getMessage());
        }
        return value;
    }
}

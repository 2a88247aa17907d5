package dev.kiln.samples.persist;

import dev.kiln.KilnException;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A metric name that {@link Metrics#byName} knows, checked while the command line is read. */
final class MetricNameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            // any loss will do: it only picks which accuracy "accuracy" means, never whether a name is known
            Metrics.byName(value, Losses.mse());
        } catch (KilnException e) {
            throw new TypeConversionException(e.getMessage());
        }
        return value;
    }
}

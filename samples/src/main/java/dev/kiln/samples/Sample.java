package dev.kiln.samples;

import dev.kiln.backend.Backend;
import java.util.Map;

/** A runnable sample training: a named data set and model with default hyperparameters. */
public interface Sample {

    /** The name users type ("xor"). */
    String name();

    /** One sentence for the usage text. */
    String description();

    /** Hyperparameters used when the command line does not override them. */
    TrainingSettings defaults();

    /**
     * A new object whose picocli {@code @Option} fields are this sample's own options ({@code csv --file F}), or
     * null when it takes none: the train command fills it in from its arguments and lists it in its help.
     */
    default Object newOptions() {
        return null;
    }

    /** This sample configured by {@code options}, a {@link #newOptions()} object filled in from the command line. */
    default Sample withOptions(Object options) {
        return this;
    }

    /**
     * Its own options that change what it trains, by option name ({@code --hidden}), for checkpoints to record so
     * that a resumed run can be checked against them; most samples have none.
     */
    default Map<String, String> options() {
        return Map.of();
    }

    /** Builds the model on {@code backend}, trains it with {@code settings} and reports what the run produced. */
    SampleResult train(Backend backend, TrainingSettings settings);
}

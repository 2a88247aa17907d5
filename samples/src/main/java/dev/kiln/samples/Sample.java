package dev.kiln.samples;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import java.util.List;
import java.util.Map;

/** A runnable sample training: a named data set and model with default hyperparameters. */
public interface Sample {

    /** The name users type ("xor"). */
    String name();

    /** One sentence for the usage text. */
    String description();

    /** Hyperparameters used when the command line does not override them. */
    TrainingSettings defaults();

    /** This sample configured by its own command-line options ({@code csv --file F}); most samples take none. */
    default Sample withArguments(List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new KilnException("sample '" + name() + "' takes no options of its own, got " + arguments);
        }
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

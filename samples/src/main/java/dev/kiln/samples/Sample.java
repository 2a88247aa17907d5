package dev.kiln.samples;

import dev.kiln.backend.Backend;

/** A runnable sample training: a named data set and model with default hyperparameters. */
public interface Sample {

    /** The name users type ("xor"). */
    String name();

    /** One sentence for the usage text. */
    String description();

    /** Hyperparameters used when the command line does not override them. */
    TrainingSettings defaults();

    /** Builds the model on {@code backend}, trains it with {@code settings} and reports what the run produced. */
    SampleResult train(Backend backend, TrainingSettings settings);
}

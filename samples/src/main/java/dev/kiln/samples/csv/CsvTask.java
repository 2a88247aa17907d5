package dev.kiln.samples.csv;

/** What the csv sample learns from the label column. */
public enum CsvTask {
    /** Each distinct label is a class; softmax output, categorical cross-entropy, accuracy. */
    CLASSIFY,
    /** The label is a number; linear output, mean squared error, R^2. */
    REGRESS
}

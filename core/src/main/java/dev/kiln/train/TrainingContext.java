package dev.kiln.train;

import dev.kiln.optim.Optimizer;
import java.util.Collections;
import java.util.List;

/** What callbacks see of a running {@code fit}, and the way they stop it. */
public final class TrainingContext {
    private final TrainableModel model;
    private final Optimizer optimizer;
    private final FitOptions options;
    private final List<EpochResult> epochs;
    private int stepsPerEpoch;
    private String stopReason;
    private boolean diverged;
    private DeviceReport deviceReport;

    TrainingContext(TrainableModel model, Optimizer optimizer, FitOptions options, List<EpochResult> epochs) {
        this.model = model;
        this.optimizer = optimizer;
        this.options = options;
        this.epochs = Collections.unmodifiableList(epochs);
    }

    /** The model being trained. */
    public TrainableModel model() {
        return model;
    }

    /** The optimizer updating it. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The options of this fit. */
    public FitOptions options() {
        return options;
    }

    /** The epochs completed so far, those before a resume included when the checkpoint kept them. */
    public List<EpochResult> epochs() {
        return epochs;
    }

    /** The number of training steps in each epoch; known from the start of training. */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    void stepsPerEpoch(int steps) {
        this.stepsPerEpoch = steps;
    }

    /** How the devices shared the latest epoch's steps, in a fit on several devices; null otherwise. */
    public DeviceReport deviceReport() {
        return deviceReport;
    }

    void deviceReport(DeviceReport report) {
        this.deviceReport = report;
    }

    /** Asks training to stop; the first reason given is kept and reported in the {@link History}. */
    public void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    /**
     * Stops training because a loss is no longer finite; this reason replaces any other stop asked for, and the
     * {@link History} says that training diverged.
     */
    public void diverge(String reason) {
        if (!diverged) {
            stopReason = reason;
            diverged = true;
        }
    }

    /** Whether training was stopped because a loss is no longer finite. */
    public boolean diverged() {
        return diverged;
    }

    /** Whether a stop was asked for. */
    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Why training was asked to stop, or null. */
    public String stopReason() {
        return stopReason;
    }
}

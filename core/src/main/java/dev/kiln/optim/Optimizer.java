package dev.kiln.optim;

import dev.kiln.tensor.Tensor;
import java.util.List;

/** Updates parameters from their accumulated gradients; owns per-parameter state (moments, step counts). */
public interface Optimizer extends AutoCloseable {

    /** Short name for logs ("adam"). */
    String name();

    /** Applies one update to every parameter that has a gradient, then zeroes the gradients. */
    void step(List<Tensor> parameters);

    /** The learning rate the next step uses. */
    double learningRate();

    /** Sets the learning rate of the next steps (schedules and callbacks call this). */
    void setLearningRate(double learningRate);

    /** Frees the optimizer's state buffers. */
    @Override
    void close();
}

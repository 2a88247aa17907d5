package dev.kiln.spark;

import dev.kiln.backend.Backend;
import dev.kiln.model.Model;
import java.io.Serializable;

/**
 * Builds the model to train, compiled with its loss, optimizer and metrics, on the backend of the task that calls
 * it. Every task of a distributed fit calls it at the start of every epoch, so it must build the same model each
 * time: give the model a fixed seed. Spark ships it to the executors inside the job, so what it captures must be
 * serializable; capture settings, not models or backends.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    Model create(Backend backend);
}

package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;

/** A network that classifies gray images [height, width], built before it is compiled and trained. */
public interface ImageArchitecture {
    /** The model for images of shape {@code image} and {@code classes} softmax outputs, its weights drawn from {@code seed}. */
    Model create(Backend backend, Shape image, int classes, long seed);
}

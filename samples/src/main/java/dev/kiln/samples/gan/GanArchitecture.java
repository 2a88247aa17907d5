package dev.kiln.samples.gan;

import dev.kiln.backend.Backend;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;

/** The two networks of a digit-drawing GAN. */
interface GanArchitecture {

    /** Noise features the generator reads (its first input). */
    int noise();

    /** The shape of one image as the generator writes it and the discriminator reads it (784 elements). */
    Shape imageShape();

    /** Whether both networks also take the digit's label as their second input. */
    boolean conditional();

    Model generator(Backend backend, long seed);

    Model discriminator(Backend backend, long seed);
}

package dev.kiln.backend;

import dev.kiln.KilnException;

/**
 * One time step of a recurrent layer's loop over a batch of sequences: the sizes every cell primitive shares and
 * the step it computes. Sequence buffers are time-major: {@code inputGates [steps, batch, gates * units]}, the
 * optional {@code mask [steps, batch]}, and {@code states [steps + 1, batch, width]}, whose slot 0 holds the
 * initial state and slot t + 1 the state after step t (width = units, or 2 * units for an LSTM's h then c).
 *
 * @param steps time steps of the sequences (at least 1)
 * @param batch sequences in the batch (may be 0)
 * @param units the layer's units (at least 1)
 * @param step the step computed, in [0, steps)
 */
public record SequenceStep(int steps, int batch, int units, int step) {

    public SequenceStep {
        if (steps < 1 || batch < 0 || units < 1 || step < 0 || step >= steps) {
            throw new KilnException("sequence step: expected steps >= 1, batch >= 0, units >= 1 and step in [0, steps),"
                    + " got steps=" + steps + ", batch=" + batch + ", units=" + units + ", step=" + step);
        }
    }

    /** Elements of one [batch, units] matrix: a hidden state or one gate. */
    public long matrix() {
        return (long) batch * units;
    }

    /** Elements of a time-major sequence [steps, batch, width * units]. */
    public long sequence(int width) {
        return (long) steps * batch * width * units;
    }

    /** Elements of the states [steps + 1, batch, width * units]. */
    public long states(int width) {
        return (long) (steps + 1) * batch * width * units;
    }
}

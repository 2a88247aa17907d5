package dev.kiln.op;

/** The recurrent cells Kiln computes with fused kernels, with how many gate blocks and state blocks each has. */
public enum RecurrentCell {
    /** h' = tanh(x W + h U + b). */
    SIMPLE(1, 1),
    /** Keras's LSTM: gates i, f, c, o; the state is h and c. */
    LSTM(4, 2),
    /** Keras's GRU with the reset gate after the recurrent product: gates z, r, h. */
    GRU(3, 1),
    /** Keras's GRU with {@code reset_after=False}: the reset gate scales h before its product with the h columns. */
    GRU_RESET_BEFORE(3, 1);

    private final int gates;
    private final int stateBlocks;

    RecurrentCell(int gates, int stateBlocks) {
        this.gates = gates;
        this.stateBlocks = stateBlocks;
    }

    /** Blocks of {@code units} columns in the kernels: 1, 4 or 3. */
    public int gates() {
        return gates;
    }

    /** Blocks of {@code units} columns in a state: 2 for an LSTM's h and c, else 1. */
    public int stateBlocks() {
        return stateBlocks;
    }
}

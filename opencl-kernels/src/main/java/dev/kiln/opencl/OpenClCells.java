package dev.kiln.opencl;

import dev.kiln.backend.SequenceStep;

/**
 * Launches the recurrent-cell kernels of cells.cl on checked buffers, one work-item per element of a [batch, units]
 * matrix, or per {@link OpenClBackend#lanes} of them (the _vector kernels) when that divides the units: the _masked
 * kernels when there is a mask, and for a GRU the _bias ones when there is a recurrent bias, so that an absent
 * optional buffer is never passed to a kernel.
 */
final class OpenClCells {
    private final OpenClBackend backend;

    OpenClCells(OpenClBackend backend) {
        this.backend = backend;
    }

    void rnn(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer mask, ClBuffer states, ClBuffer h) {
        optional(start(at, "rnn_cell", null, mask, states).buffer(inputGates).buffer(recurrent), mask)
                .buffer(states).buffer(h).run(backend.queue(), workItems(at, states));
    }

    void rnnBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gradStates, ClBuffer gradH,
                     ClBuffer gradGates) {
        optional(start(at, "rnn_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gradStates).buffer(gradH).buffer(gradGates)
                .run(backend.queue(), workItems(at, states));
    }

    void lstm(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer mask, ClBuffer states, ClBuffer h,
              ClBuffer gates) {
        optional(start(at, "lstm_cell", null, mask, states).buffer(inputGates).buffer(recurrent), mask)
                .buffer(states).buffer(h).buffer(gates).run(backend.queue(), workItems(at, states));
    }

    void lstmBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gates, ClBuffer gradStates,
                      ClBuffer gradH, ClBuffer gradC, ClBuffer gradGates) {
        optional(start(at, "lstm_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gates).buffer(gradStates).buffer(gradH).buffer(gradC).buffer(gradGates)
                .run(backend.queue(), workItems(at, states));
    }

    void gru(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer recurrentBias, ClBuffer mask,
             ClBuffer states, ClBuffer h, ClBuffer gates) {
        KernelLaunch launch = start(at, "gru_cell", recurrentBias, mask, states).buffer(inputGates).buffer(recurrent);
        optional(optional(launch, recurrentBias), mask)
                .buffer(states).buffer(h).buffer(gates).run(backend.queue(), workItems(at, states));
    }

    void gruBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gates, ClBuffer gradStates,
                     ClBuffer gradH, ClBuffer gradInputGates, ClBuffer gradRecurrent) {
        optional(start(at, "gru_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gates).buffer(gradStates).buffer(gradH).buffer(gradInputGates)
                .buffer(gradRecurrent).run(backend.queue(), workItems(at, states));
    }

    void gruReset(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer states, ClBuffer resetHidden,
                  ClBuffer gates) {
        start(at, "gru_reset_cell", null, null, states).buffer(inputGates).buffer(recurrent).buffer(states)
                .buffer(resetHidden).buffer(gates).run(backend.queue(), workItems(at, states));
    }

    void gruCandidate(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer mask, ClBuffer states,
                      ClBuffer h, ClBuffer gates) {
        optional(start(at, "gru_candidate_cell", null, mask, states).buffer(inputGates).buffer(recurrent), mask)
                .buffer(states).buffer(h).buffer(gates).run(backend.queue(), workItems(at, states));
    }

    void gruCandidateBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gates, ClBuffer gradStates,
                              ClBuffer gradH, ClBuffer gradCandidate, ClBuffer gradResetGates) {
        optional(start(at, "gru_candidate_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gates).buffer(gradStates).buffer(gradH).buffer(gradCandidate)
                .buffer(gradResetGates).run(backend.queue(), workItems(at, states));
    }

    void gruResetBackward(SequenceStep at, ClBuffer states, ClBuffer gates, ClBuffer gradResetHidden, ClBuffer gradH,
                          ClBuffer gradResetGates) {
        start(at, "gru_reset_cell_backward", null, null, states).buffer(states).buffer(gates).buffer(gradResetHidden)
                .buffer(gradH).buffer(gradResetGates).run(backend.queue(), workItems(at, states));
    }

    /** A launch of {@code kernel}'s variant for the optional buffers present, with the step's sizes set. */
    private KernelLaunch start(SequenceStep at, String kernel, ClBuffer bias, ClBuffer mask, ClBuffer states) {
        String variant = kernel + (bias == null ? "" : "_bias") + (mask == null ? "" : "_masked")
                + (lanes(at, states) > 1 ? "_vector" : "");
        return backend.launch(states.dtype(), KernelFamily.CELLS, variant, at::toString)
                .unsignedLong(at.matrix()).integer(at.batch()).integer(at.units()).integer(at.step());
    }

    /** Units per work-item: the device's vector width where it divides the units, else 1. */
    private int lanes(SequenceStep at, ClBuffer states) {
        int width = backend.lanes(states.dtype());
        return at.units() % width == 0 ? width : 1;
    }

    private long workItems(SequenceStep at, ClBuffer states) {
        return at.matrix() / lanes(at, states);
    }

    /** {@code launch} with {@code buffer} as its next argument, or as it is when the buffer is absent. */
    private static KernelLaunch optional(KernelLaunch launch, ClBuffer buffer) {
        return buffer == null ? launch : launch.buffer(buffer);
    }
}

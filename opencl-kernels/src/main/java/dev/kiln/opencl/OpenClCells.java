package dev.kiln.opencl;

import dev.kiln.backend.SequenceStep;

/**
 * Launches the recurrent-cell kernels of cells.cl on checked buffers, one work-item per element of a [batch, units]
 * matrix: the _masked kernels when there is a mask, and for a GRU the _bias ones when there is a recurrent bias, so
 * that an absent optional buffer is never passed to a kernel.
 */
final class OpenClCells {
    private final OpenClBackend backend;

    OpenClCells(OpenClBackend backend) {
        this.backend = backend;
    }

    void rnn(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer mask, ClBuffer states, ClBuffer h) {
        optional(start(at, "rnn_cell", null, mask, states).buffer(inputGates).buffer(recurrent), mask)
                .buffer(states).buffer(h).run(backend.queue(), at.matrix());
    }

    void rnnBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gradStates, ClBuffer gradH,
                     ClBuffer gradGates) {
        optional(start(at, "rnn_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gradStates).buffer(gradH).buffer(gradGates).run(backend.queue(), at.matrix());
    }

    void lstm(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer mask, ClBuffer states, ClBuffer h,
              ClBuffer gates) {
        optional(start(at, "lstm_cell", null, mask, states).buffer(inputGates).buffer(recurrent), mask)
                .buffer(states).buffer(h).buffer(gates).run(backend.queue(), at.matrix());
    }

    void lstmBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gates, ClBuffer gradStates,
                      ClBuffer gradH, ClBuffer gradC, ClBuffer gradGates) {
        optional(start(at, "lstm_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gates).buffer(gradStates).buffer(gradH).buffer(gradC).buffer(gradGates)
                .run(backend.queue(), at.matrix());
    }

    void gru(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer recurrentBias, ClBuffer mask,
             ClBuffer states, ClBuffer h, ClBuffer gates) {
        KernelLaunch launch = start(at, "gru_cell", recurrentBias, mask, states).buffer(inputGates).buffer(recurrent);
        optional(optional(launch, recurrentBias), mask)
                .buffer(states).buffer(h).buffer(gates).run(backend.queue(), at.matrix());
    }

    void gruBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gates, ClBuffer gradStates,
                     ClBuffer gradH, ClBuffer gradInputGates, ClBuffer gradRecurrent) {
        optional(start(at, "gru_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gates).buffer(gradStates).buffer(gradH).buffer(gradInputGates)
                .buffer(gradRecurrent).run(backend.queue(), at.matrix());
    }

    void gruReset(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer states, ClBuffer resetHidden,
                  ClBuffer gates) {
        start(at, "gru_reset_cell", null, null, states).buffer(inputGates).buffer(recurrent).buffer(states)
                .buffer(resetHidden).buffer(gates).run(backend.queue(), at.matrix());
    }

    void gruCandidate(SequenceStep at, ClBuffer inputGates, ClBuffer recurrent, ClBuffer mask, ClBuffer states,
                      ClBuffer h, ClBuffer gates) {
        optional(start(at, "gru_candidate_cell", null, mask, states).buffer(inputGates).buffer(recurrent), mask)
                .buffer(states).buffer(h).buffer(gates).run(backend.queue(), at.matrix());
    }

    void gruCandidateBackward(SequenceStep at, ClBuffer mask, ClBuffer states, ClBuffer gates, ClBuffer gradStates,
                              ClBuffer gradH, ClBuffer gradCandidate, ClBuffer gradResetGates) {
        optional(start(at, "gru_candidate_cell_backward", null, mask, states), mask)
                .buffer(states).buffer(gates).buffer(gradStates).buffer(gradH).buffer(gradCandidate)
                .buffer(gradResetGates).run(backend.queue(), at.matrix());
    }

    void gruResetBackward(SequenceStep at, ClBuffer states, ClBuffer gates, ClBuffer gradResetHidden, ClBuffer gradH,
                          ClBuffer gradResetGates) {
        start(at, "gru_reset_cell_backward", null, null, states).buffer(states).buffer(gates).buffer(gradResetHidden)
                .buffer(gradH).buffer(gradResetGates).run(backend.queue(), at.matrix());
    }

    /** A launch of {@code kernel}'s variant for the optional buffers present, with the step's sizes set. */
    private KernelLaunch start(SequenceStep at, String kernel, ClBuffer bias, ClBuffer mask, ClBuffer states) {
        String variant = kernel + (bias == null ? "" : "_bias") + (mask == null ? "" : "_masked");
        return backend.launch(states.dtype(), KernelFamily.CELLS, variant, at::toString)
                .unsignedLong(at.matrix()).integer(at.batch()).integer(at.units()).integer(at.step());
    }

    /** {@code launch} with {@code buffer} as its next argument, or as it is when the buffer is absent. */
    private static KernelLaunch optional(KernelLaunch launch, ClBuffer buffer) {
        return buffer == null ? launch : launch.buffer(buffer);
    }
}

package dev.kiln.cpu;

import dev.kiln.backend.SequenceStep;

/**
 * F32 recurrent cells, one time step of a batch, in float arithmetic: the gate non-linearities and the state update
 * of a simple RNN, an LSTM and a GRU (in two halves when it resets before the recurrent product), and their
 * adjoints (see the Backend methods of the same names). Rows are split across threads; every element is written by
 * one thread. The sigmoids and tanhs of a row go through {@link GateFunctions} in runs of {@code units} values.
 */
final class FloatCells {
    /** Elements below which a call runs on the calling thread. */
    private static final int GRAIN = 1 << 14;
    private static final GateFunctions GATES = GateFunctions.fastest();

    private FloatCells() {
    }

    static void rnn(SequenceStep at, float[] inputGates, float[] recurrent, float[] mask, float[] states, float[] h) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int x = (step * b + n) * u;
            int prev = (step * b + n) * u;
            int next = ((step + 1) * b + n) * u;
            if (masked(mask, step * b + n)) {
                System.arraycopy(states, prev, states, next, u);
            } else {
                GATES.tanhOfSum(inputGates, x, recurrent, row, states, next, u);
            }
            System.arraycopy(states, next, h, row, u);
        });
    }

    static void rnnBackward(SequenceStep at, float[] mask, float[] states, float[] gradStates, float[] gradH,
                            float[] gradGates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int next = ((step + 1) * b + n) * u;
            boolean keep = masked(mask, step * b + n);
            for (int j = 0; j < u; j++) {
                float dh = gradStates[next + j] + gradH[row + j];
                if (keep) {
                    gradGates[row + j] = 0;
                    gradH[row + j] = dh;
                } else {
                    float y = states[next + j];
                    gradGates[row + j] = dh * (1 - y * y);
                    gradH[row + j] = 0;
                }
            }
        });
    }

    static void lstm(SequenceStep at, float[] inputGates, float[] recurrent, float[] mask, float[] states, float[] h,
                     float[] gates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int z = n * 4 * u;
            int x = (step * b + n) * 4 * u;
            int prev = (step * b + n) * 2 * u;
            int next = ((step + 1) * b + n) * 2 * u;
            GATES.sigmoidOfSum(inputGates, x, recurrent, z, gates, z, 2 * u);
            GATES.tanhOfSum(inputGates, x + 2 * u, recurrent, z + 2 * u, gates, z + 2 * u, u);
            GATES.sigmoidOfSum(inputGates, x + 3 * u, recurrent, z + 3 * u, gates, z + 3 * u, u);
            if (masked(mask, step * b + n)) {
                System.arraycopy(states, prev, states, next, 2 * u);
                System.arraycopy(states, prev, h, row, u);
                return;
            }
            for (int j = 0; j < u; j++) {
                states[next + u + j] = gates[z + u + j] * states[prev + u + j] + gates[z + j] * gates[z + 2 * u + j];
            }
            GATES.tanh(states, next + u, h, row, u);
            for (int j = 0; j < u; j++) {
                float hy = gates[z + 3 * u + j] * h[row + j];
                states[next + j] = hy;
                h[row + j] = hy;
            }
        });
    }

    static void lstmBackward(SequenceStep at, float[] mask, float[] states, float[] gates, float[] gradStates,
                             float[] gradH, float[] gradC, float[] gradGates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int z = n * 4 * u;
            int prev = (step * b + n) * 2 * u;
            int next = ((step + 1) * b + n) * 2 * u;
            boolean keep = masked(mask, step * b + n);
            if (!keep) {
                // tanh(c) parks in the o gate's gradient, which is written last from it
                GATES.tanh(states, next + u, gradGates, z + 3 * u, u);
            }
            for (int j = 0; j < u; j++) {
                float dh = gradStates[next + j] + gradH[row + j];
                float dc = gradStates[next + u + j] + gradC[row + j];
                if (keep) {
                    for (int g = 0; g < 4; g++) {
                        gradGates[z + g * u + j] = 0;
                    }
                    gradH[row + j] = dh;
                    gradC[row + j] = dc;
                    continue;
                }
                float i = gates[z + j];
                float f = gates[z + u + j];
                float g = gates[z + 2 * u + j];
                float o = gates[z + 3 * u + j];
                float tc = gradGates[z + 3 * u + j];
                float dcTotal = dc + dh * o * (1 - tc * tc);
                gradGates[z + j] = dcTotal * g * (i * (1 - i));
                gradGates[z + u + j] = dcTotal * states[prev + u + j] * (f * (1 - f));
                gradGates[z + 2 * u + j] = dcTotal * i * (1 - g * g);
                gradGates[z + 3 * u + j] = dh * tc * (o * (1 - o));
                gradH[row + j] = 0;
                gradC[row + j] = dcTotal * f;
            }
        });
    }

    static void gru(SequenceStep at, float[] inputGates, float[] recurrent, float[] recurrentBias, float[] mask,
                    float[] states, float[] h, float[] gates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int r3 = n * 3 * u;
            int z4 = n * 4 * u;
            int x = (step * b + n) * 3 * u;
            int prev = (step * b + n) * u;
            int next = ((step + 1) * b + n) * u;
            boolean keep = masked(mask, step * b + n);
            // the recurrent parts of z and r, then r * the candidate's, pass through the gates' slots
            for (int j = 0; j < 3 * u; j++) {
                gates[z4 + j] = recurrent[r3 + j] + (recurrentBias == null ? 0 : recurrentBias[j]);
            }
            System.arraycopy(gates, z4 + 2 * u, gates, z4 + 3 * u, u);
            GATES.sigmoidOfSum(inputGates, x, gates, z4, gates, z4, 2 * u);
            for (int j = 0; j < u; j++) {
                gates[z4 + 2 * u + j] = gates[z4 + u + j] * gates[z4 + 3 * u + j];
            }
            GATES.tanhOfSum(inputGates, x + 2 * u, gates, z4 + 2 * u, gates, z4 + 2 * u, u);
            for (int j = 0; j < u; j++) {
                float zg = gates[z4 + j];
                float hh = gates[z4 + 2 * u + j];
                float hPrev = states[prev + j];
                float hy = keep ? hPrev : zg * hPrev + (1 - zg) * hh;
                states[next + j] = hy;
                h[row + j] = hy;
            }
        });
    }

    static void gruBackward(SequenceStep at, float[] mask, float[] states, float[] gates, float[] gradStates,
                            float[] gradH, float[] gradInputGates, float[] gradRecurrent) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int r3 = n * 3 * u;
            int z4 = n * 4 * u;
            int prev = (step * b + n) * u;
            int next = ((step + 1) * b + n) * u;
            boolean keep = masked(mask, step * b + n);
            for (int j = 0; j < u; j++) {
                float dH = gradStates[next + j] + gradH[row + j];
                if (keep) {
                    for (int g = 0; g < 3; g++) {
                        gradInputGates[r3 + g * u + j] = 0;
                        gradRecurrent[r3 + g * u + j] = 0;
                    }
                    gradH[row + j] = dH;
                    continue;
                }
                float zg = gates[z4 + j];
                float r = gates[z4 + u + j];
                float hh = gates[z4 + 2 * u + j];
                float recH = gates[z4 + 3 * u + j];
                float dh = dH * (1 - zg) * (1 - hh * hh);
                float dz = dH * (states[prev + j] - hh) * (zg * (1 - zg));
                float dr = dh * recH * (r * (1 - r));
                gradInputGates[r3 + j] = dz;
                gradInputGates[r3 + u + j] = dr;
                gradInputGates[r3 + 2 * u + j] = dh;
                gradRecurrent[r3 + j] = dz;
                gradRecurrent[r3 + u + j] = dr;
                gradRecurrent[r3 + 2 * u + j] = dh * r;
                gradH[row + j] = dH * zg;
            }
        });
    }

    static void gruReset(SequenceStep at, float[] inputGates, float[] recurrent, float[] states, float[] resetHidden,
                         float[] gates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int r2 = n * 2 * u;
            int r3 = n * 3 * u;
            int x = (step * b + n) * 3 * u;
            int prev = (step * b + n) * u;
            GATES.sigmoidOfSum(inputGates, x, recurrent, r2, gates, r3, 2 * u);
            for (int j = 0; j < u; j++) {
                resetHidden[row + j] = gates[r3 + u + j] * states[prev + j];
            }
        });
    }

    static void gruCandidate(SequenceStep at, float[] inputGates, float[] recurrent, float[] mask, float[] states,
                             float[] h, float[] gates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int r3 = n * 3 * u;
            int x = (step * b + n) * 3 * u;
            int prev = (step * b + n) * u;
            int next = ((step + 1) * b + n) * u;
            boolean keep = masked(mask, step * b + n);
            GATES.tanhOfSum(inputGates, x + 2 * u, recurrent, row, gates, r3 + 2 * u, u);
            for (int j = 0; j < u; j++) {
                float zg = gates[r3 + j];
                float hh = gates[r3 + 2 * u + j];
                float hPrev = states[prev + j];
                float hy = keep ? hPrev : zg * hPrev + (1 - zg) * hh;
                states[next + j] = hy;
                h[row + j] = hy;
            }
        });
    }

    static void gruCandidateBackward(SequenceStep at, float[] mask, float[] states, float[] gates, float[] gradStates,
                                     float[] gradH, float[] gradCandidate, float[] gradResetGates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int r2 = n * 2 * u;
            int r3 = n * 3 * u;
            int prev = (step * b + n) * u;
            int next = ((step + 1) * b + n) * u;
            boolean keep = masked(mask, step * b + n);
            for (int j = 0; j < u; j++) {
                float dH = gradStates[next + j] + gradH[row + j];
                if (keep) {
                    gradCandidate[row + j] = 0;
                    gradResetGates[r2 + j] = 0;
                    gradH[row + j] = dH;
                    continue;
                }
                float zg = gates[r3 + j];
                float hh = gates[r3 + 2 * u + j];
                gradCandidate[row + j] = dH * (1 - zg) * (1 - hh * hh);
                gradResetGates[r2 + j] = dH * (states[prev + j] - hh) * (zg * (1 - zg));
                gradH[row + j] = dH * zg;
            }
        });
    }

    static void gruResetBackward(SequenceStep at, float[] states, float[] gates, float[] gradResetHidden,
                                 float[] gradH, float[] gradResetGates) {
        int u = at.units();
        int b = at.batch();
        int step = at.step();
        rows(at, (n) -> {
            int row = n * u;
            int r2 = n * 2 * u;
            int r3 = n * 3 * u;
            int prev = (step * b + n) * u;
            for (int j = 0; j < u; j++) {
                float r = gates[r3 + u + j];
                float d = gradResetHidden[row + j];
                gradResetGates[r2 + u + j] = d * states[prev + j] * (r * (1 - r));
                gradH[row + j] += d * r;
            }
        });
    }

    /** Whether row {@code index} of the mask (null: none) is masked out, keeping its previous state. */
    private static boolean masked(float[] mask, int index) {
        return mask != null && mask[index] == 0;
    }

    private interface Row {
        void compute(int n);
    }

    private static void rows(SequenceStep at, Row body) {
        WorkPool.forRange(at.batch(), Math.max(1, GRAIN / (4 * at.units())), (first, last) -> {
            for (int n = first; n < last; n++) {
                body.compute(n);
            }
        });
    }
}

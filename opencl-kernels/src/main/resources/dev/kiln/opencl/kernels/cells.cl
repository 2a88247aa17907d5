// Recurrent cells: one time step of a simple RNN, an LSTM and a GRU over a batch of sequences, and their adjoints
// (the Backend methods rnnCell ... gruResetCellBackward; layouts in SequenceStep.java), with the CPU backend's
// formulas. Kernels: rnn_cell, rnn_cell_backward, lstm_cell, lstm_cell_backward, gru_cell, gru_cell_backward, and
// the two halves of a GRU step that resets before the recurrent product, gru_reset_cell, gru_candidate_cell,
// gru_candidate_cell_backward and gru_reset_cell_backward; all but the two gru_reset ones (which need no mask) also
// as <name>_masked, which reads mask [steps, batch] and keeps a row's previous state where it is 0; gru_cell also as
// gru_cell_bias and gru_cell_bias_masked, which add recurrentBias [3 * units] to the recurrent products. Every one
// of them also as <name>_vector (after the other suffixes), which computes VW neighbouring units per work-item, for
// units a multiple of VW: the exp and tanh of a step are most of its cost, and a CPU device vectorises them only
// across the lanes of a vector type. The host picks the variant, so an absent optional buffer is never an argument.
// One work-item per element (n, j) of a [batch, units] matrix (per VW of them): it writes those units of row n in
// every output (each of its gates, h and c), so no two work-items write one element, and gradH and gradC are read
// and replaced in place.
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: capped 1-D ranges, each kernel a grid-stride loop over
// its work-items, n = batch * units elements (a multiple of VW in the _vector kernels); offsets are size_t, so a
// sequence may hold more than 2^31 elements.

// Type-generic (scalars and vectors alike).
#define SIGMOID(x) ((real) 1 / ((real) 1 + exp(-(x))))

// A GRU's new state from its update gate z, the previous state and the candidate hh.
#define GRU_STATE(z, hPrev, hh) ((z) * (hPrev) + ((real) 1 - (z)) * (hh))

// Given dH, the gradient of GRU_STATE's result: those of the candidate's pre-activation and of z's.
#define GRU_CANDIDATE_GRADIENT(dH, z, hh) ((dH) * ((real) 1 - (z)) * ((real) 1 - (hh) * (hh)))
#define GRU_UPDATE_GRADIENT(dH, z, hPrev, hh) ((dH) * ((hPrev) - (hh)) * ((z) * ((real) 1 - (z))))

// The optional buffers: MASK_ARG / BIAS_ARG declare the argument (nothing for PLAIN), KEEP(slot) is whether the mask
// holds row slot = step * batch + n, BIAS(L, i) the recurrent bias of gate elements [i, i + LANES).
#define PLAIN_MASK_ARG
#define PLAIN_KEEP(slot) 0
#define MASKED_MASK_ARG __global const real* mask,
#define MASKED_KEEP(slot) (mask[slot] == 0)
#define PLAIN_BIAS_ARG
#define PLAIN_BIAS(L, i) ((L##_T) 0)
#define BIAS_BIAS_ARG __global const real* recurrentBias,
#define BIAS_BIAS(L, i) L##_LOAD(recurrentBias + (i))

// Work-item q covers elements [q * LANES, (q + 1) * LANES) of n = batch * units: row r of the batch, units from j,
// the row's slot in the sequence buffers (and keep).
// CELL_INDEX opens the grid-stride loop over the work-items, END_CELL closes it.
#define CELL_INDEX(L) \
    FOR_EACH(item, n / L##_LANES) { \
    const index_t e = item * L##_LANES, r = e / units, j = e - r * units; \
    const size_t slot = (size_t) step * batch + r;
#define END_CELL }

#define CELL_ELEMENT(L, M) \
    CELL_INDEX(L) \
    const int keep = M##_KEEP(slot);

#define CELL_SIZES const long n, const int batch, const int units, const int step

// Each cell in its four shapes: with and without the mask, one unit or VW per work-item.
#define CELL_VARIANTS(CELL, name) \
    CELL(name, S, PLAIN) \
    CELL(name##_masked, S, MASKED) \
    CELL(name##_vector, V, PLAIN) \
    CELL(name##_masked_vector, V, MASKED)

// rnn_cell: h' = tanh(inputGates[step] + recurrent), or hPrev where masked, into states[step + 1] and h.
#define RNN_CELL(NAME, L, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, M##_MASK_ARG \
        __global real* states, __global real* h) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, prev = slot * units + j, next = prev + (size_t) batch * units; \
        const L##_T value = keep ? L##_LOAD(states + prev) \
                : tanh(L##_LOAD(inputGates + prev) + L##_LOAD(recurrent + row)); \
        L##_STORE(value, states + next); \
        L##_STORE(value, h + row); \
    END_CELL \
}

CELL_VARIANTS(RNN_CELL, rnn_cell)

// rnn_cell_backward: with dH = gradStates[step + 1] + gradH, gradGates = dH * (1 - h'^2) and gradH = 0, or
// gradGates = 0 and gradH = dH where masked.
#define RNN_CELL_BACKWARD(NAME, L, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gradStates, \
        __global real* gradH, __global real* gradGates) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, next = (slot + batch) * units + j; \
        const L##_T dh = L##_LOAD(gradStates + next) + L##_LOAD(gradH + row); \
        if (keep) { \
            L##_STORE((L##_T) 0, gradGates + row); \
            L##_STORE(dh, gradH + row); \
        } else { \
            const L##_T y = L##_LOAD(states + next); \
            L##_STORE(dh * ((real) 1 - y * y), gradGates + row); \
            L##_STORE((L##_T) 0, gradH + row); \
        } \
    END_CELL \
}

CELL_VARIANTS(RNN_CELL_BACKWARD, rnn_cell_backward)

// lstm_cell: gates i, f, g, o of the units (z: their offset in [batch, 4 * units] rows, x: in inputGates[step]),
// then (h', c') into states[step + 1], whose rows hold h then c.
#define LSTM_CELL(NAME, L, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, M##_MASK_ARG \
        __global real* states, __global real* h, __global real* gates) { \
    CELL_ELEMENT(L, M) \
        const size_t z = r * 4 * units + j, x = slot * 4 * units + j; \
        const size_t prev = slot * 2 * units + j, next = (slot + batch) * 2 * units + j; \
        const L##_T i = SIGMOID(L##_LOAD(inputGates + x) + L##_LOAD(recurrent + z)); \
        const L##_T f = SIGMOID(L##_LOAD(inputGates + x + units) + L##_LOAD(recurrent + z + units)); \
        const L##_T g = tanh(L##_LOAD(inputGates + x + 2 * units) + L##_LOAD(recurrent + z + 2 * units)); \
        const L##_T o = SIGMOID(L##_LOAD(inputGates + x + 3 * units) + L##_LOAD(recurrent + z + 3 * units)); \
        L##_STORE(i, gates + z); \
        L##_STORE(f, gates + z + units); \
        L##_STORE(g, gates + z + 2 * units); \
        L##_STORE(o, gates + z + 3 * units); \
        const L##_T cPrev = L##_LOAD(states + prev + units); \
        const L##_T c = keep ? cPrev : f * cPrev + i * g; \
        const L##_T hy = keep ? L##_LOAD(states + prev) : o * tanh(c); \
        L##_STORE(hy, states + next); \
        L##_STORE(c, states + next + units); \
        L##_STORE(hy, h + r * units + j); \
    END_CELL \
}

CELL_VARIANTS(LSTM_CELL, lstm_cell)

// lstm_cell_backward: dC' = dC + dH * o * (1 - tanh(c')^2) through the saved gates, gradH = 0, gradC = dC' * f; a
// masked row passes dH and dC on and gets no gate gradient.
#define LSTM_CELL_BACKWARD(NAME, L, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gates, \
        __global const real* gradStates, __global real* gradH, __global real* gradC, __global real* gradGates) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, z = r * 4 * units + j; \
        const size_t prev = slot * 2 * units + j, next = (slot + batch) * 2 * units + j; \
        const L##_T dh = L##_LOAD(gradStates + next) + L##_LOAD(gradH + row); \
        const L##_T dc = L##_LOAD(gradStates + next + units) + L##_LOAD(gradC + row); \
        if (keep) { \
            for (int k = 0; k < 4; k++) L##_STORE((L##_T) 0, gradGates + z + k * units); \
            L##_STORE(dh, gradH + row); \
            L##_STORE(dc, gradC + row); \
            continue; \
        } \
        const L##_T i = L##_LOAD(gates + z), f = L##_LOAD(gates + z + units); \
        const L##_T g = L##_LOAD(gates + z + 2 * units), o = L##_LOAD(gates + z + 3 * units); \
        const L##_T tc = tanh(L##_LOAD(states + next + units)); \
        const L##_T dcTotal = dc + dh * o * ((real) 1 - tc * tc); \
        L##_STORE(dcTotal * g * (i * ((real) 1 - i)), gradGates + z); \
        L##_STORE(dcTotal * L##_LOAD(states + prev + units) * (f * ((real) 1 - f)), gradGates + z + units); \
        L##_STORE(dcTotal * i * ((real) 1 - g * g), gradGates + z + 2 * units); \
        L##_STORE(dh * tc * (o * ((real) 1 - o)), gradGates + z + 3 * units); \
        L##_STORE((L##_T) 0, gradH + row); \
        L##_STORE(dcTotal * f, gradC + row); \
    END_CELL \
}

CELL_VARIANTS(LSTM_CELL_BACKWARD, lstm_cell_backward)

// gru_cell: z, r and hh of the units (reset after the recurrent product), h' into states[step + 1] and h, and
// z, r, hh, rec_h into gates [batch, 4 * units] for the backward step.
#define GRU_CELL(NAME, L, B, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, B##_BIAS_ARG \
        M##_MASK_ARG __global real* states, __global real* h, __global real* gates) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, r3 = r * 3 * units + j, z4 = r * 4 * units + j, x = slot * 3 * units + j; \
        const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
        const L##_T recZ = L##_LOAD(recurrent + r3) + B##_BIAS(L, j); \
        const L##_T recR = L##_LOAD(recurrent + r3 + units) + B##_BIAS(L, units + j); \
        const L##_T recH = L##_LOAD(recurrent + r3 + 2 * units) + B##_BIAS(L, 2 * units + j); \
        const L##_T zg = SIGMOID(L##_LOAD(inputGates + x) + recZ); \
        const L##_T rg = SIGMOID(L##_LOAD(inputGates + x + units) + recR); \
        const L##_T hh = tanh(L##_LOAD(inputGates + x + 2 * units) + rg * recH); \
        L##_STORE(zg, gates + z4); \
        L##_STORE(rg, gates + z4 + units); \
        L##_STORE(hh, gates + z4 + 2 * units); \
        L##_STORE(recH, gates + z4 + 3 * units); \
        const L##_T hPrev = L##_LOAD(states + prev); \
        const L##_T hy = keep ? hPrev : GRU_STATE(zg, hPrev, hh); \
        L##_STORE(hy, states + next); \
        L##_STORE(hy, h + row); \
    END_CELL \
}

GRU_CELL(gru_cell, S, PLAIN, PLAIN)
GRU_CELL(gru_cell_masked, S, PLAIN, MASKED)
GRU_CELL(gru_cell_bias, S, BIAS, PLAIN)
GRU_CELL(gru_cell_bias_masked, S, BIAS, MASKED)
GRU_CELL(gru_cell_vector, V, PLAIN, PLAIN)
GRU_CELL(gru_cell_masked_vector, V, PLAIN, MASKED)
GRU_CELL(gru_cell_bias_vector, V, BIAS, PLAIN)
GRU_CELL(gru_cell_bias_masked_vector, V, BIAS, MASKED)

// gru_cell_backward: from the saved z, r, hh, rec_h, gradInputGates = (dz, dr, dh), gradRecurrent = (dz, dr, dh * r)
// and gradH = dH * z; a masked row gets zeros and passes dH on.
#define GRU_CELL_BACKWARD(NAME, L, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gates, \
        __global const real* gradStates, __global real* gradH, __global real* gradInputGates, \
        __global real* gradRecurrent) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, r3 = r * 3 * units + j, z4 = r * 4 * units + j; \
        const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
        const L##_T dH = L##_LOAD(gradStates + next) + L##_LOAD(gradH + row); \
        if (keep) { \
            for (int k = 0; k < 3; k++) { \
                L##_STORE((L##_T) 0, gradInputGates + r3 + k * units); \
                L##_STORE((L##_T) 0, gradRecurrent + r3 + k * units); \
            } \
            L##_STORE(dH, gradH + row); \
            continue; \
        } \
        const L##_T zg = L##_LOAD(gates + z4), rg = L##_LOAD(gates + z4 + units); \
        const L##_T hh = L##_LOAD(gates + z4 + 2 * units), recH = L##_LOAD(gates + z4 + 3 * units); \
        const L##_T dh = GRU_CANDIDATE_GRADIENT(dH, zg, hh); \
        const L##_T dz = GRU_UPDATE_GRADIENT(dH, zg, L##_LOAD(states + prev), hh); \
        const L##_T dr = dh * recH * (rg * ((real) 1 - rg)); \
        L##_STORE(dz, gradInputGates + r3); \
        L##_STORE(dr, gradInputGates + r3 + units); \
        L##_STORE(dh, gradInputGates + r3 + 2 * units); \
        L##_STORE(dz, gradRecurrent + r3); \
        L##_STORE(dr, gradRecurrent + r3 + units); \
        L##_STORE(dh * rg, gradRecurrent + r3 + 2 * units); \
        L##_STORE(dH * zg, gradH + row); \
    END_CELL \
}

CELL_VARIANTS(GRU_CELL_BACKWARD, gru_cell_backward)

// gru_reset_cell: z and r of the units, the reset gate applied before the recurrent product, into the first two
// blocks of gates [batch, 3 * units], and r * hPrev into resetHidden, the operand of the step's product with the h
// columns.
#define GRU_RESET_CELL(NAME, L) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, \
        __global const real* states, __global real* resetHidden, __global real* gates) { \
    CELL_INDEX(L) \
        const size_t row = r * units + j, r2 = r * 2 * units + j, r3 = r * 3 * units + j, x = slot * 3 * units + j; \
        const L##_T zg = SIGMOID(L##_LOAD(inputGates + x) + L##_LOAD(recurrent + r2)); \
        const L##_T rg = SIGMOID(L##_LOAD(inputGates + x + units) + L##_LOAD(recurrent + r2 + units)); \
        L##_STORE(zg, gates + r3); \
        L##_STORE(rg, gates + r3 + units); \
        L##_STORE(rg * L##_LOAD(states + slot * units + j), resetHidden + row); \
    END_CELL \
}

GRU_RESET_CELL(gru_reset_cell, S)
GRU_RESET_CELL(gru_reset_cell_vector, V)

// gru_candidate_cell: hh = tanh(x_h + recurrent) with recurrent = resetHidden . U_h, into the third block of gates,
// and h' from the z gru_reset_cell left there into states[step + 1] and h.
#define GRU_CANDIDATE_CELL(NAME, L, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, M##_MASK_ARG \
        __global real* states, __global real* h, __global real* gates) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, r3 = r * 3 * units + j, x = slot * 3 * units + j; \
        const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
        const L##_T zg = L##_LOAD(gates + r3); \
        const L##_T hh = tanh(L##_LOAD(inputGates + x + 2 * units) + L##_LOAD(recurrent + row)); \
        L##_STORE(hh, gates + r3 + 2 * units); \
        const L##_T hPrev = L##_LOAD(states + prev); \
        const L##_T hy = keep ? hPrev : GRU_STATE(zg, hPrev, hh); \
        L##_STORE(hy, states + next); \
        L##_STORE(hy, h + row); \
    END_CELL \
}

CELL_VARIANTS(GRU_CANDIDATE_CELL, gru_candidate_cell)

// gru_candidate_cell_backward: from the saved z and hh, gradCandidate = dh, the z block of gradResetGates = dz and
// gradH = dH * z; a masked row gets zeros and passes dH on.
#define GRU_CANDIDATE_CELL_BACKWARD(NAME, L, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gates, \
        __global const real* gradStates, __global real* gradH, __global real* gradCandidate, \
        __global real* gradResetGates) { \
    CELL_ELEMENT(L, M) \
        const size_t row = r * units + j, r2 = r * 2 * units + j, r3 = r * 3 * units + j; \
        const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
        const L##_T dH = L##_LOAD(gradStates + next) + L##_LOAD(gradH + row); \
        if (keep) { \
            L##_STORE((L##_T) 0, gradCandidate + row); \
            L##_STORE((L##_T) 0, gradResetGates + r2); \
            L##_STORE(dH, gradH + row); \
            continue; \
        } \
        const L##_T zg = L##_LOAD(gates + r3), hh = L##_LOAD(gates + r3 + 2 * units); \
        L##_STORE(GRU_CANDIDATE_GRADIENT(dH, zg, hh), gradCandidate + row); \
        L##_STORE(GRU_UPDATE_GRADIENT(dH, zg, L##_LOAD(states + prev), hh), gradResetGates + r2); \
        L##_STORE(dH * zg, gradH + row); \
    END_CELL \
}

CELL_VARIANTS(GRU_CANDIDATE_CELL_BACKWARD, gru_candidate_cell_backward)

// gru_reset_cell_backward: from gradResetHidden = gradCandidate . U_h^T and the saved r, the r block of
// gradResetGates and gradH += gradResetHidden * r.
#define GRU_RESET_CELL_BACKWARD(NAME, L) \
__kernel void NAME(CELL_SIZES, __global const real* states, __global const real* gates, \
        __global const real* gradResetHidden, __global real* gradH, __global real* gradResetGates) { \
    CELL_INDEX(L) \
        const size_t row = r * units + j, r2 = r * 2 * units + j, r3 = r * 3 * units + j; \
        const L##_T rg = L##_LOAD(gates + r3 + units); \
        const L##_T d = L##_LOAD(gradResetHidden + row); \
        L##_STORE(d * L##_LOAD(states + slot * units + j) * (rg * ((real) 1 - rg)), gradResetGates + r2 + units); \
        L##_STORE(L##_LOAD(gradH + row) + d * rg, gradH + row); \
    END_CELL \
}

GRU_RESET_CELL_BACKWARD(gru_reset_cell_backward, S)
GRU_RESET_CELL_BACKWARD(gru_reset_cell_backward_vector, V)

// Recurrent cells: one time step of a simple RNN, an LSTM and a GRU over a batch of sequences, and their adjoints
// (the Backend methods rnnCell ... gruResetCellBackward; layouts in SequenceStep.java), with the CPU backend's
// formulas. Kernels: rnn_cell, rnn_cell_backward, lstm_cell, lstm_cell_backward, gru_cell, gru_cell_backward, and
// the two halves of a GRU step that resets before the recurrent product, gru_reset_cell, gru_candidate_cell,
// gru_candidate_cell_backward and gru_reset_cell_backward; all but the two gru_reset ones (which need no mask) also
// as <name>_masked, which reads mask [steps, batch] and keeps a row's previous state where it is 0; gru_cell also as
// gru_cell_bias and gru_cell_bias_masked, which add recurrentBias [3 * units] to the recurrent products. The host
// picks the variant, so an absent optional buffer is never an argument.
// One work-item per element (n, j) of a [batch, units] matrix: it writes unit j of row n in every output (each of
// its gates, h and c), so no two work-items write one element, and gradH and gradC are read and replaced in place.
// Tuning macros: none. Assumptions: 1-D ranges rounded up to the work-group size, so kernels check their index
// against n = batch * units; offsets are size_t, so a sequence may hold more than 2^31 elements.

static inline real sigmoid(const real x) {
    return 1 / (1 + exp(-x));
}

// A GRU's new state from its update gate z, the previous state and the candidate hh.
static inline real gru_state(const real z, const real hPrev, const real hh) {
    return z * hPrev + (1 - z) * hh;
}

// Given dH, the gradient of gru_state's result: those of the candidate's pre-activation and of z's.
static inline real gru_candidate_gradient(const real dH, const real z, const real hh) {
    return dH * (1 - z) * (1 - hh * hh);
}

static inline real gru_update_gradient(const real dH, const real z, const real hPrev, const real hh) {
    return dH * (hPrev - hh) * (z * (1 - z));
}

// The optional buffers: MASK_ARG / BIAS_ARG declare the argument (nothing for PLAIN), KEEP(slot) is whether the mask
// holds row slot = step * batch + n, BIAS(i) the recurrent bias of gate element i.
#define PLAIN_MASK_ARG
#define PLAIN_KEEP(slot) 0
#define MASKED_MASK_ARG __global const real* mask,
#define MASKED_KEEP(slot) (mask[slot] == 0)
#define PLAIN_BIAS_ARG
#define PLAIN_BIAS(i) ((real) 0)
#define BIAS_BIAS_ARG __global const real* recurrentBias,
#define BIAS_BIAS(i) recurrentBias[i]

// Work-item q of n = batch * units: row r of the batch, unit j, the row's slot in the sequence buffers (and keep).
#define CELL_INDEX \
    const size_t q = get_global_id(0); \
    if (q >= n) return; \
    const size_t r = q / units, j = q - r * units; \
    const size_t slot = (size_t) step * batch + r;

#define CELL_ELEMENT(M) \
    CELL_INDEX \
    const int keep = M##_KEEP(slot);

#define CELL_SIZES const long n, const int batch, const int units, const int step

// rnn_cell: h' = tanh(inputGates[step] + recurrent), or hPrev where masked, into states[step + 1] and h.
#define RNN_CELL(NAME, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, M##_MASK_ARG \
        __global real* states, __global real* h) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, prev = slot * units + j, next = prev + (size_t) batch * units; \
    const real value = keep ? states[prev] : tanh(inputGates[prev] + recurrent[row]); \
    states[next] = value; \
    h[row] = value; \
}

RNN_CELL(rnn_cell, PLAIN)
RNN_CELL(rnn_cell_masked, MASKED)

// rnn_cell_backward: with dH = gradStates[step + 1] + gradH, gradGates = dH * (1 - h'^2) and gradH = 0, or
// gradGates = 0 and gradH = dH where masked.
#define RNN_CELL_BACKWARD(NAME, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gradStates, \
        __global real* gradH, __global real* gradGates) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, next = (slot + batch) * units + j; \
    const real dh = gradStates[next] + gradH[row]; \
    if (keep) { \
        gradGates[row] = 0; \
        gradH[row] = dh; \
    } else { \
        const real y = states[next]; \
        gradGates[row] = dh * (1 - y * y); \
        gradH[row] = 0; \
    } \
}

RNN_CELL_BACKWARD(rnn_cell_backward, PLAIN)
RNN_CELL_BACKWARD(rnn_cell_backward_masked, MASKED)

// lstm_cell: gates i, f, g, o of unit j (z: its offset in [batch, 4 * units] rows, x: in inputGates[step]), then
// (h', c') into states[step + 1], whose rows hold h then c.
#define LSTM_CELL(NAME, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, M##_MASK_ARG \
        __global real* states, __global real* h, __global real* gates) { \
    CELL_ELEMENT(M) \
    const size_t z = r * 4 * units + j, x = slot * 4 * units + j; \
    const size_t prev = slot * 2 * units + j, next = (slot + batch) * 2 * units + j; \
    const real i = sigmoid(inputGates[x] + recurrent[z]); \
    const real f = sigmoid(inputGates[x + units] + recurrent[z + units]); \
    const real g = tanh(inputGates[x + 2 * units] + recurrent[z + 2 * units]); \
    const real o = sigmoid(inputGates[x + 3 * units] + recurrent[z + 3 * units]); \
    gates[z] = i; \
    gates[z + units] = f; \
    gates[z + 2 * units] = g; \
    gates[z + 3 * units] = o; \
    const real c = keep ? states[prev + units] : f * states[prev + units] + i * g; \
    const real hy = keep ? states[prev] : o * tanh(c); \
    states[next] = hy; \
    states[next + units] = c; \
    h[r * units + j] = hy; \
}

LSTM_CELL(lstm_cell, PLAIN)
LSTM_CELL(lstm_cell_masked, MASKED)

// lstm_cell_backward: dC' = dC + dH * o * (1 - tanh(c')^2) through the saved gates, gradH = 0, gradC = dC' * f; a
// masked row passes dH and dC on and gets no gate gradient.
#define LSTM_CELL_BACKWARD(NAME, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gates, \
        __global const real* gradStates, __global real* gradH, __global real* gradC, __global real* gradGates) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, z = r * 4 * units + j; \
    const size_t prev = slot * 2 * units + j, next = (slot + batch) * 2 * units + j; \
    const real dh = gradStates[next] + gradH[row]; \
    const real dc = gradStates[next + units] + gradC[row]; \
    if (keep) { \
        for (int k = 0; k < 4; k++) gradGates[z + k * units] = 0; \
        gradH[row] = dh; \
        gradC[row] = dc; \
        return; \
    } \
    const real i = gates[z], f = gates[z + units], g = gates[z + 2 * units], o = gates[z + 3 * units]; \
    const real tc = tanh(states[next + units]); \
    const real dcTotal = dc + dh * o * (1 - tc * tc); \
    gradGates[z] = dcTotal * g * (i * (1 - i)); \
    gradGates[z + units] = dcTotal * states[prev + units] * (f * (1 - f)); \
    gradGates[z + 2 * units] = dcTotal * i * (1 - g * g); \
    gradGates[z + 3 * units] = dh * tc * (o * (1 - o)); \
    gradH[row] = 0; \
    gradC[row] = dcTotal * f; \
}

LSTM_CELL_BACKWARD(lstm_cell_backward, PLAIN)
LSTM_CELL_BACKWARD(lstm_cell_backward_masked, MASKED)

// gru_cell: z, r and hh of unit j (reset after the recurrent product), h' into states[step + 1] and h, and
// z, r, hh, rec_h into gates [batch, 4 * units] for the backward step.
#define GRU_CELL(NAME, B, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, B##_BIAS_ARG \
        M##_MASK_ARG __global real* states, __global real* h, __global real* gates) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, r3 = r * 3 * units + j, z4 = r * 4 * units + j, x = slot * 3 * units + j; \
    const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
    const real recZ = recurrent[r3] + B##_BIAS(j); \
    const real recR = recurrent[r3 + units] + B##_BIAS(units + j); \
    const real recH = recurrent[r3 + 2 * units] + B##_BIAS(2 * units + j); \
    const real zg = sigmoid(inputGates[x] + recZ); \
    const real rg = sigmoid(inputGates[x + units] + recR); \
    const real hh = tanh(inputGates[x + 2 * units] + rg * recH); \
    gates[z4] = zg; \
    gates[z4 + units] = rg; \
    gates[z4 + 2 * units] = hh; \
    gates[z4 + 3 * units] = recH; \
    const real hPrev = states[prev]; \
    const real hy = keep ? hPrev : gru_state(zg, hPrev, hh); \
    states[next] = hy; \
    h[row] = hy; \
}

GRU_CELL(gru_cell, PLAIN, PLAIN)
GRU_CELL(gru_cell_masked, PLAIN, MASKED)
GRU_CELL(gru_cell_bias, BIAS, PLAIN)
GRU_CELL(gru_cell_bias_masked, BIAS, MASKED)

// gru_cell_backward: from the saved z, r, hh, rec_h, gradInputGates = (dz, dr, dh), gradRecurrent = (dz, dr, dh * r)
// and gradH = dH * z; a masked row gets zeros and passes dH on.
#define GRU_CELL_BACKWARD(NAME, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gates, \
        __global const real* gradStates, __global real* gradH, __global real* gradInputGates, \
        __global real* gradRecurrent) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, r3 = r * 3 * units + j, z4 = r * 4 * units + j; \
    const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
    const real dH = gradStates[next] + gradH[row]; \
    if (keep) { \
        for (int k = 0; k < 3; k++) { \
            gradInputGates[r3 + k * units] = 0; \
            gradRecurrent[r3 + k * units] = 0; \
        } \
        gradH[row] = dH; \
        return; \
    } \
    const real zg = gates[z4], rg = gates[z4 + units], hh = gates[z4 + 2 * units], recH = gates[z4 + 3 * units]; \
    const real dh = gru_candidate_gradient(dH, zg, hh); \
    const real dz = gru_update_gradient(dH, zg, states[prev], hh); \
    const real dr = dh * recH * (rg * (1 - rg)); \
    gradInputGates[r3] = dz; \
    gradInputGates[r3 + units] = dr; \
    gradInputGates[r3 + 2 * units] = dh; \
    gradRecurrent[r3] = dz; \
    gradRecurrent[r3 + units] = dr; \
    gradRecurrent[r3 + 2 * units] = dh * rg; \
    gradH[row] = dH * zg; \
}

GRU_CELL_BACKWARD(gru_cell_backward, PLAIN)
GRU_CELL_BACKWARD(gru_cell_backward_masked, MASKED)

// gru_reset_cell: z and r of unit j, the reset gate applied before the recurrent product, into the first two blocks
// of gates [batch, 3 * units], and r * hPrev into resetHidden, the operand of the step's product with the h columns.
__kernel void gru_reset_cell(CELL_SIZES, __global const real* inputGates, __global const real* recurrent,
        __global const real* states, __global real* resetHidden, __global real* gates) {
    CELL_INDEX
    const size_t row = r * units + j, r2 = r * 2 * units + j, r3 = r * 3 * units + j, x = slot * 3 * units + j;
    const real zg = sigmoid(inputGates[x] + recurrent[r2]);
    const real rg = sigmoid(inputGates[x + units] + recurrent[r2 + units]);
    gates[r3] = zg;
    gates[r3 + units] = rg;
    resetHidden[row] = rg * states[slot * units + j];
}

// gru_candidate_cell: hh = tanh(x_h + recurrent) with recurrent = resetHidden . U_h, into the third block of gates,
// and h' from the z gru_reset_cell left there into states[step + 1] and h.
#define GRU_CANDIDATE_CELL(NAME, M) \
__kernel void NAME(CELL_SIZES, __global const real* inputGates, __global const real* recurrent, M##_MASK_ARG \
        __global real* states, __global real* h, __global real* gates) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, r3 = r * 3 * units + j, x = slot * 3 * units + j; \
    const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
    const real zg = gates[r3]; \
    const real hh = tanh(inputGates[x + 2 * units] + recurrent[row]); \
    gates[r3 + 2 * units] = hh; \
    const real hPrev = states[prev]; \
    const real hy = keep ? hPrev : gru_state(zg, hPrev, hh); \
    states[next] = hy; \
    h[row] = hy; \
}

GRU_CANDIDATE_CELL(gru_candidate_cell, PLAIN)
GRU_CANDIDATE_CELL(gru_candidate_cell_masked, MASKED)

// gru_candidate_cell_backward: from the saved z and hh, gradCandidate = dh, the z block of gradResetGates = dz and
// gradH = dH * z; a masked row gets zeros and passes dH on.
#define GRU_CANDIDATE_CELL_BACKWARD(NAME, M) \
__kernel void NAME(CELL_SIZES, M##_MASK_ARG __global const real* states, __global const real* gates, \
        __global const real* gradStates, __global real* gradH, __global real* gradCandidate, \
        __global real* gradResetGates) { \
    CELL_ELEMENT(M) \
    const size_t row = r * units + j, r2 = r * 2 * units + j, r3 = r * 3 * units + j; \
    const size_t prev = slot * units + j, next = prev + (size_t) batch * units; \
    const real dH = gradStates[next] + gradH[row]; \
    if (keep) { \
        gradCandidate[row] = 0; \
        gradResetGates[r2] = 0; \
        gradH[row] = dH; \
        return; \
    } \
    const real zg = gates[r3], hh = gates[r3 + 2 * units]; \
    gradCandidate[row] = gru_candidate_gradient(dH, zg, hh); \
    gradResetGates[r2] = gru_update_gradient(dH, zg, states[prev], hh); \
    gradH[row] = dH * zg; \
}

GRU_CANDIDATE_CELL_BACKWARD(gru_candidate_cell_backward, PLAIN)
GRU_CANDIDATE_CELL_BACKWARD(gru_candidate_cell_backward_masked, MASKED)

// gru_reset_cell_backward: from gradResetHidden = gradCandidate . U_h^T and the saved r, the r block of
// gradResetGates and gradH += gradResetHidden * r.
__kernel void gru_reset_cell_backward(CELL_SIZES, __global const real* states, __global const real* gates,
        __global const real* gradResetHidden, __global real* gradH, __global real* gradResetGates) {
    CELL_INDEX
    const size_t row = r * units + j, r2 = r * 2 * units + j, r3 = r * 3 * units + j;
    const real rg = gates[r3 + units];
    const real d = gradResetHidden[row];
    gradResetGates[r2 + units] = d * states[slot * units + j] * (rg * (1 - rg));
    gradH[row] += d * rg;
}

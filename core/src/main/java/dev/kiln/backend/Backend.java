package dev.kiln.backend;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The numeric kernels Kiln runs on one device. Buffers are flat, row-major and contiguous; every shape
 * argument is in elements. Calls may be asynchronous: they are ordered as issued, and only
 * {@link #download}, {@link #synchronize} and the {@link PendingDownload} of {@link #downloadLater} wait. Several
 * backends may live in one JVM.
 *
 * <p>Threads: the primitives of one backend are not safe to call from several threads at once (an OpenCL kernel's
 * arguments are set and launched in two calls). Every thread that computes on a backend holds its {@link #lock()}
 * while it does: {@code Model}'s {@code predict}, {@code evaluate} and {@code fit} and the tensor methods that
 * allocate, transfer or free take it for their whole call, so only code that calls ops or primitives directly from
 * several threads takes it itself. {@link #close()} takes it too, waiting for the calls in flight; afterwards every
 * use fails with a {@link BackendClosedException}. The counters ({@link #memory()}, {@link #transfers()}) may be
 * read from any thread at any time, and are exact.
 *
 * <p>Preconditions, the same on every backend: each primitive first calls the {@link BufferChecks} method of
 * its name, so a bad call throws the same {@link dev.kiln.KilnException} wherever it runs, before anything is
 * enqueued. Sizes are not negative (and at least 1 where a method says so). Every buffer is a live buffer of
 * this backend, and the buffers of one call share one dtype. The memory methods take every {@link DType}; the
 * computing methods take F32 or F64 operands and reject I32 (index) buffers, except as the indices of
 * {@link #gather}, {@link #scatterAdd}, {@link #oneHot}, the class indices of {@link #addArgmaxMatches}, the argmax
 * of {@link #maxPool} and the counts of {@link #histogram}, which are always I32. Every buffer
 * holds <em>exactly</em> the elements its shape arguments name, counted by its logical {@link Buffer#length()}
 * (a device may reserve more); the exceptions are ranges inside a buffer: {@link #upload} and {@link #download}
 * (the start of the buffer), {@link #copy} and {@link #copyBlocks} (offsets, lengths and strides inside each
 * buffer) and {@link #gemmBatched} (at least the elements its strided matrices reach). An output is never one
 * of the inputs, except that {@link #unary}, {@link #unaryBackward} and {@link #binary} (with an operand that
 * spans the whole output) may write over an input; {@link #update} works in place on distinct buffers; the recurrent
 * cells read one slot of {@code states} and write the next, and update {@code gradH} and {@code gradC} in place;
 * {@link #addArgmaxMatches} adds to its total; the two halves of a GRU step that resets before the product share
 * {@code gates} (and their adjoints {@code gradResetGates}), each reading and writing its own blocks.
 */
public interface Backend extends AutoCloseable {

    /** Short name used for selection: "cpu" or "opencl". */
    String name();

    /** The device this backend computes on. */
    DeviceInfo device();

    /**
     * The lock that serialises work on this backend across threads, held for a whole {@code predict},
     * {@code evaluate} or training step; reentrant and fair, so waiting callers are served in order.
     */
    ReentrantLock lock();

    /** Whether {@link #close()} has been called. */
    boolean isClosed();

    /** Whether buffers of this dtype can be allocated and computed on. */
    boolean supports(DType dtype);

    // ---- memory ----

    /** Allocates {@code length} elements; the contents are unspecified until written. */
    Buffer allocate(DType dtype, long length);

    /** Copies {@code source} into the start of {@code target} (an F32 buffer). */
    void upload(float[] source, Buffer target);

    /** Copies {@code source} into the start of {@code target} (an F64 buffer). */
    void upload(double[] source, Buffer target);

    /** Copies {@code source} into the start of {@code target} (an I32 buffer). */
    void upload(int[] source, Buffer target);

    /** Copies the first {@code target.length} elements of {@code source} (F32) to the host; waits. */
    void download(Buffer source, float[] target);

    /** Copies the first {@code target.length} elements of {@code source} (F64) to the host; waits. */
    void download(Buffer source, double[] target);

    /** Copies the first {@code target.length} elements of {@code source} (I32) to the host; waits. */
    void download(Buffer source, int[] target);

    /**
     * Starts copying the first {@code count} elements of {@code source} (F32 or F64) to the host and returns without
     * waiting, so that the caller can issue more calls before it reads them (a training step's loss while the next
     * step is queued). {@link PendingDownload#await} returns the elements as they were when this call was issued.
     * This default downloads at once, for backends whose calls finish as they are issued.
     */
    default PendingDownload downloadLater(Buffer source, int count) {
        BufferChecks.downloadLater(this, source, count);
        double[] values = new double[count];
        if (source.dtype() == DType.F64) {
            download(source, values);
        } else {
            float[] floats = new float[count];
            download(source, floats);
            for (int i = 0; i < count; i++) {
                values[i] = floats[i];
            }
        }
        return () -> values.clone();
    }

    /**
     * target[targetOffset + i] = source[sourceOffset + i] for i in [0, length). Same dtype; both ranges lie inside
     * their buffers, and within one buffer they must not overlap.
     */
    void copy(Buffer source, long sourceOffset, Buffer target, long targetOffset, long length);

    /**
     * Copies {@code blocks} blocks of {@code blockLength} contiguous elements: for b in [0, blocks) and i in
     * [0, blockLength), target[targetOffset + b * targetStride + i] = source[sourceOffset + b * sourceStride + i].
     * Same dtype; the source and target must be different buffers. Offsets and strides are not negative, and the
     * target's blocks must not overlap (targetStride >= blockLength when there are several); the source's may.
     * Zero blocks or a zero block length copies nothing.
     */
    void copyBlocks(int blocks, int blockLength, Buffer source, long sourceOffset, long sourceStride,
                    Buffer target, long targetOffset, long targetStride);

    /** Sets every element of {@code target} to {@code value} (rounded to float for F32, cast to int for I32). */
    void fill(Buffer target, double value);

    /** Releases a buffer; freeing twice is an error. */
    void free(Buffer buffer);

    /** Buffers allocated and not yet freed. */
    default long liveBuffers() {
        return memory().liveBuffers();
    }

    /** The device memory live buffers hold now, and what the backend keeps of freed ones to reuse. */
    DeviceMemory memory();

    /** Host/device transfers since this backend was created. */
    TransferStats transfers();

    /** Waits until every issued call has finished. */
    void synchronize();

    /**
     * Frees the backend's own resources; buffers still live are released too. Waits for calls in flight on other
     * threads; closing twice does nothing.
     */
    @Override
    void close();

    // ---- linear algebra ----

    /**
     * c = alpha * op(a) * op(b) + beta * c, with op(a) of shape [m, k] and op(b) of shape [k, n]; a is stored
     * [m, k] (or [k, m] when {@code transposeA}), b [k, n] (or [n, k] when {@code transposeB}), c [m, n].
     * With beta = 0 the previous contents of c are ignored (NaN included). Each buffer holds exactly its matrix: a
     * longer one is rejected (to multiply part of a buffer, use {@link #gemmBatched} with a batch of 1).
     */
    void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
              double alpha, Buffer a, Buffer b, double beta, Buffer c);

    /**
     * {@code batch} independent products: c_i = alpha * op(a_i) * op(b_i) + beta * c_i for i in [0, batch), where
     * a_i starts at element i * strideA of a, b_i at i * strideB of b and c_i at i * strideC of c, each laid out as
     * in {@link #gemm}. A stride of 0 shares one matrix of a or b across the batch; the c_i must not overlap
     * (strideC >= m * n when batch > 1). Strides are not negative; each buffer holds at least the elements its
     * matrices reach.
     */
    void gemmBatched(boolean transposeA, boolean transposeB, int batch, int m, int n, int k, double alpha,
                     Buffer a, long strideA, Buffer b, long strideB, double beta, Buffer c, long strideC);

    /**
     * A dense layer's forward pass in one call: out = f(op(a) · op(b) + bias), with op, a and b as in {@link #gemm}
     * (alpha 1, beta 0), bias [n] added to every row of the product (null for none), f = {@code activation} with its
     * {@code alpha}, and out [m, n]. The product is rounded before the bias is added and the sum before f, as three
     * separate calls would round them; alpha is finite and not negative.
     */
    void gemmBiasActivation(Activation activation, double alpha, boolean transposeA, boolean transposeB, int m, int n,
                            int k, Buffer a, Buffer b, Buffer bias, Buffer out);

    /**
     * The adjoint of the epilogue of {@link #gemmBiasActivation}, from its output y [rows, cols]: gradIn = gradOut *
     * f'(y) and gradBias[c] = the sum over r of gradIn[r, c] in increasing r (gradBias [cols], or null for none).
     * gradIn [rows, cols] may be gradOut.
     */
    void biasActivationBackward(Activation activation, double alpha, int rows, int cols, Buffer y, Buffer gradOut,
                                Buffer gradIn, Buffer gradBias);

    /** out[j, i] = x[i, j] for x of shape [rows, cols]. */
    void transpose(int rows, int cols, Buffer x, Buffer out);

    /** The most axes {@link #permute} takes. */
    int MAX_PERMUTE_RANK = 6;

    /**
     * Reorders the axes of x (row-major, of shape {@code dims}): out has dims[axes[0]], ..., dims[axes[r - 1]] and
     * out[j_0, ..., j_{r-1}] = x[i] with i_{axes[d]} = j_d. {@code axes} is a permutation of [0, r), 1 <= r <=
     * {@link #MAX_PERMUTE_RANK}; out must not be x.
     */
    void permute(int[] dims, int[] axes, Buffer x, Buffer out);

    /**
     * Row lookup: out[i, c] = table[indices[i], c] for i in [0, count) and c in [0, cols), with table [rows, cols]
     * and out of one real dtype and the indices an I32 buffer of values in [0, rows). The caller checks the indices;
     * a backend may reject others, and never reads outside the table for them (it writes zeros instead).
     */
    void gather(int rows, int cols, int count, Buffer table, Buffer indices, Buffer out);

    /**
     * The adjoint of {@link #gather}, in place: out[indices[i], c] += values[i, c] for i in [0, count), in increasing
     * i, so repeated indices accumulate and the result does not depend on scheduling. out is [rows, cols], values
     * [count, cols] of one real dtype, indices I32; an index outside [0, rows) is skipped or rejected as in gather.
     */
    void scatterAdd(int rows, int cols, int count, Buffer indices, Buffer values, Buffer out);

    // ---- sliding windows (convolution and pooling, channels-last images) ----

    /**
     * Unfolds the windows of {@code window} into a matrix: columns [columnRows, columnWidth] (see {@link Window2d})
     * gets, in row (n, oy, ox) and column (ky, kx, c), the image value [n, y, x, c] that tap (ky, kx) of that window
     * reads, or 0 where it lies in the padding. A convolution is then one gemm of the columns with the kernel
     * [kernelHeight * kernelWidth * channels, filters]. image is [batch, height, width, channels]; both exactly.
     */
    void im2col(Window2d window, Buffer image, Buffer columns);

    /**
     * The adjoint of {@link #im2col}: image[n, y, x, c] = the sum of every column entry that reads it, taken in
     * increasing tap (ky, kx) order so the result does not depend on scheduling; an image value no tap reads is 0.
     * Overwrites the image. Also the forward pass of a transposed convolution.
     */
    void col2im(Window2d window, Buffer columns, Buffer image);

    /**
     * Max pooling: out[n, oy, ox, c] = the largest image value among the window's taps inside the image (padding
     * is never chosen), and argmax (I32, of out's shape) = its tap ky * kernelWidth + kx. The first largest tap in
     * (ky, kx) order wins; a NaN tap wins over numbers, so NaN propagates. image [batch, height, width, channels],
     * out and argmax [batch, outHeight, outWidth, channels]; the dilation is 1.
     */
    void maxPool(Window2d window, Buffer image, Buffer out, Buffer argmax);

    /**
     * The gradient of {@link #maxPool}: gradImage[n, y, x, c] = the sum of gradOut over the windows whose recorded
     * argmax tap reads (y, x), in increasing tap (ky, kx) order; 0 elsewhere. Overwrites gradImage.
     */
    void maxPoolBackward(Window2d window, Buffer gradOut, Buffer argmax, Buffer gradImage);

    /**
     * Average pooling: out[n, oy, ox, c] = the mean of the window's taps inside the image, summed in increasing tap
     * (ky, kx) order; padding is not counted (as Keras does), so a window half in the padding averages its image
     * half. Shapes as in {@link #maxPool}.
     */
    void avgPool(Window2d window, Buffer image, Buffer out);

    /**
     * The gradient of {@link #avgPool}: gradImage[n, y, x, c] = the sum of gradOut / (that window's in-image tap
     * count) over the windows that read (y, x), in increasing tap (ky, kx) order. Overwrites gradImage.
     */
    void avgPoolBackward(Window2d window, Buffer gradOut, Buffer gradImage);

    // ---- recurrent cells (one time step; gates in Keras's order, time-major sequences, see SequenceStep) ----

    /**
     * One step of a simple recurrent layer: h' = tanh(inputGates[step] + recurrent), with inputGates [steps, batch,
     * units] (x · kernel + bias) and recurrent [batch, units] (hPrev · recurrent kernel), hPrev = states[step]
     * [batch, units]. Where {@code mask} [steps, batch] (0/1, or null for none) is 0 at [step, n], row n keeps hPrev.
     * Writes the result to states[step + 1] and to h [batch, units] (the next step's gemm operand). states is read
     * at slot {@code step} and written at slot {@code step + 1}.
     */
    void rnnCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h);

    /**
     * The adjoint of {@link #rnnCell}, for the loop that walks the steps backwards. gradStates [steps + 1, batch,
     * units] is the gradient flowing into the states from outside the loop; gradH [batch, units] holds what later
     * steps passed back to states[step + 1], and is replaced by what passes to states[step] directly (the caller adds
     * gradGates · recurrent kernel^T to it). With dH = gradStates[step + 1] + gradH and h = states[step + 1]:
     * gradGates [batch, units] = dH * (1 - h^2) and gradH = 0 where the row is unmasked; gradGates = 0 and gradH = dH
     * where masked.
     */
    void rnnCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gradStates, Buffer gradH,
                         Buffer gradGates);

    /**
     * One LSTM step with Keras's gate order i, f, c, o: z = inputGates[step] [batch, 4 * units] + recurrent [batch,
     * 4 * units]; i, f, o = sigmoid, g = tanh of their blocks; c' = f * cPrev + i * g, h' = o * tanh(c'), where
     * states [steps + 1, batch, 2 * units] holds h then c in each row and (hPrev, cPrev) = states[step]. A masked
     * row (mask as in {@link #rnnCell}) keeps (hPrev, cPrev). Writes (h', c') to states[step + 1], h' to h [batch,
     * units] and the activations i, f, g, o to gates [batch, 4 * units] (for the backward step).
     */
    void lstmCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h,
                  Buffer gates);

    /**
     * The adjoint of {@link #lstmCell}: with dH = gradStates[step + 1, :, h] + gradH, dC = gradStates[step + 1, :, c]
     * + gradC, the saved activations {@code gates} and c' = states[step + 1, :, c], an unmasked row gets
     * dC' = dC + dH * o * (1 - tanh(c')^2), gradGates = (dC' * g * i(1 - i), dC' * cPrev * f(1 - f),
     * dC' * i * (1 - g^2), dH * tanh(c') * o(1 - o)), gradH = 0 and gradC = dC' * f; a masked row gets gradGates = 0,
     * gradH = dH and gradC = dC. gradH and gradC [batch, units] are read and replaced, as in {@link #rnnCellBackward}.
     */
    void lstmCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates, Buffer gradH,
                          Buffer gradC, Buffer gradGates);

    /**
     * One GRU step with Keras's gate order z, r, h and the reset gate applied after the recurrent product (Keras's
     * {@code reset_after}, PyTorch's formula): with x = inputGates[step] [batch, 3 * units], rec = recurrent [batch,
     * 3 * units] + recurrentBias [3 * units] (null for none) and hPrev = states[step]: z = sigmoid(x_z + rec_z),
     * r = sigmoid(x_r + rec_r), hh = tanh(x_h + r * rec_h), h' = z * hPrev + (1 - z) * hh. A masked row keeps hPrev.
     * Writes h' to states[step + 1] and h, and z, r, hh, rec_h to gates [batch, 4 * units].
     */
    void gruCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer recurrentBias, Buffer mask,
                 Buffer states, Buffer h, Buffer gates);

    /**
     * The adjoint of {@link #gruCell}: with dH = gradStates[step + 1] + gradH and the saved z, r, hh, rec_h, an
     * unmasked row gets dh = dH * (1 - z) * (1 - hh^2), dz = dH * (hPrev - hh) * z(1 - z), dr = dh * rec_h * r(1 - r),
     * gradInputGates = (dz, dr, dh), gradRecurrent = (dz, dr, dh * r) (both [batch, 3 * units]) and gradH = dH * z;
     * a masked row gets zeros and gradH = dH. gradH is read and replaced as in {@link #rnnCellBackward}.
     */
    void gruCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates, Buffer gradH,
                         Buffer gradInputGates, Buffer gradRecurrent);

    /**
     * The first half of a GRU step with the reset gate applied before the recurrent product (Keras's
     * {@code reset_after=False}), which needs two products per step: with x = inputGates[step] [batch, 3 * units],
     * rec = recurrent [batch, 2 * units] (hPrev · the z and r columns of the recurrent kernel) and hPrev =
     * states[step]: z = sigmoid(x_z + rec_z), r = sigmoid(x_r + rec_r). Writes z and r to the first two blocks of
     * gates [batch, 3 * units] and r * hPrev to resetHidden [batch, units], the second product's operand. No mask:
     * {@link #gruCandidateCell} keeps a masked row's state whatever this half computed.
     */
    void gruResetCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer states, Buffer resetHidden,
                      Buffer gates);

    /**
     * The second half of that step: with rec = recurrent [batch, units] (resetHidden · the h columns of the recurrent
     * kernel) and z read from the gates {@link #gruResetCell} wrote: hh = tanh(x_h + rec),
     * h' = z * hPrev + (1 - z) * hh; a masked row (mask as in {@link #rnnCell}) keeps hPrev. Writes h' to
     * states[step + 1] and h, and hh to the third block of gates.
     */
    void gruCandidateCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h,
                          Buffer gates);

    /**
     * The adjoint of {@link #gruCandidateCell}, first in the backward step: with dH = gradStates[step + 1] + gradH and
     * the saved z and hh, an unmasked row gets gradCandidate [batch, units] = dH * (1 - z) * (1 - hh^2) (the
     * gradient of x_h and of rec), the z block of gradResetGates [batch, 2 * units] = dH * (hPrev - hh) * z(1 - z)
     * and gradH = dH * z; a masked row gets zeros and gradH = dH. gradH is read and replaced as in
     * {@link #rnnCellBackward}; the r block of gradResetGates is left to {@link #gruResetCellBackward}.
     */
    void gruCandidateCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                  Buffer gradH, Buffer gradCandidate, Buffer gradResetGates);

    /**
     * The adjoint of {@link #gruResetCell}: with gradResetHidden [batch, units] (gradCandidate · the h columns of the
     * recurrent kernel^T) and the saved r, writes the r block of gradResetGates = gradResetHidden * hPrev * r(1 - r)
     * and adds gradResetHidden * r to gradH (the caller then adds gradResetGates · the z and r columns^T). No mask:
     * a masked row's gradResetHidden is 0.
     */
    void gruResetCellBackward(SequenceStep at, Buffer states, Buffer gates, Buffer gradResetHidden, Buffer gradH,
                              Buffer gradResetGates);

    // ---- element-wise ----

    /** out = f(x) element-wise over x.length() elements, with parameters a and b as {@link UnaryOp} defines. */
    void unary(UnaryOp op, double a, double b, Buffer x, Buffer out);

    /** gradIn = gradOut * f'(x); y = f(x) is passed too, as some derivatives read it. gradIn may be an input. */
    void unaryBackward(UnaryOp op, double a, double b, Buffer x, Buffer y, Buffer gradOut, Buffer gradIn);

    /** out = f(a, b) with the operands broadcast over {@code shape}. */
    void binary(BinaryOp op, Broadcast shape, Buffer a, Buffer b, Buffer out);

    // ---- reductions and row-wise ops ----

    /** out[o, i] = reduce over m of x[o, m, i], for x viewed as [outer, middle, inner]. */
    void reduce(ReduceOp op, int outer, int middle, int inner, Buffer x, Buffer out);

    /**
     * counts[b] (an I32 buffer of {@code bins} elements) = how many elements of x fall in bin b of {@code bins}
     * equal-width bins over [low, high]: bin floor((x - low) * scale) with scale = bins / (high - low), and x == high
     * in the last bin; elements outside [low, high] and NaN are not counted. Overwrites counts. low, high and scale
     * (computed in double) are rounded to x's dtype and the bin is computed in that dtype, so every backend puts a
     * value on a bin edge in the same bin. low and high are finite, low < high, bins >= 1, and scale is finite in
     * x's dtype; x holds fewer than 2^31 elements. The range usually comes from {@link ReduceOp#MIN} and
     * {@link ReduceOp#MAX}.
     */
    void histogram(Buffer x, double low, double high, int bins, Buffer counts);

    /** Row-wise softmax (or log-softmax when {@code log}) of x [rows, cols]. */
    void softmax(boolean log, int rows, int cols, Buffer x, Buffer out);

    /**
     * Gradient of {@link #softmax} from its output y: gradIn = y * (gradOut - sum(gradOut * y)) per row, or
     * for log-softmax gradIn = gradOut - exp(y) * sum(gradOut) per row.
     */
    void softmaxBackward(boolean log, int rows, int cols, Buffer y, Buffer gradOut, Buffer gradIn);

    /**
     * Fused softmax cross-entropy on logits [rows, cols] against target probabilities [rows, cols]:
     * probabilities = softmax(logits), losses[r] = -sum_c targets[r, c] * log_softmax(logits)[r, c].
     */
    void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer targets, Buffer probabilities, Buffer losses);

    /**
     * {@link #softmaxCrossEntropy} with its per-row losses summed: probabilities = softmax(logits), and total (one
     * element) = scale * sum_r losses[r], the scale 1 / rows for their mean. A training loss in one call; rows >= 1.
     */
    void softmaxCrossEntropyTotal(int rows, int cols, double scale, Buffer logits, Buffer targets, Buffer probabilities,
                                  Buffer total);

    /**
     * gradLogits[r, c] = g[r] * (probabilities[r, c] * sum_c' targets[r, c'] - targets[r, c]), where g[r] = scale *
     * gradLosses[r] for gradLosses [rows], or scale * gradLosses[0] for every row when gradLosses has one element (the
     * gradient of the losses' mean, scale 1 / rows, or sum, scale 1, in the same call). The product scale *
     * gradLosses is rounded to the buffers' dtype, as a separate multiplication would round it.
     */
    void softmaxCrossEntropyBackward(int rows, int cols, double scale, Buffer probabilities, Buffer targets,
                                     Buffer gradLosses, Buffer gradLogits);

    /**
     * total[0] += the number of rows r of predictions [rows, cols] whose predicted class, the column of the first
     * largest element (NaN counting as the largest, as {@link ReduceOp#ARGMAX} takes it), is the row's label: with
     * {@code classIndices} the I32 labels[r] (labels [rows]; an index outside [0, cols) never matches), else the
     * predicted class of labels [rows, cols] (one-hot or soft targets, of the predictions' dtype). total is a
     * one-element buffer of the predictions' dtype and no input; a count is exact up to 2^24 in F32. This is the
     * batch total of categorical accuracy in one call.
     */
    void addArgmaxMatches(int rows, int cols, Buffer predictions, Buffer labels, boolean classIndices, Buffer total);

    /**
     * out [rows, classes] (a real dtype) = one-hot encoding of the class indices in {@code indices} [rows] (an I32
     * buffer); a row whose index is outside [0, classes) is all zeros.
     */
    void oneHot(int rows, int classes, Buffer indices, Buffer out);

    // ---- training ----

    /**
     * One fused optimizer step on a parameter, in place; {@code states} holds {@link UpdateRule#stateCount()} buffers,
     * each as long as {@code param}, as is {@code grad}; all are different buffers. Adam's step is at least 1.
     */
    void update(UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad, Buffer... states);

    /**
     * {@link #update} on several parameters with the same rule and hyper-parameters, as one call where the device
     * allows: params[i] with grads[i] and states[i] ({@link UpdateRule#stateCount()} buffers, each as long as
     * params[i]). The arrays have one entry per parameter; no buffer appears twice among all of them.
     */
    void updateGroup(UpdateRule rule, UpdateParameters parameters, Buffer[] params, Buffer[] grads, Buffer[][] states);

    /** Fills {@code out} with counter-based random numbers; see {@link Distribution}. */
    void random(Distribution distribution, long seed, long offset, double a, double b, Buffer out);
}

// Sliding windows over channels-last images [batch, height, width, channels] (see Window2d): im2col and its
// adjoint col2im, max and average pooling and their gradients.
// Kernels: im2col, col2im, max_pool, max_pool_backward, avg_pool, avg_pool_backward, each also as <name>_vector,
// which moves VW neighbouring channels per work-item (for channels a multiple of VW).
// One work-item per output element (VW of them in the _vector kernels), channels fastest, so neighbouring
// work-items touch neighbouring memory. The adjoints gather: a work-item sums what reaches its image element over
// the taps in increasing (ky, kx) order, so no two work-items write one element, nothing is atomic, and the sums
// run in the CPU backend's order. Positions are decoded by divide() (common.cl: a multiply and a shift by
// host-computed constants) since integer division dominates such small kernels, and loops over taps step without
// dividing.
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: capped 1-D ranges, each kernel a grid-stride loop over
// its n work-items; fewer than 2^31 elements per buffer (Window2d guarantees it); pooling has no dilation.

#define WINDOW const int height, const int width, const int channels, const int kernelHeight, \
        const int kernelWidth, const int strideHeight, const int strideWidth, const int dilationHeight, \
        const int dilationWidth, const int padTop, const int padLeft, const int outHeight, const int outWidth

// The first tap k of one axis that reads input position p, with its window o: k * dilation + o * stride = p + pad
// = from. The next ones follow every tapStep taps, their windows every outStep positions back (the host passes
// tapStep = stride / gcd(stride, dilation), outStep = dilation / gcd(stride, dilation)); (taps, 0) when none reads p.
static inline int2 first_tap(const int from, const int stride, const int dilation, const int tapStep, const int taps,
        const uint2 byStride) {
    for (int k = 0; k < min(tapStep, taps) && k * dilation <= from; k++) {
        const int o = divide(from - k * dilation, byStride);
        if (o * stride == from - k * dilation) return (int2) (k, o);
    }
    return (int2) (taps, 0);
}

// How many taps of one axis of the window starting at image position `from` lie inside the image.
static inline int inside(const int from, const int taps, const int size) {
    return min(taps, size - from) - max(0, -from);
}

// Beside common.cl's lane macros: _IT holds tap numbers, _MASK the result of comparing two _T; _TAPS turns such a
// mask into one over _IT lanes, _VALUES turns a mask from comparing _IT lanes into one over _T lanes (scalar
// conditions need neither).
#define S_IT int
#define S_MASK int
#define S_TAPS(m) (m)
#define S_VALUES(m) (m)
#define V_IT KILN_CONCAT(int, VW)
#if PRECISION == 64
#define V_MASK KILN_CONCAT(long, VW)
#define V_TAPS(m) KILN_CONCAT(convert_int, VW)(m)
#define V_VALUES(m) KILN_CONCAT(convert_long, VW)(m)
#else
#define V_MASK KILN_CONCAT(int, VW)
#define V_TAPS(m) (m)
#define V_VALUES(m) (m)
#endif

// Opens the grid-stride loop of work-items q of n, as an int (n < 2^31); END_WORK_ITEMS closes it.
#define WORK_ITEM(q) \
    FOR_EACH(item, n) { \
    const int q = item;
#define END_WORK_ITEMS }

// im2col: work-item q fills the columns' lanes [q * LANES, (q + 1) * LANES): row (b, oy, ox), tap (ky, kx),
// channels c...; groups = channels / LANES work-items per tap.
#define IM2COL(NAME, L) \
__kernel void NAME(const long n, WINDOW, const uint2 byGroups, const uint2 byTaps, const uint2 byKernelWidth, \
        const uint2 byOutWidth, const uint2 byOutHeight, __global const real* image, __global real* columns) { \
    WORK_ITEM(q) \
        const int t = divide(q, byGroups), c = (q - t * (channels / L##_LANES)) * L##_LANES; \
        const int row = divide(t, byTaps), tap = t - row * kernelHeight * kernelWidth; \
        const int ky = divide(tap, byKernelWidth), kx = tap - ky * kernelWidth; \
        const int rest = divide(row, byOutWidth), ox = row - rest * outWidth; \
        const int b = divide(rest, byOutHeight), oy = rest - b * outHeight; \
        const int y = oy * strideHeight - padTop + ky * dilationHeight; \
        const int x = ox * strideWidth - padLeft + kx * dilationWidth; \
        L##_T value = (L##_T) 0; \
        if (y >= 0 && y < height && x >= 0 && x < width) { \
            value = L##_LOAD(image + (((b * height + y) * width + x) * channels + c)); \
        } \
        L##_STORE(value, columns + (size_t) q * L##_LANES); \
    END_WORK_ITEMS \
}

IM2COL(im2col, S)
IM2COL(im2col_vector, V)

// col2im: work-item q sums the image lanes [q * LANES, (q + 1) * LANES) of pixel (b, y, x) over the column entries
// that read them.
#define COL2IM(NAME, L) \
__kernel void NAME(const long n, WINDOW, const int tapStepHeight, const int outStepHeight, const int tapStepWidth, \
        const int outStepWidth, const uint2 byGroups, const uint2 byWidth, const uint2 byHeight, \
        const uint2 byStrideHeight, const uint2 byStrideWidth, __global const real* columns, __global real* image) { \
    WORK_ITEM(q) \
        const int pixel = divide(q, byGroups), c = (q - pixel * (channels / L##_LANES)) * L##_LANES; \
        const int rest = divide(pixel, byWidth), x = pixel - rest * width; \
        const int b = divide(rest, byHeight), y = rest - b * height; \
        const int2 firstY = first_tap(y + padTop, strideHeight, dilationHeight, tapStepHeight, kernelHeight, \
                byStrideHeight); \
        const int2 firstX = first_tap(x + padLeft, strideWidth, dilationWidth, tapStepWidth, kernelWidth, \
                byStrideWidth); \
        const int rowLength = kernelHeight * kernelWidth * channels; \
        L##_T sum = (L##_T) 0; \
        for (int ky = firstY.x, oy = firstY.y; ky < kernelHeight && oy >= 0; \
                ky += tapStepHeight, oy -= outStepHeight) { \
            if (oy >= outHeight) continue; \
            const int windows = (b * outHeight + oy) * outWidth; \
            for (int kx = firstX.x, ox = firstX.y; kx < kernelWidth && ox >= 0; \
                    kx += tapStepWidth, ox -= outStepWidth) { \
                if (ox >= outWidth) continue; \
                sum += L##_LOAD(columns + ((windows + ox) * rowLength + (ky * kernelWidth + kx) * channels + c)); \
            } \
        } \
        L##_STORE(sum, image + (size_t) q * L##_LANES); \
    END_WORK_ITEMS \
}

COL2IM(col2im, S)
COL2IM(col2im_vector, V)

// The start of pooling work-item q: window (b, oy, ox) at image corner (y0, x0), its taps [kyStart, kyEnd) x
// [kxStart, kxEnd) inside the image, and origin, the image index of lane 0 at tap (0, 0) (negative when that tap
// lies in the padding). It opens the work-item loop (WORK_ITEM), which the kernel closes with END_WORK_ITEMS.
#define POOL_WINDOW(L) \
    WORK_ITEM(q) \
    const int window = divide(q, byGroups), c = (q - window * (channels / L##_LANES)) * L##_LANES; \
    const int rest = divide(window, byOutWidth), ox = window - rest * outWidth; \
    const int b = divide(rest, byOutHeight), oy = rest - b * outHeight; \
    const int y0 = oy * strideHeight - padTop, x0 = ox * strideWidth - padLeft; \
    const int kyStart = max(0, -y0), kyEnd = min(kernelHeight, height - y0); \
    const int kxStart = max(0, -x0), kxEnd = min(kernelWidth, width - x0); \
    const int origin = ((b * height + y0) * width + x0) * channels + c;

// max_pool: out and argmax at q hold the window's largest in-image tap and its number ky * kernelWidth + kx; the
// first largest wins, a NaN beats every number.
#define MAX_POOL(NAME, L) \
__kernel void NAME(const long n, WINDOW, const uint2 byGroups, const uint2 byOutWidth, const uint2 byOutHeight, \
        __global const real* image, __global real* out, __global int* argmax) { \
    POOL_WINDOW(L) \
        L##_T best = L##_LOAD(image + (origin + (kyStart * width + kxStart) * channels)); \
        L##_IT bestTap = (L##_IT) (kyStart * kernelWidth + kxStart); \
        for (int ky = kyStart; ky < kyEnd; ky++) { \
            for (int kx = kxStart; kx < kxEnd; kx++) { \
                const L##_T v = L##_LOAD(image + (origin + (ky * width + kx) * channels)); \
                const L##_MASK take = v > best || (isnan(v) && !isnan(best)); \
                best = take ? v : best; \
                bestTap = L##_TAPS(take) ? (L##_IT) (ky * kernelWidth + kx) : bestTap; \
            } \
        } \
        L##_STORE(best, out + (size_t) q * L##_LANES); \
        L##_STORE(bestTap, argmax + (size_t) q * L##_LANES); \
    END_WORK_ITEMS \
}

MAX_POOL(max_pool, S)
MAX_POOL(max_pool_vector, V)

// avg_pool: out at q is the sum of the window's in-image taps in (ky, kx) order over their count.
#define AVG_POOL(NAME, L) \
__kernel void NAME(const long n, WINDOW, const uint2 byGroups, const uint2 byOutWidth, const uint2 byOutHeight, \
        __global const real* image, __global real* out) { \
    POOL_WINDOW(L) \
        L##_T sum = (L##_T) 0; \
        for (int ky = kyStart; ky < kyEnd; ky++) { \
            for (int kx = kxStart; kx < kxEnd; kx++) { \
                sum += L##_LOAD(image + (origin + (ky * width + kx) * channels)); \
            } \
        } \
        L##_STORE(sum / (real) ((kyEnd - kyStart) * (kxEnd - kxStart)), out + (size_t) q * L##_LANES); \
    END_WORK_ITEMS \
}

AVG_POOL(avg_pool, S)
AVG_POOL(avg_pool_vector, V)

// The pooling gradients: work-item q sums, for its image lanes, gradOut over the windows that read them with taps
// in (ky, kx) order; TERM adds window `at`'s share. Without dilation the taps reading a pixel come every stride
// taps, their windows one apart.
#define POOL_BACKWARD(NAME, L, EXTRA_INPUT, TERM) \
__kernel void NAME(const long n, WINDOW, const uint2 byGroups, const uint2 byWidth, const uint2 byHeight, \
        const uint2 byStrideHeight, const uint2 byStrideWidth, __global const real* gradOut, EXTRA_INPUT \
        __global real* gradImage) { \
    WORK_ITEM(q) \
        const int pixel = divide(q, byGroups), c = (q - pixel * (channels / L##_LANES)) * L##_LANES; \
        const int rest = divide(pixel, byWidth), x = pixel - rest * width; \
        const int b = divide(rest, byHeight), y = rest - b * height; \
        const int oy0 = divide(y + padTop, byStrideHeight), ky0 = y + padTop - oy0 * strideHeight; \
        const int ox0 = divide(x + padLeft, byStrideWidth), kx0 = x + padLeft - ox0 * strideWidth; \
        L##_T sum = (L##_T) 0; \
        for (int ky = ky0, oy = oy0; ky < kernelHeight && oy >= 0; ky += strideHeight, oy--) { \
            if (oy >= outHeight) continue; \
            const int windows = (b * outHeight + oy) * outWidth; \
            for (int kx = kx0, ox = ox0; kx < kernelWidth && ox >= 0; kx += strideWidth, ox--) { \
                if (ox >= outWidth) continue; \
                const int at = (windows + ox) * channels + c; \
                TERM(L) \
            } \
        } \
        L##_STORE(sum, gradImage + (size_t) q * L##_LANES); \
    END_WORK_ITEMS \
}

#define ARGMAX_INPUT __global const int* argmax,
// Selecting rather than skipping adds +0 to a sum that is never -0, so the sum equals the CPU backend's.
#define MAX_TERM(L) \
    sum += L##_VALUES(L##_LOAD(argmax + at) == (L##_IT) (ky * kernelWidth + kx)) ? L##_LOAD(gradOut + at) \
            : (L##_T) 0;
#define AVG_TERM(L) \
    sum += L##_LOAD(gradOut + at) / (real) (inside(oy * strideHeight - padTop, kernelHeight, height) \
            * inside(ox * strideWidth - padLeft, kernelWidth, width));

POOL_BACKWARD(max_pool_backward, S, ARGMAX_INPUT, MAX_TERM)
POOL_BACKWARD(max_pool_backward_vector, V, ARGMAX_INPUT, MAX_TERM)
POOL_BACKWARD(avg_pool_backward, S, , AVG_TERM)
POOL_BACKWARD(avg_pool_backward_vector, V, , AVG_TERM)

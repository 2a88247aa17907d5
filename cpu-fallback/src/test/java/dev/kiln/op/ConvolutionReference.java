package dev.kiln.op;

/**
 * Direct, loop-by-loop definitions of convolution and pooling over channels-last images, written from the textbook
 * formulas and independent of im2col, to check the ops against. Padding is explicit: {top, bottom, left, right}.
 */
final class ConvolutionReference {
    private ConvolutionReference() {
    }

    /** Output size of one axis. */
    static int outSize(int size, int kernel, int stride, int dilation, int before, int after) {
        return (size + before + after - dilation * (kernel - 1) - 1) / stride + 1;
    }

    /** y[n, oy, ox, f] = sum over ky, kx, c of x[n, iy, ix, c] * k[ky, kx, c, f], zero outside the image. */
    static double[] conv2d(double[] x, int[] xs, double[] k, int[] ks, int stride, int dilation, int[] pad) {
        int n = xs[0], h = xs[1], w = xs[2], c = xs[3], kh = ks[0], kw = ks[1], f = ks[3];
        int oh = outSize(h, kh, stride, dilation, pad[0], pad[1]);
        int ow = outSize(w, kw, stride, dilation, pad[2], pad[3]);
        double[] y = new double[n * oh * ow * f];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < f; o++) {
                        double sum = 0;
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * stride - pad[0] + ky * dilation;
                                int ix = ox * stride - pad[2] + kx * dilation;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                for (int i = 0; i < c; i++) {
                                    sum += x[((b * h + iy) * w + ix) * c + i] * k[((ky * kw + kx) * c + i) * f + o];
                                }
                            }
                        }
                        y[((b * oh + oy) * ow + ox) * f + o] = sum;
                    }
                }
            }
        }
        return y;
    }

    /**
     * The transposed convolution by its scatter definition: input pixel (iy, ix) adds x * k[ky, kx, f, c] to output
     * (iy * stride - padTop + ky * dilation, ...), for an output of {@code outHeight x outWidth}.
     */
    static double[] conv2dTranspose(double[] x, int[] xs, double[] k, int[] ks, int stride, int dilation, int padTop,
                                    int padLeft, int outHeight, int outWidth) {
        int n = xs[0], h = xs[1], w = xs[2], c = xs[3], kh = ks[0], kw = ks[1], f = ks[2];
        double[] y = new double[n * outHeight * outWidth * f];
        for (int b = 0; b < n; b++) {
            for (int iy = 0; iy < h; iy++) {
                for (int ix = 0; ix < w; ix++) {
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int oy = iy * stride - padTop + ky * dilation;
                            int ox = ix * stride - padLeft + kx * dilation;
                            if (oy < 0 || oy >= outHeight || ox < 0 || ox >= outWidth) {
                                continue;
                            }
                            for (int o = 0; o < f; o++) {
                                for (int i = 0; i < c; i++) {
                                    y[((b * outHeight + oy) * outWidth + ox) * f + o] +=
                                            x[((b * h + iy) * w + ix) * c + i] * k[((ky * kw + kx) * f + o) * c + i];
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /** Max (or, with {@code average}, the mean over in-image pixels) of each window, per channel. */
    static double[] pool(double[] x, int[] xs, int pool, int stride, int[] pad, boolean average) {
        int n = xs[0], h = xs[1], w = xs[2], c = xs[3];
        int oh = outSize(h, pool, stride, 1, pad[0], pad[1]);
        int ow = outSize(w, pool, stride, 1, pad[2], pad[3]);
        double[] y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int i = 0; i < c; i++) {
                        double best = Double.NEGATIVE_INFINITY;
                        double sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < pool; ky++) {
                            for (int kx = 0; kx < pool; kx++) {
                                int iy = oy * stride - pad[0] + ky;
                                int ix = ox * stride - pad[2] + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                double v = x[((b * h + iy) * w + ix) * c + i];
                                best = Math.max(best, v);
                                sum += v;
                                count++;
                            }
                        }
                        y[((b * oh + oy) * ow + ox) * c + i] = average ? sum / count : best;
                    }
                }
            }
        }
        return y;
    }
}

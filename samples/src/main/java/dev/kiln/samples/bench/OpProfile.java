package dev.kiln.samples.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where one profiled epoch spent its time: backend calls grouped by kind, and the host time outside any backend
 * call (autograd bookkeeping, batch gathering, metrics).
 *
 * @param epochSeconds wall seconds of the profiled epoch
 * @param times per kind of backend call
 */
record OpProfile(double epochSeconds, Map<String, ProfilingBackend.OpTime> times) {

    /**
     * The calls grouped into families: gemm, element-wise, reductions, softmax and loss, optimizer, random, windows
     * (im2col and pooling), recurrent cells, transfers, memory.
     */
    Map<String, Double> secondsByFamily() {
        Map<String, Double> families = new LinkedHashMap<>();
        for (String family : new String[] {"gemm", "element-wise", "reductions", "softmax and loss", "optimizer",
                "random", "windows", "recurrent cells", "transfers", "memory"}) {
            families.put(family, 0.0);
        }
        times.forEach((kind, time) -> families.merge(family(kind), time.nanos() / 1e9, Double::sum));
        families.put("host (outside the backend)", Math.max(0, epochSeconds - backendSeconds()));
        return families;
    }

    double backendSeconds() {
        return times.values().stream().mapToLong(ProfilingBackend.OpTime::nanos).sum() / 1e9;
    }

    /** A Markdown table: family, seconds, share of the epoch. */
    String table() {
        StringBuilder text = new StringBuilder("| where | seconds | share |\n|---|---|---|\n");
        secondsByFamily().forEach((family, seconds) -> text.append(String.format(Locale.ROOT,
                "| %s | %.3f | %.0f%% |%n", family, seconds, 100 * seconds / epochSeconds)));
        return text.toString();
    }

    /** A Markdown table of every kind of call: calls, seconds, microseconds per call. */
    String detail() {
        StringBuilder text = new StringBuilder("| call | calls | seconds | us per call |\n|---|---|---|---|\n");
        times.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().nanos(), a.getValue().nanos()))
                .forEach(e -> text.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f |%n", e.getKey(),
                        e.getValue().calls(), e.getValue().nanos() / 1e9,
                        e.getValue().nanos() / 1e3 / e.getValue().calls())));
        return text.toString();
    }

    /** The family of a kind of call ("gemm NN 128x10x128"), by the backend method that it names first. */
    static String family(String kind) {
        String op = kind.split(" ")[0];
        return switch (op) {
            case "gemm", "gemmBatched", "gemmBiasActivation" -> "gemm";
            case "unary", "unaryBackward", "binary", "fill", "copy", "copyBlocks", "transpose", "permute", "gather",
                 "scatterAdd", "oneHot" -> "element-wise";
            case "reduce", "histogram", "biasActivationBackward", "addArgmaxMatches" -> "reductions";
            case "softmax", "logSoftmax", "softmaxBackward", "logSoftmaxBackward", "softmaxCrossEntropy",
                 "softmaxCrossEntropyTotal", "softmaxCrossEntropyBackward" -> "softmax and loss";
            case "update", "updateGroup" -> "optimizer";
            case "random" -> "random";
            case "upload", "download", "downloadLater" -> "transfers";
            case "im2col", "col2im", "maxPool", "maxPoolBackward", "avgPool", "avgPoolBackward" -> "windows";
            case "rnnCell", "rnnCellBackward", "lstmCell", "lstmCellBackward", "gruCell", "gruCellBackward",
                 "gruResetCell", "gruResetCellBackward", "gruCandidateCell", "gruCandidateCellBackward" ->
                    "recurrent cells";
            default -> "memory";
        };
    }
}

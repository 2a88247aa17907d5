package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.samples.bench.GemmBench.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmBenchTest {

    @Test
    void theSizesNameTheMlpProductsWithTheirTransposes() {
        List<String> labels = GemmBench.SIZES.stream().map(Size::label).toList();
        assertEquals(List.of("128x784x128", "784x128x128 TN", "128x128x784 NT", "512^3", "1024^3", "2048^3"), labels);
    }

    @Test
    void aRunQueuesAboutTwoTenthsOfAGflopBetweenOneAndAHundredProducts() {
        assertEquals(7, GemmBench.callsPerRun(new Size(128, 128, 784)));
        assertEquals(100, GemmBench.callsPerRun(new Size(8, 8, 8, true, true)));
        assertEquals(1, GemmBench.callsPerRun(new Size(1024, 1024, 1024)));
    }

    @Test
    void eachRatioIsTheMedianOfRatiosTakenRoundByRound() {
        // Round 2 caught both sides slow: ratios pair the runs taken together (median 130 / 140), where the ratio of
        // the medians (90 / 100) would pair runs of different rounds.
        double[] backend = {90, 50, 130};
        double[] numpy = {100, 40, 140};
        assertEquals(130.0 / 140, GemmBench.medianRatio(backend, numpy), 1e-12);
        assertEquals(0.7, GemmBench.medianRatio(new double[] {30, 90}, new double[] {60, 100}), 1e-12);
    }
}

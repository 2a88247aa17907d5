package dev.kiln.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void halfwayShowsBarEtaLossAndRate() {
        assertEquals("epoch 2/10 [==============>...............] 500/1000  ETA 5s  loss 0.2500  100 samples/s",
                ProgressLine.render(2, 10, 500, 1000, 5.0, 0.25));
    }

    @Test
    void finishedEpochHasAFullBar() {
        assertEquals("epoch 1/1 [==============================] 60/60  ETA 0s  loss 1.0000  30 samples/s",
                ProgressLine.render(1, 1, 60, 60, 2.0, 1.0));
    }

    @Test
    void startHasNoRateYet() {
        assertEquals("epoch 1/3 [..............................] 0/100  ETA ?  loss NaN  0 samples/s",
                ProgressLine.render(1, 3, 0, 100, 0, Double.NaN));
    }

    @Test
    void durationsReadNaturally() {
        assertEquals("42s", ProgressLine.duration(41.6));
        assertEquals("3m05s", ProgressLine.duration(185));
        assertEquals("1h02m", ProgressLine.duration(3725));
    }
}

package dev.kiln.samples.cli;

import dev.kiln.samples.Sample;
import dev.kiln.samples.ToySample;
import dev.kiln.samples.XorSample;
import dev.kiln.samples.csv.CsvSample;
import dev.kiln.samples.gan.DigitGanSample;
import dev.kiln.samples.gan.MixtureGanSample;
import dev.kiln.samples.mnist.ImageSample;
import dev.kiln.samples.sequence.AdditionSample;
import dev.kiln.samples.sequence.BracketsSample;
import dev.kiln.samples.sequence.SineSample;
import java.util.List;
import java.util.Optional;

/** The samples the kiln command can train. */
public final class Samples {
    private static final List<Sample> ALL = List.of(new ToySample(), new XorSample(),
            ImageSample.mnistMlp(), ImageSample.fashionMlp(), ImageSample.mnistCnn(), ImageSample.fashionCnn(),
            ImageSample.mnistLstm(), new SineSample(), new BracketsSample(), new AdditionSample(),
            DigitGanSample.mlp(), DigitGanSample.convolutional(), DigitGanSample.conditional(),
            new MixtureGanSample(), new CsvSample());

    private Samples() {
    }

    public static List<Sample> all() {
        return ALL;
    }

    public static Optional<Sample> named(String name) {
        return ALL.stream().filter(sample -> sample.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Sample::name).toList();
    }
}

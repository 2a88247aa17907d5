package dev.kiln.samples.sequence;

import dev.kiln.backend.Backend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.io.Compilation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Attention;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.Input;
import dev.kiln.layer.LSTM;
import dev.kiln.layer.RepeatVector;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.layer.TimeDistributed;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Model;
import dev.kiln.optim.Adam;
import dev.kiln.optim.CosineDecay;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.tensor.Shape;
import dev.kiln.train.History;
import dev.kiln.train.LearningRateScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Sequence to sequence with attention: an LSTM encoder reads a question such as {@code 535+61} character by
 * character (padding masked), an LSTM decoder started from its final state writes the four characters of the answer
 * {@code 596 } while attending over the encoder's outputs. Numbers have 1 to 3 digits; 50,000 questions train (Adam
 * annealed along half a cosine over the epochs) and 5,000 others are held out, on which {@code summary.json} reports {@code exact_match} (whole answers right) and ten
 * examples.
 */
public final class AdditionSample implements Sample {
    static final int QUESTION = 7;
    static final int ANSWER = 4;
    /** Question characters get ids 1-11 (id 0 pads); answer characters are classes 0-10. */
    static final String CHARACTERS = "0123456789+";
    static final int SPACE = 10;
    private static final int TRAIN = 50_000;
    private static final int HELD_OUT = 5_000;
    private static final int EXAMPLES = 10;
    private static final int UNITS = 128;

    @Override
    public String name() {
        return "addition";
    }

    @Override
    public String description() {
        return "LSTM encoder and attentive LSTM decoder learning to add numbers of up to 3 digits from text;"
                + " exact match on held-out questions above 0.95";
    }

    @Override
    public TrainingSettings defaults() {
        return new TrainingSettings(20, 128, 3e-3, 1, null);
    }

    /** Distinct questions: their ids [count, QUESTION] and answers' classes [count, ANSWER], and the texts. */
    record Questions(double[] ids, int[] answers, List<String> texts) {
        static Questions draw(int count, Random random, Set<String> taken) {
            double[] ids = new double[count * QUESTION];
            int[] answers = new int[count * ANSWER];
            List<String> texts = new ArrayList<>();
            while (texts.size() < count) {
                int a = number(random);
                int b = number(random);
                String question = a + "+" + b;
                if (!taken.add(question)) {
                    continue;
                }
                int s = texts.size();
                for (int i = 0; i < question.length(); i++) {
                    ids[s * QUESTION + i] = 1 + CHARACTERS.indexOf(question.charAt(i));
                }
                String answer = String.valueOf(a + b);
                for (int i = 0; i < ANSWER; i++) {
                    answers[s * ANSWER + i] = i < answer.length() ? answer.charAt(i) - '0' : SPACE;
                }
                texts.add(question);
            }
            return new Questions(ids, answers, texts);
        }

        private static int number(Random random) {
            int digits = 1 + random.nextInt(3);
            return random.nextInt((int) Math.pow(10, digits));
        }
    }

    /** Encoder (embedding, LSTM) and decoder (LSTM from the encoder's state, dot attention, softmax per character). */
    static Model model(Backend backend, long seed) {
        SymbolicTensor question = Input.of("question", QUESTION);
        SymbolicTensor characters = new Embedding(1 + CHARACTERS.length(), 32).maskZero(true).call(question);
        List<SymbolicTensor> encoder = new LSTM(UNITS).returnSequences(true).returnState(true).named("encoder")
                .callAll(List.of(characters));
        SymbolicTensor steps = new RepeatVector(ANSWER).call(encoder.get(1));
        SymbolicTensor decoder = new LSTM(UNITS).returnSequences(true).named("decoder")
                .call(steps, encoder.get(1), encoder.get(2));
        SymbolicTensor context = new Attention().call(decoder, encoder.get(0));
        SymbolicTensor joined = new Concatenate().call(decoder, context);
        SymbolicTensor answer = new TimeDistributed(new Dense(SPACE + 1, ActivationFunction.SOFTMAX)).named("answer")
                .call(joined);
        return Model.on(backend, List.of(question), List.of(answer)).seed(seed);
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        Random random = new Random(settings.seed());
        Set<String> taken = new HashSet<>();
        Questions train = Questions.draw(TRAIN, random, taken);
        Questions heldOut = Questions.draw(HELD_OUT, random, taken);
        Loss loss = Losses.sparseCategoricalCrossEntropy(false);
        Metric accuracy = Metrics.accuracyFor(loss);
        try (Model model = model(backend, settings.seed())) {
            model.build(List.of(Shape.of(QUESTION)));
            model.compile(loss, new Adam(settings.learningRate()), accuracy);
            History history = SequenceFit.fit(model, dataset(train), settings, Compilation.of(loss, accuracy),
                    new LearningRateScheduler(new CosineDecay(settings.epochs())));
            double[][] predicted = model.predict(rows(heldOut.ids()));
            int exact = 0;
            List<String> examples = new ArrayList<>();
            for (int s = 0; s < HELD_OUT; s++) {
                String expected = text(heldOut.answers(), s);
                String got = decode(predicted[s]);
                exact += got.equals(expected) ? 1 : 0;
                if (examples.size() < EXAMPLES) {
                    examples.add(heldOut.texts().get(s) + " = " + got + (got.equals(expected) ? "" : " (expected "
                            + expected + ")"));
                }
            }
            Map<String, Object> measures = new LinkedHashMap<>();
            measures.put("exact_match", exact / (double) HELD_OUT);
            measures.put("examples", examples);
            return new SampleResult(history, model.parameterCount(), model.evaluate(dataset(heldOut)), Map.of(),
                    measures, List.of());
        }
    }

    private static ArrayDataset dataset(Questions questions) {
        return ArrayDataset.builder().features(null, questions.ids(), Shape.of(QUESTION))
                .labels(null, questions.answers(), Shape.of(ANSWER)).build();
    }

    private static double[][] rows(double[] flat) {
        double[][] rows = new double[flat.length / QUESTION][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * QUESTION, (i + 1) * QUESTION);
        }
        return rows;
    }

    /** The answer written by the most probable class of each of the ANSWER steps of one output row. */
    static String decode(double[] probabilities) {
        StringBuilder text = new StringBuilder();
        int classes = SPACE + 1;
        for (int step = 0; step < ANSWER; step++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (probabilities[step * classes + c] > probabilities[step * classes + best]) {
                    best = c;
                }
            }
            text.append(best == SPACE ? "" : String.valueOf(best));
        }
        return text.toString();
    }

    private static String text(int[] answers, int sample) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < ANSWER; i++) {
            int c = answers[sample * ANSWER + i];
            text.append(c == SPACE ? "" : String.valueOf(c));
        }
        return text.toString();
    }
}

package dev.kiln.samples.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated data of the sequence samples is what their descriptions promise. */
class SequenceDataTest {

    @Test
    void bracketLabelsAreTheTruthAndHalfAreBalanced() {
        double[][] data = BracketsSample.sequences(4000, new Random(1));
        int balanced = 0;
        int equalCountsButUnbalanced = 0;
        Set<Integer> lengths = new HashSet<>();
        for (int s = 0; s < 4000; s++) {
            int[] brackets = Arrays.stream(Arrays.copyOfRange(data[0], s * BracketsSample.LONGEST,
                    (s + 1) * BracketsSample.LONGEST)).mapToInt(v -> (int) v).filter(v -> v != 0).toArray();
            lengths.add(brackets.length);
            for (int t = brackets.length; t < BracketsSample.LONGEST; t++) {
                assertEquals(0, data[0][s * BracketsSample.LONGEST + t], "padding only after the brackets");
            }
            int depth = 0;
            boolean negative = false;
            for (int b : brackets) {
                depth += b == BracketsSample.OPEN ? 1 : -1;
                negative |= depth < 0;
            }
            boolean truth = depth == 0 && !negative;
            assertEquals(truth ? 1 : 0, data[1][s], "label of sequence " + s);
            balanced += truth ? 1 : 0;
            equalCountsButUnbalanced += depth == 0 && negative ? 1 : 0;
        }
        assertEquals(0.5, balanced / 4000.0, 0.03);
        assertEquals(0.25, equalCountsButUnbalanced / 4000.0, 0.03);
        assertTrue(lengths.contains(2) && lengths.contains(40) && lengths.stream().allMatch(l -> l >= 2 && l <= 40),
                lengths.toString());
    }

    @Test
    void sineWindowsEndRightBeforeTheirTarget() {
        double[] y = SineSample.series(3);
        double[][] windows = SineSample.windows(y, 60, 70);
        assertEquals(10, windows[1].length);
        for (int i = 0; i < 10; i++) {
            assertEquals(y[60 + i], windows[1][i]);
            assertArrayEquals(Arrays.copyOfRange(y, 60 + i - SineSample.WINDOW, 60 + i),
                    Arrays.copyOfRange(windows[0], i * SineSample.WINDOW, (i + 1) * SineSample.WINDOW));
        }
        assertEquals(SineSample.meanSquaredError(new double[] {1, 2}, new double[] {0, 0}), 2.5);
    }

    @Test
    void additionQuestionsAreDistinctAndTheirAnswersRight() {
        Set<String> taken = new HashSet<>();
        AdditionSample.Questions questions = AdditionSample.Questions.draw(2000, new Random(5), taken);
        assertEquals(2000, new HashSet<>(questions.texts()).size());
        for (int s = 0; s < 2000; s++) {
            StringBuilder question = new StringBuilder();
            for (int i = 0; i < AdditionSample.QUESTION; i++) {
                int id = (int) questions.ids()[s * AdditionSample.QUESTION + i];
                question.append(id == 0 ? "" : String.valueOf(AdditionSample.CHARACTERS.charAt(id - 1)));
            }
            assertEquals(questions.texts().get(s), question.toString());
            String[] terms = question.toString().split("\\+");
            int sum = Integer.parseInt(terms[0]) + Integer.parseInt(terms[1]);
            double[] oneHot = new double[AdditionSample.ANSWER * (AdditionSample.SPACE + 1)];
            for (int i = 0; i < AdditionSample.ANSWER; i++) {
                oneHot[i * (AdditionSample.SPACE + 1) + questions.answers()[s * AdditionSample.ANSWER + i]] = 1;
            }
            assertEquals(String.valueOf(sum), AdditionSample.decode(oneHot));
        }
        AdditionSample.Questions more = AdditionSample.Questions.draw(100, new Random(5), taken);
        assertTrue(more.texts().stream().noneMatch(questions.texts()::contains), "held-out questions are new");
    }
}

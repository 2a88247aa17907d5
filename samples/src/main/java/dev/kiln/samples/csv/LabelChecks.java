package dev.kiln.samples.csv;

import dev.kiln.data.csv.LabelledData;
import java.util.Arrays;
import java.util.List;

/** Labels a model trains on without error but cannot learn anything useful from. */
final class LabelChecks {
    private LabelChecks() {
    }

    /** What is wrong with the label of {@code data}, one sentence each; empty when nothing is. */
    static List<String> warnings(LabelledData data) {
        String label = "label '" + data.labelName() + "'";
        if (data.isClassification()) {
            if (data.classes().size() == 1) {
                return List.of(label + " has one class ('" + data.classes().get(0) + "') in every row: there is"
                        + " nothing to tell apart, so the model learns to answer it always");
            }
            if (data.rows() > 1 && data.classes().size() == data.rows()) {
                return List.of(label + " has " + data.rows() + " classes in " + data.rows() + " rows: each row is"
                        + " a class of its own, so no test row's class was trained on; is it an identifier, or a"
                        + " number to predict with --task regress?");
            }
        } else if (Arrays.stream(data.targets()).distinct().count() == 1) {
            return List.of(label + " is " + data.targets()[0] + " in every row: there is nothing to learn, and R^2"
                    + " is undefined (test_r2 is null)");
        }
        return List.of();
    }
}

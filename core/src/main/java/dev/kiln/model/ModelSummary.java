package dev.kiln.model;

import dev.kiln.layer.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats a model as a table like Keras' {@code model.summary()}. */
final class ModelSummary {
    private static final String[] HEADER = {"Layer (type)", "Output Shape", "Param #"};

    private ModelSummary() {
    }

    static String of(Model model) {
        List<String[]> rows = new ArrayList<>();
        for (Layer layer : model.layers()) {
            rows.add(new String[] {layer.name() + " (" + layer.type() + ")", Layer.batchShape(layer.outputShape()),
                count(layer.parameterCount()) + (layer.trainable() ? "" : " (frozen)")});
        }
        int[] widths = new int[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            widths[c] = HEADER[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        int total = widths[0] + widths[1] + widths[2] + 4;
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(model.getClass().getSimpleName().toLowerCase(Locale.ROOT)).append("\"\n");
        line(out, '-', total);
        row(out, HEADER, widths);
        line(out, '=', total);
        for (String[] row : rows) {
            row(out, row, widths);
        }
        line(out, '=', total);
        long all = model.parameterCount();
        long trainable = model.trainableParameterCount();
        out.append("Total params: ").append(count(all)).append('\n');
        out.append("Trainable params: ").append(count(trainable)).append('\n');
        out.append("Non-trainable params: ").append(count(all - trainable)).append('\n');
        line(out, '-', total);
        return out.toString();
    }

    private static void row(StringBuilder out, String[] cells, int[] widths) {
        out.append(String.format(Locale.ROOT, "%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s",
                cells[0], cells[1], cells[2]).stripTrailing()).append('\n');
    }

    private static void line(StringBuilder out, char c, int width) {
        out.append(String.valueOf(c).repeat(width)).append('\n');
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}

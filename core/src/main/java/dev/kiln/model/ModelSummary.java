package dev.kiln.model;

import dev.kiln.layer.Layer;
import dev.kiln.layer.LayerCall;
import dev.kiln.layer.SymbolicTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Formats a model as a table like Keras' {@code model.summary()}; a functional model's table has its inputs as
 * rows and a "Connected to" column naming each layer call's inputs (one line per call of a shared layer).
 */
final class ModelSummary {
    private static final String[] HEADER = {"Layer (type)", "Output Shape", "Param #", "Connected to"};

    private ModelSummary() {
    }

    static String of(Model model) {
        boolean graph = !(model instanceof Sequential);
        List<String[]> rows = new ArrayList<>();
        if (graph) {
            for (SymbolicTensor input : model.inputs()) {
                rows.add(new String[] {input.name() + " (Input)", Layer.batchShape(input.shape()), "0", ""});
            }
        }
        for (Layer layer : model.layers()) {
            List<String> sources = new ArrayList<>();
            for (LayerCall call : model.calls()) {
                if (call.layer() == layer) {
                    sources.add(call.inputs().stream().map(SymbolicTensor::name).collect(Collectors.joining(", ")));
                }
            }
            rows.add(new String[] {layer.name() + " (" + layer.type() + ")",
                layer.outputShapes().stream().map(Layer::batchShape).collect(Collectors.joining(", ")),
                count(layer.parameterCount()) + (layer.trainable() ? "" : " (frozen)"), graph ? sources.get(0) : ""});
            for (int i = 1; i < sources.size(); i++) {
                rows.add(new String[] {"", "", "", sources.get(i)});
            }
        }
        int columns = graph ? HEADER.length : HEADER.length - 1;
        int[] widths = new int[HEADER.length];
        for (int c = 0; c < columns; c++) {
            widths[c] = HEADER[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        int total = widths[0] + widths[1] + widths[2] + 4 + (graph ? widths[3] + 2 : 0);
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(model.name()).append("\"\n");
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
        String line = String.format(Locale.ROOT, "%-" + widths[0] + "s  %-" + widths[1] + "s  %" + widths[2] + "s",
                cells[0], cells[1], cells[2]);
        if (widths[3] > 0) {
            line += "  " + cells[3];
        }
        out.append(line.stripTrailing()).append('\n');
    }

    private static void line(StringBuilder out, char c, int width) {
        out.append(String.valueOf(c).repeat(width)).append('\n');
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}

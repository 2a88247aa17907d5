package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.KilnException;

/** Typed field access on parsed JSON, each failure a {@link KilnException} naming where and what was expected. */
final class Json {
    private Json() {
    }

    static JsonNode field(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new KilnException(where + ": missing field '" + name + "'");
        }
        return value;
    }

    static String text(JsonNode node, String name, String where) {
        JsonNode value = field(node, name, where);
        if (!value.isTextual()) {
            throw new KilnException(where + ": '" + name + "' must be a string, found " + shortly(value));
        }
        return value.textValue();
    }

    static boolean bool(JsonNode node, String name, String where) {
        JsonNode value = field(node, name, where);
        if (!value.isBoolean()) {
            throw new KilnException(where + ": '" + name + "' must be true or false, found " + shortly(value));
        }
        return value.booleanValue();
    }

    static long nonNegativeLong(JsonNode node, String name, String where) {
        JsonNode value = field(node, name, where);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new KilnException(where + ": '" + name + "' must be a non-negative integer, found " + shortly(value));
        }
        return value.longValue();
    }

    static int nonNegativeInt(JsonNode node, String name, String where) {
        long value = nonNegativeLong(node, name, where);
        if (value > Integer.MAX_VALUE) {
            throw new KilnException(where + ": '" + name + "' must be at most " + Integer.MAX_VALUE + ", found "
                    + value);
        }
        return (int) value;
    }

    static int positiveInt(JsonNode node, String name, String where) {
        int value = nonNegativeInt(node, name, where);
        if (value == 0) {
            throw new KilnException(where + ": '" + name + "' must be positive, found 0");
        }
        return value;
    }

    static double number(JsonNode node, String name, String where) {
        JsonNode value = field(node, name, where);
        if (!value.isNumber()) {
            throw new KilnException(where + ": '" + name + "' must be a number, found " + shortly(value));
        }
        return value.doubleValue();
    }

    static double[] numbers(JsonNode node, String name, String where) {
        JsonNode value = field(node, name, where);
        if (!value.isArray()) {
            throw new KilnException(where + ": '" + name + "' must be an array of numbers, found " + shortly(value));
        }
        double[] out = new double[value.size()];
        for (int i = 0; i < out.length; i++) {
            if (!value.get(i).isNumber()) {
                throw new KilnException(where + ": '" + name + "'[" + i + "] must be a number, found "
                        + shortly(value.get(i)));
            }
            out[i] = value.get(i).doubleValue();
        }
        return out;
    }

    /** An array of {@code count} integers (of at least one when {@code count} is 0). */
    static int[] ints(JsonNode node, String name, String where, int count) {
        JsonNode value = field(node, name, where);
        if (!value.isArray() || (count > 0 ? value.size() != count : value.isEmpty())) {
            throw new KilnException(where + ": '" + name + "' must be an array of " + (count > 0 ? count : "at least 1")
                    + " integers, found " + shortly(value));
        }
        int[] out = new int[value.size()];
        for (int i = 0; i < out.length; i++) {
            if (!value.get(i).isIntegralNumber() || !value.get(i).canConvertToInt()) {
                throw new KilnException(where + ": '" + name + "'[" + i + "] must be an integer, found "
                        + shortly(value.get(i)));
            }
            out[i] = value.get(i).intValue();
        }
        return out;
    }

    static String shortly(JsonNode node) {
        String text = node.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}

package dev.kiln.samples.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Numbers JSON cannot hold, NaN and the infinities, as the command line writes them: each becomes null with a field
 * {@code NAME_reason} beside it saying what it was; in a list, null in its place and the reason naming the indices.
 */
public final class NonFiniteNumbers {
    private static final String REASON = "_reason";

    private NonFiniteNumbers() {
    }

    /** A copy of {@code fields} (nested maps and lists included) with every non-finite number explained. */
    public static Map<String, Object> explained(Map<String, ?> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (isNonFinite(value)) {
                out.put(name, null);
                out.put(name + REASON, reason((Number) value));
            } else if (value instanceof List<?> list && list.stream().anyMatch(NonFiniteNumbers::isNonFinite)) {
                List<Object> finite = new ArrayList<>();
                StringJoiner indices = new StringJoiner(", ", "not finite at index ", "");
                for (int i = 0; i < list.size(); i++) {
                    finite.add(isNonFinite(list.get(i)) ? null : list.get(i));
                    if (isNonFinite(list.get(i))) {
                        indices.add(Integer.toString(i));
                    }
                }
                out.put(name, finite);
                out.put(name + REASON, indices.toString());
            } else if (value instanceof Map<?, ?> map) {
                Map<String, Object> nested = new LinkedHashMap<>();
                map.forEach((key, entry) -> nested.put(String.valueOf(key), entry));
                out.put(name, explained(nested));
            } else {
                out.put(name, value);
            }
        });
        return out;
    }

    private static boolean isNonFinite(Object value) {
        return (value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue());
    }

    private static String reason(Number value) {
        return Double.isNaN(value.doubleValue()) ? "not a number" : "infinite";
    }
}

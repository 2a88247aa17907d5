package dev.kiln.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately tiny JSON reader (objects, arrays, strings without escapes, integers) so tests can check what
 * the writer produced without going through the production reader or its JSON library.
 */
final class MinimalJson {
    private final String text;
    private int at;

    private MinimalJson(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        MinimalJson p = new MinimalJson(text);
        Object value = p.value();
        p.skipSpaces();
        if (p.at != text.length()) {
            throw new IllegalStateException("trailing content at " + p.at);
        }
        return value;
    }

    private Object value() {
        skipSpaces();
        char c = text.charAt(at);
        if (c == '{') {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpaces();
            if (text.charAt(at) == '}') {
                at++;
                return map;
            }
            do {
                skipSpaces();
                String key = string();
                skipSpaces();
                expect(':');
                if (map.put(key, value()) != null) {
                    throw new IllegalStateException("duplicate key " + key);
                }
                skipSpaces();
            } while (text.charAt(at++) == ',');
            check(text.charAt(at - 1) == '}');
            return map;
        }
        if (c == '[') {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpaces();
            if (text.charAt(at) == ']') {
                at++;
                return list;
            }
            do {
                list.add(value());
                skipSpaces();
            } while (text.charAt(at++) == ',');
            check(text.charAt(at - 1) == ']');
            return list;
        }
        if (c == '"') {
            return string();
        }
        int start = at;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        check(at > start);
        return Long.parseLong(text.substring(start, at));
    }

    private String string() {
        expect('"');
        int end = text.indexOf('"', at);
        String s = text.substring(at, end);
        check(s.indexOf('\\') < 0);
        at = end + 1;
        return s;
    }

    private void expect(char c) {
        check(text.charAt(at++) == c);
    }

    private void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("unexpected JSON at " + at + ": " + text);
        }
    }

    private void skipSpaces() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }
}

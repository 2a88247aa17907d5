package dev.kiln.samples.commandline;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An argument that looks like an option but is none of those known, named with the closest known option. */
public final class UnknownOption {
    private UnknownOption() {
    }

    /** The name of the first argument that looks like an option and is not in {@code known}, if any. */
    public static Optional<String> find(List<String> arguments, Collection<String> known) {
        for (String argument : arguments) {
            if (argument.equals("--")) {
                break;
            }
            String name = argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument;
            if (looksLikeOption(name) && !known.contains(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** "unknown option '--labl'; did you mean --label?", or without the question when no option is close. */
    public static String message(String option, Collection<String> known) {
        return "unknown option '" + option + "'"
                + closest(option, known).map(c -> "; did you mean " + c + "?").orElse("");
    }

    /** The one known option that {@code option} begins, else the nearest within a third of its letters. */
    static Optional<String> closest(String option, Collection<String> known) {
        String typed = bare(option);
        List<String> extended = known.stream().filter(k -> bare(k).startsWith(typed)).toList();
        if (extended.size() == 1) {
            return Optional.of(extended.get(0));
        }
        int allowed = Math.max(1, typed.length() / 3);
        return known.stream()
                .filter(k -> distance(typed, bare(k)) <= allowed)
                .min(Comparator.comparingInt((String k) -> distance(typed, bare(k))).thenComparing(k -> k));
    }

    private static boolean looksLikeOption(String argument) {
        if (argument.length() < 2 || !argument.startsWith("-")) {
            return false;
        }
        try {
            Double.parseDouble(argument);
            return false;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String bare(String option) {
        return option.replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
    }

    /** Edits (insertions, deletions, substitutions, swaps of neighbours) turning {@code a} into {@code b}. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

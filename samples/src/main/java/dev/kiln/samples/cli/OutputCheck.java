package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import dev.kiln.io.ModelFormat;
import dev.kiln.samples.OutputFailures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Checks made before the first epoch on a directory a run is to write, each failing with what was wrong. */
final class OutputCheck {
    private OutputCheck() {
    }

    /** Creates {@code directory} when missing and writes a file into it, so a long run cannot fail at its end. */
    static void writable(String option, Path given, Path directory) {
        try {
            Files.createDirectories(directory);
            Files.delete(Files.createTempFile(directory, ".kiln-write-check-", ".tmp"));
        } catch (IOException e) {
            throw new KilnException(option + " " + given + ": cannot be written (" + OutputFailures.describe(e)
                    + "); expected a directory this user can create and write");
        }
    }

    /** Fails when {@code path} exists and is not a directory. */
    static void directoryOrAbsent(String option, Path path) {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new KilnException(option + " " + path + ": not a directory; expected a directory, created when"
                    + " missing");
        }
    }

    /** Whether {@code path} is {@code directory} or lies inside it. */
    static boolean inside(Path path, Path directory) {
        return path.toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize());
    }

    /** Fails when {@code inner} is {@code outer} or lies inside it. */
    static void outside(String innerOption, Path inner, String outerOption, Path outer, String why) {
        if (inner != null && inside(inner, outer)) {
            throw new KilnException(outerOption + " " + outer + ": " + why + ", so " + innerOption + " " + inner
                    + " cannot be it or lie inside it; choose separate directories");
        }
    }

    /** The first names in {@code directory}, for a message. */
    static String listing(Path directory) {
        List<String> names = entries(directory);
        int shown = 5;
        return names.size() <= shown ? String.join(", ", names)
                : String.join(", ", names.subList(0, shown)) + ", ... (" + names.size() + " in all)";
    }

    /** The names in {@code directory}, sorted. */
    static List<String> entries(Path directory) {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new KilnException(directory + ": cannot be listed (" + OutputFailures.describe(e) + ")");
        }
    }

    /** Whether {@code directory} holds a saved model, or saved models in directories of their own (a GAN's). */
    static boolean holdsModel(Path directory) {
        if (Files.exists(directory.resolve(ModelFormat.MODEL_FILE))) {
            return true;
        }
        return entries(directory).stream().map(directory::resolve)
                .anyMatch(entry -> Files.exists(entry.resolve(ModelFormat.MODEL_FILE)));
    }
}

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

    /**
     * Fails unless {@code directory} can be created and written, so a long run cannot fail at its end; what the check
     * created is removed again, so a run that fails before it writes leaves no empty directories behind.
     */
    static void writable(String option, Path given, Path directory) {
        Path firstMissing = firstMissing(directory.toAbsolutePath().normalize());
        try {
            Files.createDirectories(directory);
            // named by the process, not by Files.createTempFile, whose SecureRandom sets up the JDK's security
            // providers (tens of milliseconds of a training's startup)
            Path probe = directory.resolve(".kiln-write-check-" + ProcessHandle.current().pid() + ".tmp");
            Files.write(probe, new byte[0]);
            Files.delete(probe);
        } catch (IOException e) {
            throw new KilnException(option + " " + given + ": cannot be written (" + OutputFailures.describe(e)
                    + "); expected a directory this user can create and write");
        } finally {
            removeCreated(directory.toAbsolutePath().normalize(), firstMissing);
        }
    }

    /** The outermost directory of {@code directory}'s path that does not exist, or null when it exists. */
    private static Path firstMissing(Path directory) {
        Path missing = null;
        for (Path path = directory; path != null && !Files.exists(path); path = path.getParent()) {
            missing = path;
        }
        return missing;
    }

    /** Removes the empty directories from {@code directory} up to {@code firstMissing}, which the check created. */
    private static void removeCreated(Path directory, Path firstMissing) {
        if (firstMissing == null) {
            return;
        }
        for (Path path = directory; path.startsWith(firstMissing); path = path.getParent()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // not empty or not ours to remove: a leftover directory is harmless
                return;
            }
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

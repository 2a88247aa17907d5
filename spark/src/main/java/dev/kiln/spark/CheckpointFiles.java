package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.io.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A checkpoint's files as bytes by file name, the way checkpoints travel between the driver and the tasks. The
 * manifest stays behind: the side that writes the files into a checkpoint store seals them with its own.
 */
final class CheckpointFiles {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private CheckpointFiles() {
    }

    /** The files of checkpoint directory {@code directory}, by name, but its manifest. */
    static Map<String, byte[]> read(Path directory) {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path file : entries.toList()) {
                String name = file.getFileName().toString();
                if (!Files.isRegularFile(file)) {
                    throw new KilnException(directory + ": holds '" + name + "', which is not a file; a checkpoint"
                            + " holds only files");
                }
                if (!name.equals(Manifest.FILE_NAME)) {
                    files.put(checked(name), Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new KilnException("cannot read checkpoint " + directory + ": " + e, e);
        }
        return files;
    }

    /** Writes {@code files} into {@code directory}; refuses names that are not plain file names. */
    static void write(Map<String, byte[]> files, Path directory) throws IOException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Files.write(directory.resolve(checked(file.getKey())), file.getValue());
        }
    }

    static String checked(String name) {
        if (!PLAIN_NAME.matcher(name).matches() || name.equals(Manifest.FILE_NAME)) {
            throw new KilnException("checkpoint file name '" + name + "' is not a plain file name (letters, digits,"
                    + " '_', '.', '-'; not starting with '.'; at most 128 characters) or is the manifest's");
        }
        return name;
    }
}

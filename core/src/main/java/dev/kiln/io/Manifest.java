package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SHA-256 and byte length of every file of a directory, stored in its {@code manifest.json} and written
 * last: a directory is complete when its manifest exists, every listed file matches it and it lists every file
 * (hidden files and sub-directories aside: a sub-directory is sealed by its own manifest).
 */
public record Manifest(Map<String, FileDigest> files) {
    public static final String FILE_NAME = "manifest.json";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = StrictJson.mapper(4);
    private static final long MAX_MANIFEST_BYTES = 1 << 20;

    /** The length and SHA-256 (lower-case hex) of one file. */
    public record FileDigest(long bytes, String sha256) {
    }

    public Manifest {
        files = Collections.unmodifiableMap(new TreeMap<>(files));
    }

    /** Digests every regular file directly in {@code directory}, except the manifest and hidden files. */
    public static Manifest of(Path directory) throws IOException {
        Map<String, FileDigest> files = new TreeMap<>();
        for (Path file : contents(directory)) {
            files.put(file.getFileName().toString(), digest(file));
        }
        return new Manifest(files);
    }

    /** The files a manifest of {@code directory} lists: its regular files but the manifest and hidden ones, sorted. */
    private static List<Path> contents(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(file -> {
                String name = file.getFileName().toString();
                return Files.isRegularFile(file) && !name.equals(FILE_NAME) && !name.startsWith(".");
            }).sorted().toList();
        }
    }

    /** Writes {@code manifest.json} into {@code directory}, atomically. */
    public void write(Path directory) {
        ObjectNode root = JSON.createObjectNode().put("format_version", FORMAT_VERSION);
        ObjectNode list = root.putObject("files");
        files.forEach((name, d) -> list.putObject(name).put("bytes", d.bytes()).put("sha256", d.sha256()));
        byte[] json = root.toPrettyString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(directory.resolve(FILE_NAME), out -> out.write(json));
    }

    /** Reads the manifest of {@code directory}; a missing or malformed manifest is a {@link KilnException}. */
    public static Manifest read(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new KilnException(FILE_NAME + ": is a directory in " + directory + ", expected a file");
            }
            if (Files.size(file) > MAX_MANIFEST_BYTES) {
                throw new KilnException(FILE_NAME + ": larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KilnException(FILE_NAME + ": missing in " + directory + ", so the directory is incomplete");
        } catch (IOException e) {
            throw new KilnException(FILE_NAME + ": cannot read: " + e, e);
        }
        JsonNode root = StrictJson.parseObject(JSON, text, FILE_NAME);
        JsonNode version = root.path("format_version");
        if (!version.isInt() || version.intValue() != FORMAT_VERSION) {
            throw new KilnException(FILE_NAME + ": format_version " + version + " is not supported; expected "
                    + FORMAT_VERSION);
        }
        JsonNode list = root.path("files");
        if (!list.isObject()) {
            throw new KilnException(FILE_NAME + ": 'files' must be an object of file digests");
        }
        Map<String, FileDigest> files = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            checkPlainName(name);
            JsonNode bytes = e.getValue().path("bytes");
            JsonNode sha = e.getValue().path("sha256");
            if (!bytes.canConvertToLong() || !bytes.isIntegralNumber() || bytes.longValue() < 0 || !sha.isTextual()
                    || !sha.textValue().matches("[0-9a-f]{64}")) {
                throw new KilnException(FILE_NAME + ": entry '" + name
                        + "' needs a non-negative 'bytes' and a 64-digit lower-case hex 'sha256'");
            }
            files.put(name, new FileDigest(bytes.longValue(), sha.textValue()));
        }
        return new Manifest(files);
    }

    /**
     * Checks every listed file of {@code directory} against this manifest, and that it lists every file there; a
     * mismatch is a {@link KilnException}.
     */
    public void verify(Path directory) {
        for (Map.Entry<String, FileDigest> e : files.entrySet()) {
            Path file = directory.resolve(e.getKey());
            FileDigest expected = e.getValue();
            FileDigest found;
            try {
                if (!Files.isRegularFile(file)) {
                    String instead = Files.isDirectory(file) ? "is a directory, expected a file"
                            : Files.exists(file) ? "is not a regular file" : "missing from " + directory;
                    throw new KilnException(e.getKey() + ": listed in " + FILE_NAME + " but " + instead);
                }
                long size = Files.size(file);
                if (size != expected.bytes()) {
                    throw new KilnException(e.getKey() + ": " + size + " bytes, expected " + expected.bytes()
                            + " from " + FILE_NAME);
                }
                found = digest(file);
            } catch (IOException ex) {
                throw new KilnException(e.getKey() + ": cannot read: " + ex, ex);
            }
            if (!found.sha256().equals(expected.sha256())) {
                throw new KilnException(e.getKey() + ": SHA-256 " + found.sha256() + " does not match "
                        + expected.sha256()
                        + " from " + FILE_NAME + " (the file was changed or damaged)");
            }
        }
        List<Path> present;
        try {
            present = contents(directory);
        } catch (IOException e) {
            throw new KilnException(directory + ": cannot list: " + e, e);
        }
        for (Path file : present) {
            String name = file.getFileName().toString();
            if (!files.containsKey(name)) {
                // an unlisted file could be anything, an edited model.json under an emptied manifest included
                throw new KilnException(name + ": in " + directory + " but not listed in " + FILE_NAME
                        + ", so it cannot be checked; expected the manifest to list every file of its directory");
            }
        }
    }

    /** Reads and verifies the manifest of {@code directory}. */
    public static Manifest verified(Path directory) {
        Manifest manifest = read(directory);
        manifest.verify(directory);
        return manifest;
    }

    /** The names of the listed files. */
    public List<String> names() {
        return List.copyOf(files.keySet());
    }

    static FileDigest digest(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                bytes += n;
            }
        }
        return new FileDigest(bytes, HexFormat.of().formatHex(sha.digest()));
    }

    /** Rejects names that could point outside the directory. */
    private static void checkPlainName(String name) {
        boolean plain = !name.isEmpty() && !name.equals(".") && !name.equals("..") && !name.equals(FILE_NAME)
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || c == ':' || Character.isISOControl(c));
        if (!plain) {
            throw new KilnException(FILE_NAME + ": '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a plain file name of the directory");
        }
    }
}

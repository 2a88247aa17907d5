package dev.kiln.io;

import static dev.kiln.io.SafetensorsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    @Test
    void savesSealsAndFindsTheLatest() throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        assertTrue(store.latestComplete().isEmpty());
        for (long epoch = 1; epoch <= 3; epoch++) {
            store.save(epoch, content("epoch " + epoch));
        }
        CheckpointStore.Checkpoint latest = store.latestComplete().orElseThrow();
        assertEquals(3, latest.sequence());
        assertEquals("epoch 3", Files.readString(latest.directory().resolve("state.txt")));
        Manifest manifest = Manifest.read(latest.directory());
        assertEquals(List.of("state.txt", "weights.bin"), manifest.names());
        assertEquals(7, manifest.files().get("state.txt").bytes());
        assertEquals(List.of("ckpt-000000000001", "ckpt-000000000002", "ckpt-000000000003"), names(dir));
    }

    @Test
    void aDamagedOrUnsealedCheckpointIsSkipped() throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        store.save(1, content("one"));
        Path two = store.save(2, content("two")).directory();
        Files.writeString(two.resolve("state.txt"), "tw0");
        assertEquals(1, store.latestComplete().orElseThrow().sequence());
        assertMessage(assertThrows(KilnException.class, () -> Manifest.verified(two)), "state.txt", "SHA-256");

        Path three = Files.createDirectory(dir.resolve(CheckpointStore.name(3)));
        Files.writeString(three.resolve("state.txt"), "three");
        assertEquals(1, store.latestComplete().orElseThrow().sequence());
        assertMessage(assertThrows(KilnException.class, () -> Manifest.verified(three)), "manifest.json", "incomplete");

        Files.writeString(two.resolve("state.txt"), "two");
        Manifest.verified(two);
        Files.delete(two.resolve("weights.bin"));
        assertMessage(assertThrows(KilnException.class, () -> Manifest.verified(two)), "weights.bin", "missing");
    }

    @Test
    void aFailedSaveKeepsThePreviousCheckpointAndLeavesNoStaging() throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        store.save(1, content("one"));
        assertThrows(KilnException.class, () -> store.save(2, d -> {
            Files.writeString(d.resolve("state.txt"), "partial");
            throw new IOException("disk full");
        }));
        assertEquals(List.of("ckpt-000000000001"), names(dir));
        assertEquals(1, store.latestComplete().orElseThrow().sequence());
    }

    @Test
    void replacingACheckpointOfTheSameNumberKeepsOneCompleteCopy() throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        store.save(4, content("old"));
        store.save(4, content("new"));
        assertEquals(List.of("ckpt-000000000004"), names(dir));
        assertEquals("new", Files.readString(store.latestComplete().orElseThrow().directory().resolve("state.txt")));
    }

    @Test
    void pruneKeepsTheLastAndTheNamedOnesAndRemovesLeftovers() throws IOException {
        CheckpointStore store = new CheckpointStore(dir);
        for (long epoch = 1; epoch <= 6; epoch++) {
            store.save(epoch, content("e" + epoch));
        }
        Files.createDirectory(dir.resolve(".ckpt-000000000007.staging"));
        store.prune(2, Set.of(2L));
        assertEquals(List.of("ckpt-000000000002", "ckpt-000000000005", "ckpt-000000000006"), names(dir));
        assertThrows(KilnException.class, () -> store.prune(0, Set.of()));
    }

    @Test
    void manifestsRejectNamesOutsideTheDirectoryAndMalformedEntries() throws IOException {
        Path d = Files.createDirectory(dir.resolve("m"));
        String digest = "0".repeat(64);
        Files.writeString(d.resolve(Manifest.FILE_NAME), "{\"format_version\":1,\"files\":{\"../secret\":"
                + "{\"bytes\":1,\"sha256\":\"" + digest + "\"}}}");
        assertMessage(assertThrows(KilnException.class, () -> Manifest.read(d)), "../secret", "plain file name");
        Files.writeString(d.resolve(Manifest.FILE_NAME), "{\"format_version\":1,\"files\":{\"a\":{\"bytes\":-1}}}");
        assertMessage(assertThrows(KilnException.class, () -> Manifest.read(d)), "'a'", "sha256");
        Files.writeString(d.resolve(Manifest.FILE_NAME), "{\"format_version\":2,\"files\":{}}");
        assertMessage(assertThrows(KilnException.class, () -> Manifest.read(d)), "format_version 2", "expected 1");
        Files.writeString(d.resolve(Manifest.FILE_NAME), "{\"format_version\":1,\"files\":{}");
        assertMessage(assertThrows(KilnException.class, () -> Manifest.read(d)), "manifest.json", "not valid JSON");
    }

    private static CheckpointStore.Content content(String state) {
        return d -> {
            Files.writeString(d.resolve("state.txt"), state, StandardCharsets.UTF_8);
            Files.write(d.resolve("weights.bin"), new byte[] {1, 2, 3, 4});
        };
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void sequenceNamesSortNumerically() {
        assertEquals("ckpt-000000000042", CheckpointStore.name(42));
        assertFalse(CheckpointStore.name(9).compareTo(CheckpointStore.name(10)) > 0);
        assertThrows(KilnException.class, () -> CheckpointStore.name(-1));
    }
}

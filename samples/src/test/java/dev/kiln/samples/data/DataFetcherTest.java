package dev.kiln.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.KilnException;
import dev.kiln.data.idx.IdxReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFetcherTest {
    private static final DataSetSpec TINY = TinySets.spec(List.of());

    @TempDir
    Path root;

    @Test
    void filesInTheDataDirectoryItselfAreUsedInPlace() {
        TinySets.write(root, "");
        assertEquals(root, new DataFetcher(List.of()).ensure(TINY, root));
    }

    @Test
    void cachedFilesAreUsedWithoutAnySource() throws IOException {
        Path cache = Files.createDirectories(root.resolve("tiny"));
        TinySets.write(cache, ".gz");
        assertEquals(cache, new DataFetcher(List.of()).ensure(TINY, root));
    }

    @Test
    void corruptFilesAreRejectedAndTheNextSourceFillsTheGap() throws IOException {
        Path corrupt = Files.createDirectories(root.resolve("corrupt"));
        TinySets.write(corrupt, "");
        byte[] images = Files.readAllBytes(corrupt.resolve("train-images"));
        Files.write(corrupt.resolve("train-images"), Arrays.copyOf(images, images.length - 1));
        Path good = Files.createDirectories(root.resolve("good"));
        TinySets.write(good, ".gz");
        Path data = root.resolve("data");

        Path ready = new DataFetcher(List.of(new DirectorySource(root.resolve("absent")), new DirectorySource(corrupt),
                new DirectorySource(good))).ensure(TINY, data);

        assertEquals(data.resolve("tiny"), ready);
        assertTrue(Files.exists(ready.resolve("train-images.gz")), "the good copy replaced the truncated one");
        assertTrue(Files.exists(ready.resolve("train-labels")), "valid files of the first source were kept");
        assertArrayEquals(IdxReader.read(good.resolve("train-images.gz")).payload(),
                IdxReader.read(ready.resolve("train-images.gz")).payload());
        try (Stream<Path> files = Files.list(ready)) {
            assertEquals(4, files.count(), "no staging folder or duplicate is left behind");
        }
    }

    @Test
    void filesWithTheWrongDimensionsAreRejected() throws IOException {
        Path other = Files.createDirectories(root.resolve("other"));
        TinySets.write(other, "");
        DataSetSpec expectsMore = new DataSetSpec("tiny", new DataSetSpec.ImageSet(
                IdxFileSpec.bytes("train-images", 4, 2, 2), TinySets.TRAIN.labels()), TinySets.TEST,
                List.of(URI.create("http://127.0.0.1:1/")), List.of(), null, null, null);
        KilnException e = assertThrows(KilnException.class,
                () -> new DataFetcher(List.of(new DirectorySource(other))).ensure(expectsMore, root.resolve("d")));
        assertTrue(e.getMessage().startsWith("tiny: no source worked. Download the four files from http://127.0.0.1:1/")
                && e.getMessage().contains("Missing: train-images (raw or .gz)")
                && e.getMessage().contains("expected UNSIGNED_BYTE[4, 2, 2]"), e.getMessage());
    }

    @Test
    void mirrorsServeGzipFilesAndAnUnreachableMirrorFailsOverQuickly() throws IOException {
        Path served = Files.createDirectories(root.resolve("served"));
        TinySets.write(served, ".gz");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mnist/", exchange -> {
            Path file = served.resolve(Path.of(exchange.getRequestURI().getPath()).getFileName().toString());
            byte[] body = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            exchange.sendResponseHeaders(body.length > 0 ? 200 : 404, body.length > 0 ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            URI closed = URI.create("http://127.0.0.1:" + closedPort() + "/mnist/");
            URI working = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/");
            Duration timeout = Duration.ofSeconds(2);
            Path ready = new DataFetcher(List.of(new MirrorSource(closed, timeout, timeout),
                    new MirrorSource(working, timeout, timeout))).ensure(TINY, root.resolve("data"));
            assertArrayEquals(new int[] {2, 1}, IdxReader.read(ready.resolve("test-labels.gz")).toInts());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void whenNothingWorksTheMessageSaysWhatToDo() {
        KilnException e = assertThrows(KilnException.class,
                () -> new DataFetcher(List.of(new DirectorySource(root.resolve("absent")))).ensure(
                        TinySets.spec(List.of(URI.create("https://example.org/tiny/"))), root));
        String message = e.getMessage();
        String advice = "tiny: no source worked. Install npm and run again (Kiln then fetches tiny-data@1.0.0), or"
                + " download the four files from https://example.org/tiny/ into a directory DIR and pass --data DIR";
        assertTrue(message.startsWith(advice), "the advice comes first, in a short line: " + message);
        assertTrue(message.contains("Missing: train-images, train-labels, test-images, test-labels"), message);
        assertTrue(message.contains("Tried: directory " + root.resolve("absent")), message);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.kiln.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void decoderChecksumIsCastagnoli() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283L, EventDecoder.crc32c(check, 0, check.length));
    }

    @Test
    void everyRecordDecodesWithItsFieldsAndChecksums() throws Exception {
        double before = System.currentTimeMillis() / 1000.0;
        Path file;
        try (EventFileWriter writer = new EventFileWriter(dir.resolve("run"))) {
            file = writer.file();
            writer.scalar("epoch_loss", 3, 0.125);
            writer.scalar("epoch_accuracy", 300_000_000_000L, -2.5);
            writer.histogram("dense/kernel", 4, new Histogram(-1, 2, 1.5, 7.25, new double[] {0, 1, 2},
                    new double[] {3, 0, 5}));
            writer.text("notes", 5, "héllo *world*");
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."), file.toString());
        List<EventDecoder.Event> events = EventDecoder.read(file);
        assertEquals(5, events.size());
        double after = System.currentTimeMillis() / 1000.0 + 1;
        for (EventDecoder.Event e : events) {
            assertTrue(e.wallTime() >= Math.floor(before) && e.wallTime() <= after, "wall time " + e.wallTime());
        }

        assertEquals("brain.Event:2", events.get(0).fileVersion());
        assertTrue(events.get(0).values().isEmpty());

        EventDecoder.Value loss = only(events.get(1));
        assertEquals(3, events.get(1).step());
        assertEquals("epoch_loss", loss.tag());
        assertEquals(0.125f, loss.simpleValue());
        assertNull(events.get(1).fileVersion());

        assertEquals(300_000_000_000L, events.get(2).step());
        assertEquals(-2.5f, only(events.get(2)).simpleValue());

        EventDecoder.Value histogram = only(events.get(3));
        assertEquals("dense/kernel", histogram.tag());
        assertNull(histogram.simpleValue());
        EventDecoder.Histo h = histogram.histo();
        assertEquals(-1, h.min());
        assertEquals(2, h.max());
        assertEquals(8, h.num());
        assertEquals(1.5, h.sum());
        assertEquals(7.25, h.sumSquares());
        assertArrayEquals(new double[] {0, 1, 2}, h.bucketLimits());
        assertArrayEquals(new double[] {3, 0, 5}, h.buckets());

        EventDecoder.Value text = only(events.get(4));
        assertEquals("notes", text.tag());
        assertEquals("text", text.pluginName());
        assertEquals(7L, text.tensorDtype());
        assertEquals("héllo *world*", text.text());
    }

    @Test
    void aCorruptedByteFailsTheChecksum() throws Exception {
        Path file;
        try (EventFileWriter writer = new EventFileWriter(dir)) {
            file = writer.file();
            writer.scalar("loss", 1, 0.5);
        }
        byte[] bytes = Files.readAllBytes(file);
        EventDecoder.decode(bytes);
        // the last byte of the scalar's float, inside the second record's data
        byte[] data = bytes.clone();
        data[data.length - 5] ^= 0x01;
        EventDecoder.CorruptRecord e = assertThrows(EventDecoder.CorruptRecord.class, () -> EventDecoder.decode(data));
        assertTrue(e.getMessage().contains("data checksum"), e.getMessage());
        // a byte of the first record's length
        byte[] length = bytes.clone();
        length[0] ^= 0x40;
        e = assertThrows(EventDecoder.CorruptRecord.class, () -> EventDecoder.decode(length));
        assertTrue(e.getMessage().contains("length checksum"), e.getMessage());
    }

    @Test
    void twoWritersInOneDirectoryGetTwoFiles() {
        try (EventFileWriter a = new EventFileWriter(dir); EventFileWriter b = new EventFileWriter(dir)) {
            assertTrue(!a.file().equals(b.file()));
        }
    }

    @Test
    void anUnwritableDirectoryIsNamed() throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        KilnException e = assertThrows(KilnException.class, () -> new EventFileWriter(blocker.resolve("logs")));
        assertTrue(e.getMessage().contains(blocker.resolve("logs").toString()), e.getMessage());
    }

    private static EventDecoder.Value only(EventDecoder.Event e) {
        assertEquals(1, e.values().size());
        return e.values().get(0);
    }
}

package dev.kiln.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What tasks send each other and the driver, read back and refused when malformed. */
class MessagesTest {

    @Test
    void payloadsRoundTripWithAbsentArrays() {
        double[][] arrays = {{1.5, -2.25}, null, {3}};
        byte[] wide = Payload.encode(7, arrays, true);
        Payload.Decoded decoded = Payload.decode(wide, new int[] {2, 5, 1}, true, "partition 1");
        assertEquals(7, decoded.samples());
        assertArrayEquals(new double[] {1.5, -2.25}, decoded.arrays()[0]);
        assertNull(decoded.arrays()[1]);
        assertArrayEquals(new double[] {3}, decoded.arrays()[2]);
        double[][] third = {{1.0 / 3}};
        assertEquals((float) (1.0 / 3), Payload.decode(Payload.encode(1, third, false), new int[] {1}, false, "p")
                .arrays()[0][0]);
    }

    @Test
    void payloadsOfOtherShapesOrTruncatedAreRefusedNamingTheSender() {
        byte[] message = Payload.encode(4, new double[][] {{1, 2, 3}}, false);
        KilnException shape = assertThrows(KilnException.class,
                () -> Payload.decode(message, new int[] {4}, false, "partition 2"));
        assertTrue(shape.getMessage().startsWith("partition 2 sent 3 values for array 0, expected 4"),
                shape.getMessage());
        KilnException truncated = assertThrows(KilnException.class,
                () -> Payload.decode(Arrays.copyOf(message, message.length - 1), new int[] {3}, false, "p"));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        KilnException longer = assertThrows(KilnException.class,
                () -> Payload.decode(Arrays.copyOf(message, message.length + 4), new int[] {3}, false, "p"));
        assertTrue(longer.getMessage().contains("4 bytes more"), longer.getMessage());
    }

    @Test
    void reportsRoundTripAndRefuseDamage() {
        TaskReport report = new TaskReport(0, 101, 0.75, Map.of("categorical_accuracy", 0.5),
                Map.of("model.json", new byte[] {'{', '}'}, "weights.safetensors", new byte[] {1, 2, 3}), "");
        byte[] bytes = report.encode();
        TaskReport back = TaskReport.decode(bytes);
        assertEquals(101, back.samples());
        assertEquals(0.75, back.loss());
        assertEquals(0.5, back.metrics().get("categorical_accuracy"));
        assertArrayEquals(new byte[] {1, 2, 3}, back.checkpoint().get("weights.safetensors"));
        assertEquals("", back.stopReason());
        String reason = "loss became NaN";
        assertEquals(reason, TaskReport.decode(new TaskReport(1, 5, Double.NaN, Map.of(), Map.of(), reason)
                .encode()).stopReason());
        assertThrows(KilnException.class, () -> TaskReport.decode(Arrays.copyOf(bytes, bytes.length - 2)));
        byte[] wrongMagic = bytes.clone();
        wrongMagic[0] ^= 1;
        assertThrows(KilnException.class, () -> TaskReport.decode(wrongMagic));
    }

    @Test
    void epochSpecificationsRoundTripAndRefuseDamage() {
        EpochSpec spec = new EpochSpec(new ShardPlan(203, 32, 2), 3, true, 5, "cpu", 4, Duration.ofSeconds(90),
                Map.of("weights.safetensors", new byte[] {7, 8}));
        byte[] bytes = spec.encode();
        EpochSpec back = EpochSpec.decode(bytes);
        assertEquals(spec.plan(), back.plan());
        assertEquals(List.of(3, 4), List.of(back.epoch(), back.averageEverySteps()));
        assertEquals(Duration.ofSeconds(90), back.patience());
        assertEquals("cpu", back.backend());
        assertArrayEquals(new byte[] {7, 8}, back.checkpoint().get("weights.safetensors"));
        assertThrows(KilnException.class, () -> EpochSpec.decode(Arrays.copyOf(bytes, bytes.length - 1)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
        KilnException extra = assertThrows(KilnException.class, () -> EpochSpec.decode(longer));
        assertTrue(extra.getMessage().contains("3 bytes after its end"), extra.getMessage());
    }

    @Test
    void checkpointFilesKeepPlainNamesOnlyAndLeaveTheManifestBehind(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), "{}");
        Files.writeString(dir.resolve("manifest.json"), "{}");
        Map<String, byte[]> files = CheckpointFiles.read(dir);
        assertEquals(Set.of("model.json"), files.keySet());
        Path target = Files.createDirectory(dir.resolve("copy"));
        assertThrows(KilnException.class, () -> CheckpointFiles.write(Map.of("../escape", new byte[0]), target));
        assertThrows(KilnException.class, () -> CheckpointFiles.write(Map.of(".hidden", new byte[0]), target));
        CheckpointFiles.write(files, target);
        assertEquals("{}", Files.readString(target.resolve("model.json")));
    }

    @Test
    void anExecutorsAddressGivesItsHost() {
        assertEquals("10.0.0.5", TaskGroup.host("10.0.0.5:43127"));
        assertEquals("worker-3", TaskGroup.host("worker-3"));
        assertEquals("::1", TaskGroup.host("[::1]:7077"));
    }
}

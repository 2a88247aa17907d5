package dev.kiln.samples.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.io.CheckpointStore;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GAN samples through {@code kiln train}, on the one that needs no data set: gan-1d. */
class GanSamplesTest {
    @TempDir
    Path dir;

    private JsonNode summary(String run) throws IOException {
        return new ObjectMapper().readTree(dir.resolve(run).resolve("summary.json").toFile());
    }

    @Test
    void aResumedRunSavesBothModelsAsAStraightRunDoesAndReportsItsMeasures() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        CommandRun first = CommandRun.of("train", "gan-1d", "--backend", "cpu", "--epochs", "3",
                "--checkpoints", checkpoints.toString(), "--out", dir.resolve("run1").toString());
        assertEquals(ExitCodes.SUCCESS, first.exitCode(), first.err());
        // as if the run had been stopped during its last epoch; the learning rate's schedule spans 3 epochs
        CheckpointStore store = new CheckpointStore(checkpoints);
        store.delete(store.latestComplete().orElseThrow());
        Path second = store.latestComplete().orElseThrow().directory();
        CommandRun resumed = CommandRun.of("train", "gan-1d", "--backend", "cpu", "--epochs", "3",
                "--resume", second.toString(), "--save-model", dir.resolve("resumed").toString(),
                "--out", dir.resolve("run2").toString());
        assertEquals(ExitCodes.SUCCESS, resumed.exitCode(), resumed.err());
        CommandRun straight = CommandRun.of("train", "gan-1d", "--backend", "cpu", "--epochs", "3",
                "--save-model", dir.resolve("straight").toString(), "--out", dir.resolve("run3").toString());
        assertEquals(ExitCodes.SUCCESS, straight.exitCode(), straight.err());

        assertEquals(List.of(1L, 2L, 3L), store.list().stream().map(CheckpointStore.Checkpoint::sequence).toList(),
                "a run resumed from one checkpoint goes on writing next to it");
        for (String model : List.of("generator", "discriminator")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("straight").resolve(model).resolve("weights.safetensors")),
                    Files.readAllBytes(dir.resolve("resumed").resolve(model).resolve("weights.safetensors")), model);
        }
        JsonNode straightSummary = summary("run3");
        assertEquals(straightSummary.get("ks_statistic").asDouble(), summary("run2").get("ks_statistic").asDouble());
        double ks = straightSummary.get("ks_statistic").asDouble();
        assertTrue(ks > 0 && ks < 1, "KS statistic " + ks);
        assertEquals("standard", straightSummary.get("loss").asText());
        assertTrue(straightSummary.has("train_generator_loss") && straightSummary.has("train_discriminator_loss"),
                straightSummary.toString());
        assertEquals(3, straightSummary.get("generator_losses").size());
        assertEquals(straightSummary.get("train_discriminator_loss").asDouble(),
                straightSummary.get("discriminator_losses").get(2).asDouble());
        assertTrue(Files.size(dir.resolve("run3/histogram.png")) > 0);
        String header = Files.readAllLines(dir.resolve("run3/history.csv")).get(0);
        assertEquals("epoch,discriminator_loss,generator_loss,real_score,fake_score,seconds,learning_rate", header);
    }

    @Test
    void theWassersteinOptionTrainsACriticAndBadOptionsAreUsageErrors() throws IOException {
        CommandRun wasserstein = CommandRun.of("train", "gan-1d", "--loss", "wasserstein", "--backend", "cpu",
                "--epochs", "1", "--out", dir.resolve("w").toString());
        assertEquals(ExitCodes.SUCCESS, wasserstein.exitCode(), wasserstein.err());
        assertEquals("wasserstein", summary("w").get("loss").asText());

        CommandRun unknownLoss = CommandRun.of("train", "gan-1d", "--loss", "hinge", "--backend", "cpu");
        assertEquals(ExitCodes.USAGE, unknownLoss.exitCode(), unknownLoss.err());
        assertTrue(unknownLoss.firstErrorLine().contains("hinge"), unknownLoss.firstErrorLine());
        CommandRun digitWithoutLabels = CommandRun.of("train", "gan", "--digit", "3", "--backend", "cpu");
        assertEquals(ExitCodes.USAGE, digitWithoutLabels.exitCode(), digitWithoutLabels.err());
        assertTrue(digitWithoutLabels.firstErrorLine().contains("conditional"), digitWithoutLabels.firstErrorLine());
        CommandRun badDigit = CommandRun.of("train", "cgan", "--digit", "12", "--backend", "cpu");
        assertEquals(ExitCodes.USAGE, badDigit.exitCode(), badDigit.err());
    }
}

package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class DevicesCommandTest {

    @Test
    void jsonListsEveryProviderWithTheContractKeys() throws Exception {
        CommandRun run = CommandRun.of("devices", "--json");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());

        JsonNode listing = new ObjectMapper().readTree(run.out());
        assertEquals(Set.of("selected", "backends"), fieldNames(listing));
        List<BackendProvider> providers = Backends.providers();
        assertEquals(providers.size(), listing.get("backends").size());

        Set<String> available = new HashSet<>();
        for (int i = 0; i < providers.size(); i++) {
            JsonNode backend = listing.get("backends").get(i);
            assertEquals(Set.of("name", "available", "reason", "devices"), fieldNames(backend));
            assertEquals(providers.get(i).name(), backend.get("name").asText());
            if (backend.get("available").asBoolean()) {
                available.add(backend.get("name").asText());
                assertFalse(backend.get("devices").isEmpty(), "an available backend lists its devices");
            }
            for (JsonNode device : backend.get("devices")) {
                assertEquals(Set.of("index", "name", "vendor", "type", "fp64", "global_memory_bytes"),
                        fieldNames(device));
                assertTrue(device.get("global_memory_bytes").asLong() > 0, device.toString());
            }
        }
        assertTrue(available.contains("cpu"), "the CPU backend is always available: " + run.out());
        assertTrue(available.contains(listing.get("selected").asText()), run.out());
    }

    @Test
    void textNamesTheAutomaticChoice() {
        CommandRun run = CommandRun.of("devices");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        String selected = Backends.providers().stream()
                .filter(provider -> provider.probe().available())
                .map(BackendProvider::name)
                .findFirst()
                .orElseThrow();
        assertTrue(run.out().contains("automatic selection: " + selected), run.out());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package dev.kiln.check.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.layer.Activation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Layer;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every concrete layer class and every activation function has a layer spec, so a new layer needs one. */
class LayerCoverageTest {
    private static final String PACKAGE = Layer.class.getPackageName();

    /** Names of every class file in the layer package, from the directory or jar Layer was loaded from. */
    private static Set<String> layerPackageClassNames() throws IOException, URISyntaxException {
        Path location = Path.of(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String folder = PACKAGE.replace('.', '/') + "/";
        Stream<String> entries;
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve(folder))) {
                entries = files.map(f -> folder + f.getFileName()).toList().stream();
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                entries = jar.stream().map(e -> e.getName()).toList().stream();
            }
        }
        return entries.filter(name -> name.startsWith(folder) && name.endsWith(".class")
                        && name.indexOf('/', folder.length()) < 0)
                .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                .collect(Collectors.toSet());
    }

    @Test
    void everyConcreteLayerClassHasASpec() throws Exception {
        Set<String> layers = new TreeSet<>();
        for (String name : layerPackageClassNames()) {
            Class<?> type = Class.forName(name);
            if (Layer.class.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
                layers.add(type.getSimpleName());
            }
        }
        assertFalse(layers.isEmpty(), "no layer classes found next to " + Layer.class);
        Set<String> specified = LayerCatalogue.all().stream().map(s -> s.layer().get().getClass().getSimpleName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(layers, specified, "layers without a parity spec: add them to LayerCatalogue");
    }

    @Test
    void everyActivationFunctionHasASpec() {
        Set<ActivationFunction> specified = EnumSet.noneOf(ActivationFunction.class);
        for (LayerSpec spec : LayerCatalogue.all()) {
            if (spec.layer().get() instanceof Activation activation) {
                specified.add(activation.function());
            }
        }
        assertEquals(EnumSet.allOf(ActivationFunction.class), specified);
    }
}

package dev.kiln.check.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every computing Backend method and every op-enum constant has a parity spec, or a stated gap. */
class ParityCoverageTest {
    /** Backend methods that compute nothing a second backend could disagree on. */
    private static final Map<String, String> EXEMPT = Map.ofEntries(
            Map.entry("name", "identity string, computes nothing"),
            Map.entry("device", "description of the hardware, differs by design"),
            Map.entry("supports", "capability query; the runner checks it before using a dtype"),
            Map.entry("allocate", "contents are unspecified until written; every case allocates through it"),
            Map.entry("free", "bookkeeping; every case frees its buffers through it"),
            Map.entry("memory", "bookkeeping counters, differ by design"),
            Map.entry("transfers", "bookkeeping counter, differs by design"),
            Map.entry("synchronize", "ordering only; download waits anyway"),
            Map.entry("close", "lifecycle, computes nothing"),
            Map.entry("isClosed", "lifecycle query, computes nothing"),
            Map.entry("lock", "serialises threads, computes nothing"));

    private static final List<OpSpec> CATALOGUE = ParityCatalogue.primitives();

    /** What the catalogue claims, with each enum-dispatched claim also counting for its method. */
    private static Set<Coverage> covered() {
        Set<Coverage> covered = new HashSet<>();
        for (OpSpec spec : CATALOGUE) {
            for (Coverage coverage : spec.covers()) {
                covered.add(coverage);
                covered.add(Coverage.of(coverage.method()));
            }
        }
        return covered;
    }

    private static List<Method> backendMethods() {
        return Arrays.stream(Backend.class.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()))
                .toList();
    }

    /** Every coverage the catalogue must provide: each computing method, and each enum constant it takes. */
    private static Set<Coverage> required() {
        Set<Coverage> required = new HashSet<>();
        for (Method method : backendMethods()) {
            if (EXEMPT.containsKey(method.getName())) {
                continue;
            }
            required.add(Coverage.of(method.getName()));
            for (Class<?> parameter : method.getParameterTypes()) {
                if (parameter.isEnum()) {
                    for (Object constant : parameter.getEnumConstants()) {
                        required.add(Coverage.of(method.getName(), (Enum<?>) constant));
                    }
                }
            }
        }
        return required;
    }

    @Test
    void everyComputingMethodAndEveryConstantItTakesHasASpec() {
        Set<Coverage> covered = covered();
        Set<String> missing = new TreeSet<>();
        for (Coverage coverage : required()) {
            if (!covered.contains(coverage) && !KnownGaps.all().containsKey(coverage)) {
                missing.add(coverage.toString());
            }
        }
        assertEquals(Set.of(), missing, "ops without a parity spec: add them to ParityCatalogue (or, with the "
                + "reason, to KnownGaps)");
    }

    @Test
    void theCoverageRuleSeesEveryEnumDispatchedFamily() {
        Set<String> families = required().stream().filter(c -> c.constant() != null)
                .map(c -> c.method() + ":" + c.constant().getDeclaringClass().getSimpleName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("biasActivationBackward:Activation", "binary:BinaryOp",
                "gemmBiasActivation:Activation", "random:Distribution", "reduce:ReduceOp", "unary:UnaryOp",
                "unaryBackward:UnaryOp", "update:UpdateRule", "updateGroup:UpdateRule")), families);
    }

    @Test
    void exemptionsNameRealBackendMethods() {
        Set<String> names = backendMethods().stream().map(Method::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(EXEMPT.keySet()), "stale exemption: " + EXEMPT.keySet());
    }

    @Test
    void knownGapsAreReallyUncoveredAndSayWhy() {
        Set<Coverage> covered = covered();
        KnownGaps.all().forEach((gap, reason) -> {
            assertFalse(covered.contains(gap), gap + " is listed as a gap but has a spec: remove it from KnownGaps");
            assertTrue(required().contains(gap), gap + " is not something the catalogue must cover");
            assertFalse(reason.isBlank(), gap + " needs its reason");
        });
    }

    @Test
    void specsCallWhatTheyClaimToCoverAndTheCpuAgreesWithItself() {
        try (Backend cpu = Backends.select("cpu")) {
            for (OpSpec spec : ParityCatalogue.all()) {
                Set<Coverage> called = new HashSet<>();
                Backend recording = BackendDecorator.wrap(cpu, (delegate, method, arguments) -> {
                    called.add(Coverage.of(method.getName()));
                    for (Object argument : arguments == null ? new Object[0] : arguments) {
                        if (argument instanceof Enum<?> constant && !(argument instanceof DType)) {
                            called.add(Coverage.of(method.getName(), constant));
                        }
                    }
                    return BackendDecorator.PASS;
                });
                Side side = new Side(recording, DType.F64);
                ParityResult result = new ParityRunner().run(side, side, spec, spec.cases().get(0));
                assertTrue(result.passed(), "the CPU backend disagrees with itself: " + result);
                assertTrue(called.containsAll(spec.covers()), spec.op() + " claims " + spec.covers()
                        + " but called " + called);
            }
        }
    }

    @Test
    void quickSubsetKeepsEveryCheckAndLeavesOutTheLargeGemm() {
        List<OpSpec> quick = ParityCatalogue.quick();
        assertEquals(ParityCatalogue.all().stream().map(OpSpec::op).toList(), quick.stream().map(OpSpec::op).toList());
        String large = Labels.shape(LinearAlgebraSpecs.LARGE, LinearAlgebraSpecs.LARGE, LinearAlgebraSpecs.LARGE);
        assertTrue(CATALOGUE.stream().anyMatch(s -> s.cases().stream().anyMatch(c -> c.shape().equals(large))));
        assertTrue(quick.stream().noneMatch(s -> s.cases().stream().anyMatch(c -> c.shape().equals(large))));
    }

    @Test
    void everyCaseHasAUniqueLabel() {
        List<String> labels = new ArrayList<>();
        ParityCatalogue.all().forEach(spec -> spec.cases().forEach(c -> labels.add(spec.op() + "[" + c.shape() + "]")));
        assertEquals(labels.size(), new HashSet<>(labels).size(), "duplicate case labels");
    }
}

package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateRule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kernel names follow their enum constant in lower case, one for every constant. */
class KernelNamesTest {
    @Test
    void namesEveryConstantBetweenPrefixAndSuffix() {
        Map<UpdateRule, String> group = KernelNames.of("update_", UpdateRule.class, "_group");
        assertEquals(UpdateRule.values().length, group.size());
        assertEquals("update_adamw_group", group.get(UpdateRule.ADAMW));
        Map<UnaryOp, String> backward = KernelNames.of("unary_", UnaryOp.class, "_backward");
        assertEquals(UnaryOp.values().length, backward.size());
        assertEquals("unary_leaky_relu_backward", backward.get(UnaryOp.LEAKY_RELU));
    }
}

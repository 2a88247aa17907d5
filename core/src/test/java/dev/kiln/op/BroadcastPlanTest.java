package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Broadcast;
import dev.kiln.tensor.Shape;
import org.junit.jupiter.api.Test;

class BroadcastPlanTest {

    @Test
    void sameShapesCollapseToOneAxis() {
        BroadcastPlan plan = BroadcastPlan.of("add", Shape.of(2, 3, 4), Shape.of(2, 3, 4));
        assertEquals(Shape.of(2, 3, 4), plan.output());
        assertEquals(new Broadcast(1, 1, 24, Broadcast.ALL, Broadcast.ALL), plan.spec());
    }

    @Test
    void rowVectorSpansOnlyTheInnerAxis() {
        BroadcastPlan plan = BroadcastPlan.of("add", Shape.of(5, 3), Shape.of(3));
        assertEquals(Shape.of(5, 3), plan.output());
        Broadcast s = plan.spec();
        assertEquals(5, s.middle());
        assertEquals(3, s.inner());
        assertEquals(3, s.operandLength(s.bAxes()));
        assertEquals(15, s.operandLength(s.aAxes()));
    }

    @Test
    void columnVectorSpansOnlyTheMiddleAxis() {
        BroadcastPlan plan = BroadcastPlan.of("mul", Shape.of(5, 3), Shape.of(5, 1));
        Broadcast s = plan.spec();
        assertEquals(Shape.of(5, 3), plan.output());
        assertEquals(5, s.operandLength(s.bAxes()));
        assertEquals(1, s.operandIndex(s.bAxes(), 0, 1, 2));
        assertEquals(5, s.operandIndex(s.aAxes(), 0, 1, 2));
    }

    @Test
    void perChannelBiasUsesThreeAxes() {
        BroadcastPlan plan = BroadcastPlan.of("add", Shape.of(2, 4, 3, 3), Shape.of(4, 1, 1));
        Broadcast s = plan.spec();
        assertEquals(new Broadcast(2, 4, 9, Broadcast.ALL, Broadcast.MIDDLE), s);
    }

    @Test
    void outerProductOfColumnAndRow() {
        BroadcastPlan plan = BroadcastPlan.of("mul", Shape.of(3, 1), Shape.of(1, 4));
        assertEquals(Shape.of(3, 4), plan.output());
        Broadcast s = plan.spec();
        assertEquals(3, s.operandLength(s.aAxes()));
        assertEquals(4, s.operandLength(s.bAxes()));
    }

    @Test
    void scalarOperandSpansNothing() {
        Broadcast s = BroadcastPlan.of("div", Shape.of(2, 3), Shape.of(1)).spec();
        assertEquals(1, s.operandLength(s.bAxes()));
        assertEquals(6, s.length());
    }

    @Test
    void incompatibleShapesNameBothShapes() {
        KilnException e = assertThrows(KilnException.class, () -> BroadcastPlan.of("add", Shape.of(2, 3), Shape.of(4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void tooManyAlternationsAreRejected() {
        KilnException e = assertThrows(KilnException.class,
                () -> BroadcastPlan.of("add", Shape.of(2, 1, 3, 1), Shape.of(1, 4, 1, 5)));
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
    }
}

package dev.kiln.data.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsHeaderQuotedFieldsAndLineNumbers() throws IOException {
        Path file = dir.resolve("t.csv");
        Files.writeString(file, "a, \"b,c\" ,d\r\n1,\"x \"\"y\"\"\",3\n\n\"multi\nline\",5,6\n");
        CsvTable table = CsvReader.read(file);
        assertEquals(List.of("a", "b,c", "d"), table.header());
        assertEquals(2, table.rowCount());
        assertEquals(List.of(2, 4), List.of(table.line(0), table.line(1)));
        assertEquals(List.of("1", "x \"y\"", "3"), List.of(table.text(0, 0), table.text(0, 1), table.text(0, 2)));
        assertEquals(List.of("multi\nline", "5", "6"), List.of(table.text(1, 0), table.text(1, 1), table.text(1, 2)));
        assertEquals(3, table.number(0, 2));
        assertTrue(table.isNumeric(2) && !table.isNumeric(0));
    }

    @Test
    void rowOfWrongWidthNamesItsLine() {
        KilnException e = assertThrows(KilnException.class,
                () -> CsvReader.parse("a,b\n1,2\n3\n", "w.csv"));
        assertEquals("w.csv: line 3 has 1 fields, expected 2 like the header", e.getMessage());
    }

    @Test
    void unclosedQuoteAndEmptyFilesAreErrors() {
        assertTrue(assertThrows(KilnException.class, () -> CsvReader.parse("a,b\n\"1,2\n", "q.csv"))
                .getMessage().contains("line 2: a quoted field is not closed"));
        assertTrue(assertThrows(KilnException.class, () -> CsvReader.parse("", "e.csv"))
                .getMessage().contains("empty file"));
        assertTrue(assertThrows(KilnException.class, () -> CsvReader.parse("a,b\n", "h.csv"))
                .getMessage().contains("no data rows"));
    }

    @Test
    void labelColumnByNameOrIndex() {
        CsvTable table = CsvReader.parse("x,y,label\n1,2,3\n", "t.csv");
        assertEquals(2, table.columnIndex("label"));
        assertEquals(1, table.columnIndex("1"));
        KilnException e = assertThrows(KilnException.class, () -> table.columnIndex("z"));
        assertTrue(e.getMessage().contains("[x, y, label]"), e.getMessage());
        assertThrows(KilnException.class, () -> table.columnIndex("3"));
    }

    @Test
    void classificationMapsLabelsInSortedOrderIndependentOfRowOrder() {
        CsvTable table = CsvReader.parse("f1,species,f2\n1,virginica,2\n3,setosa,4\n5,versicolor,6\n7,setosa,8\n",
                "iris.csv");
        LabelledData data = CsvConversion.classification(table, "species");
        assertEquals(List.of("setosa", "versicolor", "virginica"), data.classes());
        assertArrayEquals(new int[] {2, 0, 1, 0}, data.classIndices());
        assertEquals(List.of("f1", "f2"), data.featureNames());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, data.features());
        assertEquals(4, data.rows());
        assertTrue(data.isClassification());
    }

    @Test
    void numericClassLabelsSortNumerically() {
        LabelledData data = CsvConversion.classification(CsvReader.parse("x,c\n0,10\n0,2\n0,1\n", "n.csv"), "1");
        assertEquals(List.of("1", "2", "10"), data.classes());
        assertArrayEquals(new int[] {2, 1, 0}, data.classIndices());
    }

    @Test
    void regressionKeepsTargetValues() {
        LabelledData data = CsvConversion.regression(CsvReader.parse("x,y\n1.5,-2\n2e1,3.25\n", "r.csv"), "y");
        assertArrayEquals(new double[] {-2, 3.25}, data.targets());
        assertArrayEquals(new double[] {1.5, 20}, data.features());
        assertTrue(data.classes().isEmpty());
    }

    @Test
    void badValuesAreReportedWithLineAndColumn() {
        CsvTable nonNumeric = CsvReader.parse("x,y,label\n1,2,a\n3,oops,b\n", "bad.csv");
        KilnException e = assertThrows(KilnException.class,
                () -> CsvConversion.classification(nonNumeric, "label"));
        assertEquals("bad.csv: line 3, column 'y' (index 1): 'oops' is not a number, expected a finite number",
                e.getMessage());

        CsvTable missing = CsvReader.parse("x,y\n1,2\n,4\n", "gap.csv");
        e = assertThrows(KilnException.class, () -> CsvConversion.regression(missing, "y"));
        assertEquals("gap.csv: line 3, column 'x' (index 0): missing value, expected a number", e.getMessage());

        CsvTable missingLabel = CsvReader.parse("x,y\n1,\n", "l.csv");
        assertThrows(KilnException.class, () -> CsvConversion.classification(missingLabel, "y"));
        CsvTable infinite = CsvReader.parse("x,y\nInfinity,1\n", "i.csv");
        assertThrows(KilnException.class, () -> CsvConversion.regression(infinite, "y"));
        CsvTable onlyLabel = CsvReader.parse("y\n1\n", "o.csv");
        assertThrows(KilnException.class, () -> CsvConversion.regression(onlyLabel, "y"));
    }
}

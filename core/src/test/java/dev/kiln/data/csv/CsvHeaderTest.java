package dev.kiln.data.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvHeaderTest {
    @TempDir
    Path dir;

    @Test
    void twoColumnsOfOneNameAreAnErrorNamingBothPositions() {
        KilnException e = assertThrows(KilnException.class,
                () -> CsvReader.parse("a,y,b, y\n1,0,2,1\n", "dup.csv"));
        assertEquals("dup.csv: the header names column 'y' twice, at index 1 and at index 3;"
                + " expected every column name once", e.getMessage());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws IOException {
        Path file = dir.resolve("bom.csv");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, bytes, 0, bom.length);
        System.arraycopy(text, 0, bytes, bom.length, text.length);
        Files.write(file, bytes);

        CsvTable table = CsvReader.read(file);
        assertEquals(List.of("a", "b"), table.header());
        assertEquals(0, table.columnIndex("a"));
    }

    @Test
    void aFileThatIsNotUtf8SaysWhereItStopsBeingUtf8() throws IOException {
        Path file = dir.resolve("latin1.csv");
        // "caf\u00e9" in ISO-8859-1: 0xE9 alone is not UTF-8; it is byte 10 (from 0) of the file, on line 2
        Files.write(file, "name,x\ncaf\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1));

        KilnException e = assertThrows(KilnException.class, () -> CsvReader.read(file));
        assertEquals(file + ": not UTF-8 text: byte 0xE9 at offset 10 (line 2) is not valid UTF-8;"
                + " save the file as UTF-8", e.getMessage());
    }

    @Test
    void aHeaderOfNumbersIsTakenForMissing() {
        KilnException e = assertThrows(KilnException.class,
                () -> CsvReader.parse("1.5,2,-3e2\n4,5,6\n", "data.csv"));
        assertTrue(e.getMessage().startsWith("data.csv: a header row with the column names is required"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'1.5,2,-3e2'"), e.getMessage());
        assertEquals(List.of("1", "b"), CsvReader.parse("1,b\n4,5\n", "mixed.csv").header(),
                "a header with a name besides numbers is a header");
    }

    @Test
    void anotherDelimiterSplitsTheFields() {
        CsvTable table = CsvReader.parse("a;\"b;c\"\n1;2\n", "semi.csv", ';');
        assertEquals(List.of("a", "b;c"), table.header());
        assertEquals(List.of("1", "2"), List.of(table.text(0, 0), table.text(0, 1)));
        assertEquals(List.of("a,b", "c"), CsvReader.parse("a,b\tc\n1\t2\n", "tabs.csv", '\t').header());
    }
}

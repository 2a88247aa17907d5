package dev.kiln.samples.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.data.csv.CsvConversion;
import dev.kiln.data.csv.CsvReader;
import dev.kiln.data.csv.LabelledData;
import dev.kiln.data.preprocess.Split;
import org.junit.jupiter.api.Test;

class PreparedTableTest {

    @Test
    void scalingIsFittedOnTheTrainingRowsOnly() {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i * i).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        LabelledData data = CsvConversion.classification(CsvReader.parse(csv.toString(), "t.csv"), "y");
        PreparedTable table = PreparedTable.of(data, CsvTask.CLASSIFY, 0.2, 0.2, 5);

        Split split = Split.shuffled(20, 0.2, 0.2, 5);
        double mean = 0;
        for (int row : split.train()) {
            mean += row * row;
        }
        mean /= split.train().length;
        assertEquals(mean, table.features().shift()[0], 1e-9);
        assertEquals(12, table.train().size());
        assertEquals(4, table.validation().size());
        assertEquals(4, table.test().size());
        double[] expectedTest = new double[4];
        for (int i = 0; i < 4; i++) {
            int row = split.test()[i];
            expectedTest[i] = (row * row - mean) / table.features().scale()[0];
            assertEquals(row % 2, (int) table.testTargets()[i]);
        }
        assertArrayEquals(expectedTest, new double[] {table.testFeatures()[0][0], table.testFeatures()[1][0],
                table.testFeatures()[2][0], table.testFeatures()[3][0]}, 1e-9);
    }
}

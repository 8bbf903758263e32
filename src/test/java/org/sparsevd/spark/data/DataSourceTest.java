package org.sparsevd.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sparsevd.data.ImageSize;

class DataSourceTest {

  private static String rejected(Executable build) {
    return assertThrows(IllegalArgumentException.class, build).getMessage();
  }

  @Test
  void defaultsAndCopies() {
    DataSource csv = DataSource.csv("hdfs://nn/x.csv", 3);
    assertEquals("label", csv.labelCol());
    assertEquals("features", csv.featuresCol());
    assertEquals(List.of(), csv.featureCols());
    assertEquals(true, csv.csvHeader());
    assertEquals(0, csv.numFeatures());
    List<String> cols = new ArrayList<>(List.of("a", "b"));
    DataSource chosen = csv.withFeatureCols(cols);
    cols.add("c");
    assertEquals(List.of("a", "b"), chosen.featureCols());
    assertEquals(784, DataSource.libsvm("x", 784, 10).numFeatures());
    assertEquals(10, DataSource.mnist("dir", DataSource.Split.TRAIN).numClasses());
  }

  @Test
  void invalidSettingsAreNamed() {
    assertEquals("CSV source: the path is empty", rejected(() -> DataSource.csv(" ", 10)));
    assertEquals("x: labelCol 'v' and featuresCol 'v' must be distinct, non-blank names",
        rejected(() -> DataSource.parquet("x", 2).withLabelCol("v").withFeaturesCol("v")));
    assertEquals("x: numClasses 1 must be at least 2", rejected(() -> DataSource.csv("x", 1)));
    assertEquals("x: numFeatures -1 must be positive, or 0 to take it from the data",
        rejected(() -> DataSource.parquet("x", 2).withNumFeatures(-1)));
    assertEquals("x: featureCols [a, label] must be distinct, non-blank names other than the"
        + " label column 'label'; offending entry: 'label'",
        rejected(() -> DataSource.csv("x", 2).withFeatureCols(List.of("a", "label"))));
    assertEquals("x: featureCols [a, a] must be distinct, non-blank names other than the"
        + " label column 'label'; offending entry: 'a'",
        rejected(() -> DataSource.csv("x", 2).withFeatureCols(List.of("a", "a"))));
    assertEquals("x: LIBSVM has fixed columns; labelCol 'y', featuresCol 'features' and"
        + " featureCols [] can only be set for CSV and PARQUET",
        rejected(() -> DataSource.libsvm("x", 0, 2).withLabelCol("y")));
    assertEquals("d: MNIST has 10 classes, not 3", rejected(() -> new DataSource(
        DataSource.Format.MNIST, "d", DataSource.Split.TEST, "label", "features", List.of(),
        true, 0, 3, false, "", List.of(), null)));
    assertEquals("x: a train/test split applies to MNIST only and MNIST needs one; format CSV,"
        + " split TEST", rejected(() -> new DataSource(DataSource.Format.CSV, "x",
        DataSource.Split.TEST, "label", "features", List.of(), true, 0, 3, false, "", List.of(),
        null)));
    assertEquals("x: weightCol 'label' must be a column of its own of a CSV, Parquet or "
        + "DataFrame source", rejected(() -> DataSource.csv("x", 2).withWeightCol("label")));
    assertEquals("r: class folders [cat]: at least 2 are needed",
        rejected(() -> DataSource.images("r", List.of("cat"))));
    assertEquals("r: class folders [cat, cat] must be 2 distinct names",
        rejected(() -> DataSource.images("r", List.of("cat", "cat"))));
    assertEquals("x: class folders [] and image size 2x2x1 apply to IMAGES only, not CSV",
        rejected(() -> DataSource.csv("x", 2).withImageSize(new ImageSize(2, 2, 1))));
    assertEquals("r: IMAGES has fixed columns; labelCol 'y', featuresCol 'features' and"
        + " featureCols [] can only be set for CSV and PARQUET",
        rejected(() -> DataSource.images("r", List.of("a", "b")).withLabelCol("y")));
    assertEquals("x: weightCol 'w' must be a column of its own of a CSV, Parquet or "
        + "DataFrame source", rejected(() -> DataSource.libsvm("x", 0, 2).withWeightCol("w")));
  }
}

package dev.kiln.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Spark in local mode with two executor threads, the way the tests run a cluster of two tasks. */
final class LocalSpark {
    private LocalSpark() {
    }

    static JavaSparkContext start(String name) {
        return new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName(name)
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }
}

package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.io.CheckpointStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Trains a Kiln model on a Spark cluster with synchronous data parallelism. The data is laid out once, by
 * {@link ShardPlan}, into one shard per training task; each epoch then runs as one stage in Spark's barrier
 * execution mode, whose tasks start together, each on its executor's OpenCL device or CPU. Every step each task
 * computes the gradient of its share of the global batch and the tasks sum them through the barrier's all-gather, so
 * that every task applies the same update: the run trains as one machine would on the same global batches. At the
 * end of each epoch partition 0 returns the model and optimizer state to the driver, which keeps them as a
 * checkpoint; a failed epoch (a killed task, a lost executor) starts again from it.
 */
public final class SparkTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);
    private static final ClassTag<byte[]> BYTES = ClassTag$.MODULE$.apply(byte[].class);

    private SparkTrainer() {
    }

    /**
     * Trains the model {@code factory} builds on {@code data} (each sample's features and target), continuing after
     * the latest complete checkpoint in the options' directory when there is one.
     */
    public static SparkFit fit(JavaPairRDD<float[], float[]> data, ModelFactory factory, SparkFitOptions options) {
        int partitions = options.partitions() > 0 ? options.partitions() : data.getNumPartitions();
        ShardPlan plan = new ShardPlan(data.count(), options.batchSize(), partitions);
        if (plan.leftOut() > 0) {
            LOG.warn("the last {} of {} samples are left out of every epoch: a batch of them would give some of the"
                    + " {} partitions nothing to compute", plan.leftOut(), plan.samples(), partitions);
        }
        JavaPairRDD<Long, Tuple2<float[], float[]>> shards = data.zipWithIndex()
                .mapToPair(pair -> new Tuple2<>(pair._2(), pair._1()))
                .filter(pair -> plan.partitionOf(pair._1()) >= 0)
                .repartitionAndSortWithinPartitions(new ShardPartitioner(plan))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return train(shards, factory, options, plan);
        } finally {
            shards.unpersist(false);
        }
    }

    private static SparkFit train(JavaPairRDD<Long, Tuple2<float[], float[]>> shards, ModelFactory factory,
                                  SparkFitOptions options, ShardPlan plan) {
        CheckpointStore store = new CheckpointStore(options.checkpoints());
        Optional<CheckpointStore.Checkpoint> latest = store.latestComplete();
        int first = latest.map(c -> Math.toIntExact(c.sequence()) + 1).orElse(1);
        Map<String, byte[]> state = latest.map(c -> CheckpointFiles.read(c.directory())).orElse(Map.of());
        if (first > options.epochs()) {
            throw new KilnException("the checkpoints in " + store.root() + " already hold " + (first - 1) + " epochs;"
                    + " ask for more than " + (first - 1) + " epochs to train further");
        }
        if (latest.isPresent()) {
            LOG.info("continuing after the checkpoint of epoch {} in {}", first - 1, store.root());
        }
        List<SparkEpoch> epochs = new ArrayList<>();
        CheckpointStore.Checkpoint last = null;
        for (int epoch = first; epoch <= options.epochs(); epoch++) {
            EpochTask task = new EpochTask(factory, plan, epoch, options, state);
            long start = System.nanoTime();
            int attempt = 1;
            List<TaskReport> reports;
            while (true) {
                try {
                    reports = run(shards, task);
                    break;
                } catch (Exception e) {
                    if (attempt >= options.attempts()) {
                        throw new KilnException("epoch " + epoch + " failed " + attempt + " times; the last complete"
                                + " checkpoint stays in " + store.root() + ". Last failure: " + e.getMessage(), e);
                    }
                    LOG.warn("epoch {} failed (try {} of {}): {}; starting it again from the checkpoint of epoch {}",
                            epoch, attempt, options.attempts(), e.getMessage(), epoch - 1);
                    attempt++;
                    start = System.nanoTime();
                }
            }
            SparkEpoch result = combine(epoch, reports, (System.nanoTime() - start) / 1e9, attempt);
            state = reports.get(0).checkpoint();
            Map<String, byte[]> files = state;
            last = store.save(epoch, directory -> CheckpointFiles.write(files, directory));
            store.prune(options.keepLast(), List.of());
            epochs.add(result);
            LOG.info("epoch {}/{} on {} tasks: loss {} {} - {} s", epoch, options.epochs(), plan.partitions(),
                    String.format("%.4f", result.loss()), result.metrics(), String.format("%.1f", result.seconds()));
        }
        return new SparkFit(epochs, last.directory());
    }

    /** Runs one epoch's barrier stage; its reports in partition order. */
    private static List<TaskReport> run(JavaPairRDD<Long, Tuple2<float[], float[]>> shards, EpochTask task) {
        List<byte[]> encoded = new JavaRDD<>(shards.rdd().barrier().mapPartitions(task, false, BYTES), BYTES)
                .collect();
        List<TaskReport> reports = new ArrayList<>();
        for (byte[] bytes : encoded) {
            reports.add(TaskReport.decode(bytes));
        }
        reports.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        if (reports.isEmpty() || reports.get(0).partition() != 0 || reports.get(0).checkpoint().isEmpty()) {
            throw new KilnException("the epoch's tasks returned no checkpoint from partition 0");
        }
        return reports;
    }

    /** The epoch's loss and metrics: each task's means weighted by its samples. */
    private static SparkEpoch combine(int epoch, List<TaskReport> reports, double seconds, int attempts) {
        long samples = reports.stream().mapToLong(TaskReport::samples).sum();
        double loss = 0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (TaskReport r : reports) {
            double weight = (double) r.samples() / samples;
            loss += weight * r.loss();
            r.metrics().forEach((name, value) -> metrics.merge(name, weight * value, Double::sum));
        }
        return new SparkEpoch(epoch, loss, metrics, seconds, attempts);
    }
}

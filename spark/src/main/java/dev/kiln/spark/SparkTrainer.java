package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.io.CheckpointStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * computes the gradient of its share of the global batch and the tasks all-gather and sum them ({@link TaskGroup}),
 * so that every task applies the same update: without shuffling, the run trains as one machine would on the same
 * global batches. At the end of each epoch partition 0 returns the model and optimizer state to the driver, which
 * keeps them as a checkpoint; a failed epoch (a killed task, a lost executor) starts again from it.
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
        Preflight.check(factory, options, plan);
        if (plan.leftOut() > 0) {
            LOG.warn("the last {} of {} samples are left out of every epoch: a batch of them would give some of the"
                    + " {} partitions nothing to compute", plan.leftOut(), plan.samples(), partitions);
        }
        long used = plan.usedSamples();
        JavaPairRDD<Long, Tuple2<float[], float[]>> shards = data.zipWithIndex()
                .mapToPair(pair -> new Tuple2<>(pair._2(), pair._1()))
                .filter(pair -> pair._1() < used)
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
            EpochTask task = new EpochTask(factory, EpochSpec.of(plan, epoch, options, state));
            long start = System.nanoTime();
            int attempt = 1;
            List<TaskReport> reports;
            while (true) {
                try {
                    reports = run(shards, task, plan.partitions());
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
            String stopped = reports.get(0).stopReason();
            if (!stopped.isEmpty()) {
                throw new KilnException("epoch " + epoch + " stopped on the cluster: " + stopped + " (the last complete"
                        + " checkpoint stays in " + store.root() + ")");
            }
            SparkEpoch result = combine(epoch, reports, (System.nanoTime() - start) / 1e9, attempt);
            state = reports.get(0).checkpoint();
            Map<String, byte[]> files = state;
            last = store.save(epoch, directory -> CheckpointFiles.write(files, directory));
            store.prune(options.keepLast(), List.of());
            epochs.add(result);
            LOG.info("epoch {}/{} on {} tasks: loss {} {} - {} s", epoch, options.epochs(), plan.partitions(),
                    String.format(Locale.ROOT, "%.4f", result.loss()), result.metrics(),
                    String.format(Locale.ROOT, "%.1f", result.seconds()));
        }
        return new SparkFit(epochs, last.directory());
    }

    /**
     * Runs one epoch's barrier stage; its reports in partition order, one per partition, partition 0's with the
     * checkpoint unless training stopped inside the epoch.
     */
    private static List<TaskReport> run(JavaPairRDD<Long, Tuple2<float[], float[]>> shards, EpochTask task,
                                        int partitions) {
        List<byte[]> encoded = new JavaRDD<>(shards.rdd().barrier().mapPartitions(task, false, BYTES), BYTES)
                .collect();
        List<TaskReport> reports = new ArrayList<>();
        for (byte[] bytes : encoded) {
            reports.add(TaskReport.decode(bytes));
        }
        reports.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        for (int p = 0; p < partitions; p++) {
            if (reports.size() != partitions || reports.get(p).partition() != p) {
                throw new KilnException("the epoch's tasks returned reports of partitions "
                        + reports.stream().map(TaskReport::partition).toList() + ", expected 0 to " + (partitions - 1));
            }
        }
        TaskReport first = reports.get(0);
        if (first.stopReason().isEmpty() && first.checkpoint().isEmpty()) {
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

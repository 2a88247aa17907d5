package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.io.CheckpointCallback;
import dev.kiln.io.CheckpointStore;
import dev.kiln.io.Resume;
import dev.kiln.model.Model;
import dev.kiln.train.Callback;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.BarrierTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of one epoch, run in a barrier stage: builds the model on the executor's backend, restores the driver's
 * last checkpoint, trains one epoch on the task's shard while the exchange keeps every task's model equal, and
 * returns its {@link TaskReport}. Spark can ship a task function to the executors only with Java serialization; this
 * one holds just the user's model factory and its {@link EpochSpec} as bytes of Kiln's own format.
 */
final class EpochTask extends AbstractFunction1<Iterator<Tuple2<Long, Tuple2<float[], float[]>>>, Iterator<byte[]>>
        implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(EpochTask.class);

    private final ModelFactory factory;
    private final byte[] spec;

    EpochTask(ModelFactory factory, EpochSpec spec) {
        this.factory = factory;
        this.spec = spec.encode();
    }

    @Override
    public Iterator<byte[]> apply(Iterator<Tuple2<Long, Tuple2<float[], float[]>>> rows) {
        BarrierTaskContext context = BarrierTaskContext.get();
        EpochSpec epoch = EpochSpec.decode(spec);
        ShardPlan plan = epoch.plan();
        List<float[]> features = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        rows.foreach(row -> {
            features.add(row._2()._1());
            return targets.add(row._2()._2());
        });
        int partition = context.partitionId();
        if (features.size() != plan.samplesOf(partition)) {
            throw new KilnException("partition " + partition + " holds " + features.size() + " samples, its plan "
                    + plan.samplesOf(partition));
        }
        Path work = null;
        try (TaskGroup group = TaskGroup.join(context, epoch.patience())) {
            work = Files.createTempDirectory("kiln-spark-");
            TaskReport report = train(epoch, new BarrierExchange(group), features, targets, work);
            return CollectionConverters.asScala(List.of(report.encode()).iterator());
        } catch (IOException e) {
            throw new KilnException("partition " + partition + ": cannot use a temporary directory: " + e, e);
        } finally {
            delete(work);
        }
    }

    private TaskReport train(EpochSpec epoch, BarrierExchange exchange, List<float[]> features,
                             List<float[]> targets, Path work) {
        ShardPlan plan = epoch.plan();
        int averageEverySteps = epoch.averageEverySteps();
        Map<String, byte[]> checkpoint = epoch.checkpoint();
        int partition = exchange.partition();
        Callback exchanging = averageEverySteps == 0 ? new GradientAllReduce(exchange, plan)
                : new ParameterAveraging(exchange, plan, averageEverySteps);
        CheckpointStore written = new CheckpointStore(work.resolve("out"));
        List<Callback> callbacks = new ArrayList<>(List.of(exchanging));
        if (partition == 0) {
            callbacks.add(CheckpointCallback.everyEpoch(written.root(), 1));
        }
        FitOptions options = FitOptions.builder().epochs(epoch.epoch()).batchSize(plan.localBatchSize())
                .shuffle(epoch.shuffle()).seed(epoch.seed()).log(false).callbacks(callbacks.toArray(Callback[]::new))
                .build();
        if (!checkpoint.isEmpty()) {
            CheckpointStore start = new CheckpointStore(work.resolve("in"));
            start.save(epoch.epoch() - 1, directory -> CheckpointFiles.write(checkpoint, directory));
            options = Resume.from(start.root()).options(options);
        }
        ArrayDataset shard = ArrayDataset.of(features.toArray(float[][]::new), targets.toArray(float[][]::new));
        try (Backend device = Backends.select(epoch.backend()); Model model = factory.create(device)) {
            History history = model.fit(shard, options);
            if (history.stopReason() != null) {
                return new TaskReport(partition, features.size(), Double.NaN, Map.of(), Map.of(),
                        history.stopReason());
            }
            EpochResult result = history.last();
            Map<String, byte[]> files = partition == 0
                    ? CheckpointFiles.read(written.latestComplete().orElseThrow(() -> new KilnException(
                            "partition 0 wrote no checkpoint in epoch " + epoch.epoch())).directory())
                    : Map.of();
            return new TaskReport(partition, features.size(), result.loss(), result.metrics(), files, "");
        }
    }

    private static void delete(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the task's temporary directory {}: {}", root, e.toString());
        }
    }
}

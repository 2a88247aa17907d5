"""Prints, as JSON, what TensorBoard's own reader finds in the runs of a log directory."""
import json
import sys

from tensorboard.backend.event_processing import event_accumulator
from tensorboard.util import tensor_util

EVERYTHING = {event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0, event_accumulator.TENSORS: 0}


def read(directory):
    accumulator = event_accumulator.EventAccumulator(directory, size_guidance=EVERYTHING)
    accumulator.Reload()
    tags = accumulator.Tags()
    return {
        "scalars": {tag: [[e.step, e.value] for e in accumulator.Scalars(tag)] for tag in tags["scalars"]},
        "histograms": {
            tag: [[e.step, e.histogram_value.num, e.histogram_value.sum, len(e.histogram_value.bucket)]
                  for e in accumulator.Histograms(tag)]
            for tag in tags["histograms"]
        },
        "texts": {
            tag: [[e.step, tensor_util.make_ndarray(e.tensor_proto).item().decode("utf-8")]
                  for e in accumulator.Tensors(tag)]
            for tag in tags["tensors"]
        },
    }


if __name__ == "__main__":
    root = sys.argv[1]
    print(json.dumps({run: read(root + "/" + run) for run in sys.argv[2:]}))

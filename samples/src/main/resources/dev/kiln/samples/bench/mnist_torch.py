"""PyTorch reference for `kiln bench mnist-mlp`, `mnist-cnn` and `mnist-lstm`: the same network trained on the CPU.

Networks (--network): mlp, the Keras MNIST MLP: flatten, dense --hidden relu (128 by default), dense 10 (logits); cnn, the Keras MNIST CNN: conv 32 3x3 relu, max-pool 2, conv 64 3x3 relu, max-pool 2, flatten,
optionally dense N relu (--dense), dropout (--dropout, 0.5 by default), dense 10 (logits); lstm: an LSTM of --units
units reading the 28 rows of an image as 28 time steps of 28 pixels, then dense 10 (logits) on its last output. Both
are initialised as Keras initialises them. Cross-entropy, Adam 1e-3, shuffled mini-batches. The whole data set is in
memory before the clock starts and each timed epoch measures the training loop alone.

Output, one JSON object per line on stdout: {"epoch": i, "seconds": s, "loss": l} per timed epoch, then
{"torch": version, "threads": t, "test_accuracy": a}. Errors go to stderr with a non-zero exit status.

With --interleaved the timed epochs wait for the caller: after the warm-up it prints {"ready": true}, then runs one
timed epoch for each line "epoch" it reads on stdin, up to --epochs, and prints the summary after the last one (or
at the end of its input), so that a caller can alternate its own epochs with these on a machine whose speed drifts.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

IMAGES_MAGIC = 2051  # unsigned bytes, three dimensions
LABELS_MAGIC = 2049  # unsigned bytes, one dimension
SIDE = 28
CLASSES = 10
EVALUATION_BATCH = 1000


class DataError(Exception):
    """A missing or malformed IDX file."""


def read_idx(path, magic, dimensions):
    """The array in an uncompressed IDX file of unsigned bytes, after checking its header against its length."""
    try:
        with open(path, "rb") as file:
            content = file.read()
    except OSError as e:
        raise DataError(f"cannot read {path}: {e.strerror}") from e
    header = 4 * (1 + dimensions)
    if len(content) < header:
        raise DataError(f"{path}: {len(content)} bytes, shorter than its header")
    found, *shape = struct.unpack(f">{1 + dimensions}I", content[:header])
    if found != magic:
        raise DataError(f"{path}: magic number {found}, expected {magic}")
    expected = header + int(np.prod(shape, dtype=np.int64))
    if len(content) != expected:
        raise DataError(f"{path}: {len(content)} bytes, expected {expected} for shape {shape}")
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape)


def load_split(directory, prefix):
    """Images as [n, 28, 28] floats in [0, 1] and labels as int64, both as tensors."""
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), IMAGES_MAGIC, 3)
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), LABELS_MAGIC, 1)
    if images.shape[1:] != (SIDE, SIDE):
        raise DataError(f"{prefix} images are {images.shape[1]}x{images.shape[2]}, expected {SIDE}x{SIDE}")
    if len(images) != len(labels):
        raise DataError(f"{prefix}: {len(images)} images but {len(labels)} labels")
    if len(labels) and labels.max() >= CLASSES:
        raise DataError(f"{prefix}: label {labels.max()}, expected 0 to {CLASSES - 1}")
    pixels = torch.from_numpy(images.astype(np.float32) / 255.0)
    return pixels, torch.from_numpy(labels.astype(np.int64))


def keras_mnist_cnn(dense, dropout):
    head = [nn.Linear(64 * 5 * 5, dense), nn.ReLU()] if dense > 0 else []
    features = dense if dense > 0 else 64 * 5 * 5
    model = nn.Sequential(
        nn.Unflatten(1, (1, SIDE)),  # [n, 28, 28] to one channel, [n, 1, 28, 28]
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), *head, nn.Dropout(dropout), nn.Linear(features, CLASSES))
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            # Keras's defaults (Glorot uniform, zero bias), so the accuracies compare like for like.
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


class RowLstm(nn.Module):
    """The rows of an image [n, 28, 28] as 28 time steps through an LSTM, then a linear layer on the last output."""

    def __init__(self, units):
        super().__init__()
        self.lstm = nn.LSTM(SIDE, units, batch_first=True)
        self.linear = nn.Linear(units, CLASSES)
        # Keras's LSTM: Glorot-uniform kernel, orthogonal recurrent kernel, zero bias but the forget gate's at 1
        # (unit_forget_bias). PyTorch has two biases and the gate order i, f, g, o: the input one carries the ones.
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)
        nn.init.zeros_(self.lstm.bias_ih_l0)
        nn.init.zeros_(self.lstm.bias_hh_l0)
        with torch.no_grad():
            self.lstm.bias_ih_l0[units:2 * units] = 1.0
        nn.init.xavier_uniform_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, rows):
        outputs, _ = self.lstm(rows)
        return self.linear(outputs[:, -1])


def keras_mnist_mlp(hidden):
    model = nn.Sequential(nn.Flatten(), nn.Linear(SIDE * SIDE, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def network(args):
    if args.network == "mlp":
        return keras_mnist_mlp(args.hidden)
    if args.network == "lstm":
        return RowLstm(args.units)
    return keras_mnist_cnn(args.dense, args.dropout)


def train_epoch(model, optimizer, images, labels, batch_size, generator):
    """One pass over the shuffled training set; returns the mean loss per image."""
    model.train()
    order = torch.randperm(len(images), generator=generator)
    total = 0.0
    for start in range(0, len(images), batch_size):
        batch = order[start:start + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total / len(images)


def accuracy(model, images, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), EVALUATION_BATCH):
            predicted = model(images[start:start + EVALUATION_BATCH]).argmax(dim=1)
            correct += (predicted == labels[start:start + EVALUATION_BATCH]).sum().item()
    return correct / len(images)


def at_least(minimum):
    def parse(text):
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return parse


def arguments():
    parser = argparse.ArgumentParser(prog="mnist_torch", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, metavar="DIR", help="directory holding the four MNIST IDX files")
    parser.add_argument("--epochs", type=at_least(1), default=3, metavar="N", help="timed epochs (default 3)")
    parser.add_argument("--warm-up", type=at_least(0), default=1, metavar="W", help="untimed epochs first (default 1)")
    parser.add_argument("--batch-size", type=at_least(1), default=128, metavar="B", help="default 128")
    parser.add_argument("--threads", type=at_least(1), default=2, metavar="T", help="torch CPU threads (default 2)")
    parser.add_argument("--seed", type=int, default=42, metavar="S", help="default 42")
    parser.add_argument("--network", choices=("mlp", "cnn", "lstm"), required=True, help="the network trained")
    parser.add_argument("--hidden", type=at_least(1), default=128, metavar="N",
                        help="mlp: units of the hidden relu layer (default 128)")
    parser.add_argument("--dense", type=at_least(0), default=0, metavar="N",
                        help="cnn: units of a dense relu layer before the dropout, 0 for none (default 0)")
    parser.add_argument("--dropout", type=float, default=0.5, metavar="P",
                        help="cnn: dropout rate before the last layer (default 0.5)")
    parser.add_argument("--units", type=at_least(1), default=128, metavar="N",
                        help="lstm: units of the LSTM (default 128)")
    parser.add_argument("--interleaved", action="store_true",
                        help="after the warm-up, run each timed epoch when stdin sends a line 'epoch'")
    return parser.parse_args()


def emit(record):
    print(json.dumps(record), flush=True)


def wait_for_epoch():
    """Whether stdin asked for the next epoch; False at the end of the input."""
    line = sys.stdin.readline()
    if not line:
        return False
    if line.strip() != "epoch":
        print(f"mnist_torch: expected the line 'epoch' on stdin, got {line.strip()!r}", file=sys.stderr)
        sys.exit(2)
    return True


def main():
    args = arguments()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    try:
        train_images, train_labels = load_split(args.data, "train")
        test_images, test_labels = load_split(args.data, "t10k")
    except DataError as e:
        print(f"mnist_torch: {e}", file=sys.stderr)
        return 1
    model = network(args)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = torch.Generator().manual_seed(args.seed)
    for _ in range(args.warm_up):
        train_epoch(model, optimizer, train_images, train_labels, args.batch_size, shuffle)
    if args.interleaved:
        emit({"ready": True})
    for epoch in range(1, args.epochs + 1):
        if args.interleaved and not wait_for_epoch():
            break
        start = time.perf_counter()
        loss = train_epoch(model, optimizer, train_images, train_labels, args.batch_size, shuffle)
        emit({"epoch": epoch, "seconds": time.perf_counter() - start, "loss": loss})
    emit({"torch": torch.__version__, "threads": torch.get_num_threads(),
          "test_accuracy": accuracy(model, test_images, test_labels)})
    return 0


if __name__ == "__main__":
    sys.exit(main())

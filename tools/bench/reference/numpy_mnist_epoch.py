#!/usr/bin/env python3
"""One epoch of the chapter's MNIST model in plain NumPy (+ its BLAS), as the reference for
TensorKit's native backend: dense 512 relu -> dense 10 softmax, sparse categorical cross-entropy,
RMSprop with Keras' defaults (lr 1e-3, rho 0.9, epsilon 1e-7), batch 128, 469 steps, shuffled.
Forward, backward and the optimizer are written by hand, float32 throughout.

Prints the epoch time, the time of the epoch's matmuls alone (same shapes, same count), loss and
accuracy. Benchmark a current NumPy fairly by unsetting the env's OpenBLAS pins in this command only:

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 python3 tools/bench/reference/numpy_mnist_epoch.py
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 python3 tools/bench/reference/numpy_mnist_epoch.py
"""
import argparse
import gzip
import json
import os
import time

import numpy as np


def load(dir_):
    with gzip.open(os.path.join(dir_, 'train-images-idx3-ubyte.gz')) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(dir_, 'train-labels-idx1-ubyte.gz')) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return (x.astype(np.float32) / 255.0), y


def glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument('--data', default=os.path.join(here, '../../../../shared/datasets/mnist'))
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--epochs', type=int, default=2, help='epochs to run; the fastest is reported (the first warms up)')
    parser.add_argument('--json', action='store_true', help='end with one JSON line of the results (for pnpm bench)')
    args = parser.parse_args()
    x, y = load(args.data)
    n = x.shape[0]
    rng = np.random.default_rng(0)
    w1, b1 = glorot(rng, 784, 512), np.zeros(512, np.float32)
    w2, b2 = glorot(rng, 512, 10), np.zeros(10, np.float32)
    params = [w1, b1, w2, b2]
    ms = [np.zeros_like(p) for p in params]
    lr, rho, eps = np.float32(1e-3), np.float32(0.9), np.float32(1e-7)
    steps = (n + args.batch - 1) // args.batch
    best = None
    epochs = []
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        order = rng.permutation(n)
        total_loss = 0.0
        correct = 0
        for s in range(steps):
            idx = order[s * args.batch:(s + 1) * args.batch]
            xb, yb = x[idx], y[idx]
            m = xb.shape[0]
            # forward
            h_pre = xb @ w1 + b1
            h = np.maximum(h_pre, 0)
            logits = h @ w2 + b2
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            p = e / e.sum(axis=1, keepdims=True)
            total_loss += float(-np.log(p[np.arange(m), yb] + 1e-30).mean())
            correct += int((p.argmax(axis=1) == yb).sum())
            # backward (mean loss)
            dz = p
            dz[np.arange(m), yb] -= 1
            dz /= m
            gw2 = h.T @ dz
            gb2 = dz.sum(axis=0)
            dh = dz @ w2.T
            dh *= (h_pre > 0)
            gw1 = xb.T @ dh
            gb1 = dh.sum(axis=0)
            # rmsprop (Keras): ms = rho*ms + (1-rho)*g^2; w -= lr*g/sqrt(ms+eps)
            for w, g, s_ in zip(params, (gw1, gb1, gw2, gb2), ms):
                s_ *= rho
                s_ += (1 - rho) * g * g
                w -= lr * g / np.sqrt(s_ + eps)
        seconds = time.perf_counter() - t0
        best = seconds if best is None else min(best, seconds)
        epochs.append({'seconds': seconds, 'loss': total_loss / steps, 'accuracy': correct / n})
        print(f'epoch {epoch + 1}: {seconds:.3f} s  loss {total_loss / steps:.4f}  accuracy {correct / n:.4f}')
    # The same epoch's matmuls alone (same shapes and count).
    xb = x[:args.batch].copy()
    h = np.maximum(xb @ w1, 0)
    dz = np.random.default_rng(1).standard_normal((args.batch, 10)).astype(np.float32)
    dh = np.random.default_rng(2).standard_normal((args.batch, 512)).astype(np.float32)
    mm_best = None
    for _ in range(2):
        t0 = time.perf_counter()
        for _ in range(steps):
            a = xb @ w1
            b = h @ w2
            c = h.T @ dz
            d = dz @ w2.T
            e = xb.T @ dh
        sec = time.perf_counter() - t0
        mm_best = sec if mm_best is None else min(mm_best, sec)
    print(f'numpy {np.__version__}, threads {os.environ.get("OPENBLAS_NUM_THREADS", "default")}: best epoch {best:.3f} s; '
          f'its matmuls alone {mm_best:.3f} s ({5 * steps} matmuls, {2 * steps * 128 * (784 * 512 * 2 + 512 * 10 * 3) / mm_best / 1e9:.0f} GFLOP/s)')
    if args.json:
        try:
            blas = np.__config__.CONFIG['Build Dependencies']['blas']
            blas = f"{blas.get('name')} {blas.get('version')}"
        except (AttributeError, KeyError, TypeError):
            blas = 'unknown'
        print(json.dumps({'numpy': np.__version__, 'blas': blas, 'threads': os.environ.get('OPENBLAS_NUM_THREADS'),
                          'epochs': epochs, 'bestEpochSeconds': best, 'matmulSeconds': mm_best}))


if __name__ == '__main__':
    main()

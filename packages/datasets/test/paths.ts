/**
 * Where the real MNIST files are: shared/datasets/mnist beside the repository (this file sits in
 * packages/datasets/test, four levels below the folder that holds both). The one place that says so.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_MNIST_DIR = fileURLToPath(new URL('../../../../shared/datasets/mnist', import.meta.url));

/** Fails with a clear message (rather than skipping) when the shared files are missing. */
export function sharedMnistDir(): string {
  if (!existsSync(`${SHARED_MNIST_DIR}/train-images-idx3-ubyte.gz`)) {
    throw new Error(`the real MNIST files are expected in ${SHARED_MNIST_DIR} (shared/datasets/mnist beside the repository)`);
  }
  return SHARED_MNIST_DIR;
}

/** Debian's dataset-fashion-mnist installs here; tests that need it skip when it is absent. */
export const DEBIAN_FASHION_DIR = '/usr/share/datasets/fashion-mnist';
export const hasDebianFashion = existsSync(`${DEBIAN_FASHION_DIR}/train-images-idx3-ubyte.gz`);

/**
 * What the datasets are: file names, sizes and SHA-256 checksums, class names, public mirrors.
 * Pure data, shared by the Node and browser entries.
 */

/** One of the four files of an MNIST-format dataset. */
export interface DatasetFileInfo {
  /** `'train'` or `'test'`. */
  readonly split: 'train' | 'test';
  /** `'images'` or `'labels'`. */
  readonly kind: 'images' | 'labels';
  /** The uncompressed file's name, e.g. `train-images-idx3-ubyte` (the official download adds `.gz`). */
  readonly name: string;
  /** The official `.gz` file: size in bytes and SHA-256 (lowercase hex). */
  readonly gz: { readonly bytes: number; readonly sha256: string };
  /** The decompressed IDX file: size in bytes and SHA-256 (lowercase hex). */
  readonly raw: { readonly bytes: number; readonly sha256: string };
}

/** A dataset's description: what `mnist` and `fashionMnist` carry besides `loadData`. */
export interface DatasetInfo {
  /** `'mnist'` or `'fashion-mnist'`; also the directory name under data and cache directories. */
  readonly name: 'mnist' | 'fashion-mnist';
  /** Human-readable name. */
  readonly title: string;
  /** Class names by label (index 0-9). */
  readonly classNames: readonly string[];
  /** Each image's `[rows, cols]`. */
  readonly imageShape: readonly [number, number];
  /** The four files, train images / train labels / test images / test labels. */
  readonly files: readonly DatasetFileInfo[];
  /** Base URLs of the public mirrors, tried in this order (each serves `<name>.gz`). */
  readonly mirrors: readonly string[];
  /** Who holds the data and under which license. */
  readonly license: string;
}

/*
 * MNIST: sizes and SHA-256s of the four official files, .gz and decompressed, and the mirrors,
 * copied from the repository's shared/datasets/mnist/README.md. There: the .gz MD5s match
 * torchvision's `torchvision/datasets/mnist.py`, the .gz sizes and SHA-256s match TensorFlow
 * Datasets' `url_checksums/mnist.txt`, and the decompressed checksums match the values public
 * projects publish for the raw IDX files.
 */
export const MNIST: DatasetInfo = {
  name: 'mnist',
  title: 'MNIST',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  imageShape: [28, 28],
  files: [
    {
      split: 'train', kind: 'images', name: 'train-images-idx3-ubyte',
      gz: { bytes: 9_912_422, sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
      raw: { bytes: 47_040_016, sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
    },
    {
      split: 'train', kind: 'labels', name: 'train-labels-idx1-ubyte',
      gz: { bytes: 28_881, sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
      raw: { bytes: 60_008, sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
    },
    {
      split: 'test', kind: 'images', name: 't10k-images-idx3-ubyte',
      gz: { bytes: 1_648_877, sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
      raw: { bytes: 7_840_016, sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
    },
    {
      split: 'test', kind: 'labels', name: 't10k-labels-idx1-ubyte',
      gz: { bytes: 4_542, sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
      raw: { bytes: 10_008, sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
    },
  ],
  mirrors: [
    'https://ossci-datasets.s3.amazonaws.com/mnist/', // torchvision's mirror
    'https://storage.googleapis.com/cvdf-datasets/mnist/', // TensorFlow Datasets' (CVDF) mirror
    'http://yann.lecun.com/exdb/mnist/', // the original site (often refuses downloads now)
  ],
  license: 'Yann LeCun and Corinna Cortes; CC BY-SA 3.0',
};

/*
 * Fashion-MNIST (Zalando Research, https://github.com/zalandoresearch/fashion-mnist):
 * - .gz sizes and SHA-256s: TensorFlow Datasets' `url_checksums/fashion_mnist.txt`, which many
 *   projects copy; the same files have the MD5s in the dataset's README (8d4fb7e6..., 25c81989...,
 *   bef4ecab..., bb300cfd...) that torchvision checks.
 * - decompressed SHA-256s: computed from Debian's `dataset-fashion-mnist` package (0.0~git20200523
 *   .55506a9-1), and equal to the values independent projects publish for the official files. The
 *   package's .gz files are NOT byte-identical to the official ones (its build rewrote the gzip
 *   headers: no file name, mtime 2020-06-05; each is shorter by exactly the name's length), which
 *   is why files on disk are accepted when either checksum matches.
 * Mirrors: Zalando's S3 bucket (torchvision), the GitHub repository's data/fashion directory, and
 * the copy Keras downloads.
 */
export const FASHION_MNIST: DatasetInfo = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  imageShape: [28, 28],
  files: [
    {
      split: 'train', kind: 'images', name: 'train-images-idx3-ubyte',
      gz: { bytes: 26_421_880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
      raw: { bytes: 47_040_016, sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
    },
    {
      split: 'train', kind: 'labels', name: 'train-labels-idx1-ubyte',
      gz: { bytes: 29_515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
      raw: { bytes: 60_008, sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
    },
    {
      split: 'test', kind: 'images', name: 't10k-images-idx3-ubyte',
      gz: { bytes: 4_422_102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
      raw: { bytes: 7_840_016, sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
    },
    {
      split: 'test', kind: 'labels', name: 't10k-labels-idx1-ubyte',
      gz: { bytes: 5_148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
      raw: { bytes: 10_008, sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
    },
  ],
  mirrors: [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', // Zalando's bucket (torchvision)
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/', // the repository
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/', // the copy Keras downloads
  ],
  license: 'Zalando SE; MIT',
};

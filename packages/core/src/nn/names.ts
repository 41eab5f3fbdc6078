/** Keras-style names: a snake_case form of what users type, and unique layer names. */

/** `sparseCategoricalCrossentropy` and `sparse_categorical_crossentropy` both become the latter. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const used = new Map<string, number>();

/** `dense`, then `dense_1`, `dense_2`, ... as Keras names layers. */
export function uniqueName(base: string): string {
  const count = used.get(base) ?? 0;
  used.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

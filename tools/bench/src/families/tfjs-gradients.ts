/**
 * TensorFlow.js' gradient functions. `@tensorflow/tfjs-core` ships them only as ES modules meant for
 * bundlers (`dist/register_all_gradients`); its Node build does not register them (the union package
 * `@tensorflow/tfjs` does, which this tool does not depend on). tsup bundles this module and what it
 * imports into a chunk of the bench; it must be imported after `@tensorflow/tfjs-core` itself. The
 * gradients register in tfjs' global gradient registry and run their ops through tfjs' global
 * engine, so they use the same backend and memory accounting as everything else.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';

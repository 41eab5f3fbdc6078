/**
 * The Python / NumPy / TensorFlow / IPython printing helpers. The NumPy cases were produced by
 * NumPy 2.4.6 (`str(a)` and `repr(a)` with default print options) and pasted here; the
 * TensorFlow reprs are the notebook's own printed outputs (seed file, cells 35 and 38), rebuilt
 * from the values they show.
 */
import { describe, expect, it } from 'vitest';
import { ipythonList, npRepr, npStr, pyFixed, pyFloat, pyInt, pyPrint, pyShape, tfRepr, type ArrayValues } from '../src/pyformat.js';

// Generated with NumPy 2.4.6 (int64 arrays appear as int32: TensorKit's int32 stands for NumPy's default int).
const VALUES_arange30 = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0];
const VALUES_arange30_f32_div7 = [0.0, 0.1428571492433548, 0.2857142984867096, 0.4285714328289032, 0.5714285969734192, 0.7142857313156128, 0.8571428656578064, 1.0, 1.1428571939468384, 1.2857142686843872, 1.4285714626312256, 1.5714285373687744, 1.7142857313156128, 1.8571428060531616, 2.0, 2.142857074737549, 2.2857143878936768, 2.4285714626312256, 2.5714285373687744, 2.7142856121063232, 2.857142925262451, 3.0, 3.142857074737549, 3.2857143878936768, 3.4285714626312256, 3.5714285373687744, 3.7142856121063232, 3.857142925262451, 4.0, 4.142857074737549];
const VALUES_cell35_gradW = [0.38438498973846436, 0.38438498973846436, 1.4284032583236694, 1.4284032583236694];
const VALUES_exp = [1e-05, 100000.0];
const VALUES_nonfinite = [NaN, 1.5, -Infinity];
const VALUES_bools = [1, 0, 1];
const VALUES_summarised = Array.from({ length: 2000 }, (_, i) => i);
const VALUES_int3d = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const VALUES_empty: number[] = [];
const VALUES_zero_d = [2.5];
const VALUES_zero_d_f32 = [2.0];
const VALUES_neg_f32 = [-1.5, 2.25, 100.125];
const VALUES_dtype_newline = [0.25, 1.25, 2.25, 3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 9.25, 10.25, 11.25, 12.25, 13.25, 14.25, 15.25];
const VALUES_dtype_newline2 = [0.0, 1000.5, 2001.0, 3001.5, 4002.0, 5002.5, 6003.0, 7003.5, 8004.0, 9004.5, 10005.0];
const VALUES_f32_3d = [0.0, 0.3333333432674408, 0.6666666865348816, 1.0, 1.3333333730697632, 1.6666666269302368, 2.0, 2.3333332538604736, 2.6666667461395264, 3.0, 3.3333332538604736, 3.6666667461395264, 4.0, 4.333333492279053, 4.666666507720947, 5.0, 5.333333492279053, 5.666666507720947, 6.0, 6.333333492279053, 6.666666507720947, 7.0, 7.333333492279053, 7.666666507720947];
const VALUES_col = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
const CASES: Record<string, ArrayValues & { str: string; repr: string }> = {
  arange30: { shape: [30], dtype: 'float64', values: VALUES_arange30, str: "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.]", repr: "array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n       26., 27., 28., 29.])" },
  arange30_f32_div7: { shape: [30], dtype: 'float32', values: VALUES_arange30_f32_div7, str: "[0.         0.14285715 0.2857143  0.42857143 0.5714286  0.71428573\n 0.85714287 1.         1.1428572  1.2857143  1.4285715  1.5714285\n 1.7142857  1.8571428  2.         2.142857   2.2857144  2.4285715\n 2.5714285  2.7142856  2.857143   3.         3.142857   3.2857144\n 3.4285715  3.5714285  3.7142856  3.857143   4.         4.142857  ]", repr: "array([0.        , 0.14285715, 0.2857143 , 0.42857143, 0.5714286 ,\n       0.71428573, 0.85714287, 1.        , 1.1428572 , 1.2857143 ,\n       1.4285715 , 1.5714285 , 1.7142857 , 1.8571428 , 2.        ,\n       2.142857  , 2.2857144 , 2.4285715 , 2.5714285 , 2.7142856 ,\n       2.857143  , 3.        , 3.142857  , 3.2857144 , 3.4285715 ,\n       3.5714285 , 3.7142856 , 3.857143  , 4.        , 4.142857  ],\n      dtype=float32)" },
  cell35_gradW: { shape: [2, 2], dtype: 'float32', values: VALUES_cell35_gradW, str: "[[0.384385  0.384385 ]\n [1.4284033 1.4284033]]", repr: "array([[0.384385 , 0.384385 ],\n       [1.4284033, 1.4284033]], dtype=float32)" },
  exp: { shape: [2], dtype: 'float64', values: VALUES_exp, str: "[1.e-05 1.e+05]", repr: "array([1.e-05, 1.e+05])" },
  nonfinite: { shape: [3], dtype: 'float64', values: VALUES_nonfinite, str: "[ nan  1.5 -inf]", repr: "array([ nan,  1.5, -inf])" },
  bools: { shape: [3], dtype: 'bool', values: VALUES_bools, str: "[ True False  True]", repr: "array([ True, False,  True])" },
  summarised: { shape: [40, 50], dtype: 'float64', values: VALUES_summarised, str: "[[0.000e+00 1.000e+00 2.000e+00 ... 4.700e+01 4.800e+01 4.900e+01]\n [5.000e+01 5.100e+01 5.200e+01 ... 9.700e+01 9.800e+01 9.900e+01]\n [1.000e+02 1.010e+02 1.020e+02 ... 1.470e+02 1.480e+02 1.490e+02]\n ...\n [1.850e+03 1.851e+03 1.852e+03 ... 1.897e+03 1.898e+03 1.899e+03]\n [1.900e+03 1.901e+03 1.902e+03 ... 1.947e+03 1.948e+03 1.949e+03]\n [1.950e+03 1.951e+03 1.952e+03 ... 1.997e+03 1.998e+03 1.999e+03]]", repr: "array([[0.000e+00, 1.000e+00, 2.000e+00, ..., 4.700e+01, 4.800e+01,\n        4.900e+01],\n       [5.000e+01, 5.100e+01, 5.200e+01, ..., 9.700e+01, 9.800e+01,\n        9.900e+01],\n       [1.000e+02, 1.010e+02, 1.020e+02, ..., 1.470e+02, 1.480e+02,\n        1.490e+02],\n       ...,\n       [1.850e+03, 1.851e+03, 1.852e+03, ..., 1.897e+03, 1.898e+03,\n        1.899e+03],\n       [1.900e+03, 1.901e+03, 1.902e+03, ..., 1.947e+03, 1.948e+03,\n        1.949e+03],\n       [1.950e+03, 1.951e+03, 1.952e+03, ..., 1.997e+03, 1.998e+03,\n        1.999e+03]], shape=(40, 50))" },
  int3d: { shape: [2, 2, 3], dtype: 'int32', values: VALUES_int3d, str: "[[[ 0  1  2]\n  [ 3  4  5]]\n\n [[ 6  7  8]\n  [ 9 10 11]]]", repr: "array([[[ 0,  1,  2],\n        [ 3,  4,  5]],\n\n       [[ 6,  7,  8],\n        [ 9, 10, 11]]])" },
  empty: { shape: [0], dtype: 'float64', values: VALUES_empty, str: "[]", repr: "array([], dtype=float64)" },
  zero_d: { shape: [], dtype: 'float64', values: VALUES_zero_d, str: "2.5", repr: "array(2.5)" },
  zero_d_f32: { shape: [], dtype: 'float32', values: VALUES_zero_d_f32, str: "2.0", repr: "array(2., dtype=float32)" },
  neg_f32: { shape: [3], dtype: 'float32', values: VALUES_neg_f32, str: "[ -1.5     2.25  100.125]", repr: "array([ -1.5  ,   2.25 , 100.125], dtype=float32)" },
  dtype_newline: { shape: [16], dtype: 'float32', values: VALUES_dtype_newline, str: "[ 0.25  1.25  2.25  3.25  4.25  5.25  6.25  7.25  8.25  9.25 10.25 11.25\n 12.25 13.25 14.25 15.25]", repr: "array([ 0.25,  1.25,  2.25,  3.25,  4.25,  5.25,  6.25,  7.25,  8.25,\n        9.25, 10.25, 11.25, 12.25, 13.25, 14.25, 15.25], dtype=float32)" },
  dtype_newline2: { shape: [11], dtype: 'float32', values: VALUES_dtype_newline2, str: "[    0.   1000.5  2001.   3001.5  4002.   5002.5  6003.   7003.5  8004.\n  9004.5 10005. ]", repr: "array([    0. ,  1000.5,  2001. ,  3001.5,  4002. ,  5002.5,  6003. ,\n        7003.5,  8004. ,  9004.5, 10005. ], dtype=float32)" },
  f32_3d: { shape: [2, 3, 4], dtype: 'float32', values: VALUES_f32_3d, str: "[[[0.         0.33333334 0.6666667  1.        ]\n  [1.3333334  1.6666666  2.         2.3333333 ]\n  [2.6666667  3.         3.3333333  3.6666667 ]]\n\n [[4.         4.3333335  4.6666665  5.        ]\n  [5.3333335  5.6666665  6.         6.3333335 ]\n  [6.6666665  7.         7.3333335  7.6666665 ]]]", repr: "array([[[0.        , 0.33333334, 0.6666667 , 1.        ],\n        [1.3333334 , 1.6666666 , 2.        , 2.3333333 ],\n        [2.6666667 , 3.        , 3.3333333 , 3.6666667 ]],\n\n       [[4.        , 4.3333335 , 4.6666665 , 5.        ],\n        [5.3333335 , 5.6666665 , 6.        , 6.3333335 ],\n        [6.6666665 , 7.        , 7.3333335 , 7.6666665 ]]], dtype=float32)" },
  col: { shape: [6, 1], dtype: 'float64', values: VALUES_col, str: "[[0.]\n [1.]\n [2.]\n [3.]\n [4.]\n [5.]]", repr: "array([[0.],\n       [1.],\n       [2.],\n       [3.],\n       [4.],\n       [5.]])" },
};

describe('NumPy printing', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`repr and str of ${name} are NumPy's`, () => {
      expect(npRepr(c)).toBe(c.repr);
      expect(npStr(c)).toBe(c.str);
    });
  }
});

describe('TensorFlow and IPython printing', () => {
  const f32 = (values: number[], shape: number[]): ArrayValues => ({ values: Float32Array.from(values), shape, dtype: 'float32' });

  it('rebuilds the notebook\'s In [35] output from its values', () => {
    const text = ipythonList([tfRepr(f32([0.384385, 0.384385, 1.4284033, 1.4284033], [2, 2])), tfRepr(f32([2, 2], [2]))]);
    // Copied from the notebook (In [35]).
    expect(text).toBe(
      [
        '[<tf.Tensor: shape=(2, 2), dtype=float32, numpy=',
        ' array([[0.384385 , 0.384385 ],',
        '        [1.4284033, 1.4284033]], dtype=float32)>,',
        ' <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 2.], dtype=float32)>]',
      ].join('\n'),
    );
  });

  it('rebuilds the notebook\'s In [38] output from its values', () => {
    const gradW = f32([23.65624, 35.195885, 94.62496, 140.78354, 70.96872, 105.587654], [3, 2]);
    const text = ipythonList([tfRepr(gradW), tfRepr(f32([23.65624, 35.195885], [2]))]);
    // Copied from the notebook (In [38]).
    expect(text).toBe(
      [
        '[<tf.Tensor: shape=(3, 2), dtype=float32, numpy=',
        ' array([[ 23.65624 ,  35.195885],',
        '        [ 94.62496 , 140.78354 ],',
        '        [ 70.96872 , 105.587654]], dtype=float32)>,',
        ' <tf.Tensor: shape=(2,), dtype=float32, numpy=array([23.65624 , 35.195885], dtype=float32)>]',
      ].join('\n'),
    );
  });

  it('prints scalars and short lists on one line', () => {
    expect(tfRepr(f32([2], []))).toBe('<tf.Tensor: shape=(), dtype=float32, numpy=2.0>');
    expect(ipythonList(['1', '2'])).toBe('[1, 2]');
  });
});

describe('Python printing', () => {
  it('prints floats as Python does', () => {
    expect(pyFloat(130)).toBe('130.0');
    expect(pyFloat(0.1)).toBe('0.1');
    expect(pyFloat(1e-5)).toBe('1e-05');
    expect(pyFloat(1e16)).toBe('1e+16');
    expect(pyFloat(123456789.5)).toBe('123456789.5');
    expect(pyFloat(-0)).toBe('-0.0');
  });

  it('formats {x:.2f} as Python does, ties to even on the exact binary value', () => {
    expect(pyFixed(0.125, 2)).toBe('0.12'); // toFixed says 0.13
    expect(pyFixed(0.375, 2)).toBe('0.38');
    expect(pyFixed(2.675, 2)).toBe('2.67'); // 2.67499999... in binary
    expect(pyFixed(5.7749, 2)).toBe('5.77');
    expect(pyFixed(0.9999, 2)).toBe('1.00');
    expect(pyFixed(-0.001, 2)).toBe('-0.00');
    expect(pyFixed(1234.5, 0)).toBe('1234');
    expect(pyFixed(0.015, 2)).toBe('0.01'); // 0.01499999... in binary
    expect(pyFixed(Math.fround(0.4440), 4)).toBe('0.4440');
  });

  it('prints tuples, ints and print() arguments as Python does', () => {
    expect(pyShape([2, 4])).toBe('(2, 4)');
    expect(pyShape([4])).toBe('(4,)');
    expect(pyShape([])).toBe('()');
    expect(pyInt(130)).toBe('130');
    expect(() => pyInt(1.5)).toThrow(RangeError);
    expect(pyPrint('(4,)', '[10 10 10 10]')).toBe('(4,) [10 10 10 10]');
  });
});

/**
 * Just enough linear algebra for least squares: symmetric positive definite
 * systems (XᵀWX) solved and inverted through the Cholesky factor. Matrices
 * are square, row-major Float64Arrays of size n × n.
 */

/** Thrown when the model's terms are collinear (or a term has no data), so its coefficients are not identified. */
export class SingularMatrixError extends RangeError {
  constructor(column: number) {
    super(`the model cannot be fitted: term ${column} is collinear with the others or has no data`);
  }
}

/** The lower-triangular L with A = LLᵀ (A is not changed). */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + i]));
  // A pivot this small relative to the largest diagonal means a (numerically) dependent column.
  const floor = scale * 1e-13;
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > floor)) throw new SingularMatrixError(j);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves LLᵀx = b for x. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** A⁻¹ = L⁻ᵀL⁻¹ from A's Cholesky factor L: about p³/3 operations. */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  // M = L⁻¹, lower triangular, column by column.
  const m = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    m[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k] * m[k * n + j];
      m[i * n + j] = s / l[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += m[k * n + i] * m[k * n + j];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

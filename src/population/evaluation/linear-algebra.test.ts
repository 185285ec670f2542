import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverse, choleskySolve, SingularMatrixError } from './linear-algebra.js';

describe('Cholesky', () => {
  // A = BᵀB + I for a fixed B: symmetric positive definite.
  const n = 6;
  const b = Array.from({ length: n * n }, (_, i) => Math.sin(i + 1));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[k * n + i] * b[k * n + j] + (i === j && k === 0 ? 1 : 0);

  it('factors, solves and inverts a positive definite matrix', () => {
    const l = cholesky(a, n);
    const x = choleskySolve(l, n, [1, 2, 3, 4, 5, 6]);
    for (let i = 0; i < n; i++) expect([...a.slice(i * n, i * n + n)].reduce((s, v, j) => s + v * x[j], 0)).toBeCloseTo(i + 1, 9);
    const inv = choleskyInverse(l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
  });

  it('refuses a singular matrix, naming the dependent term', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 4]), 2)).toThrow(SingularMatrixError);
    expect(() => cholesky(Float64Array.from([1, 2, 2, 4]), 2)).toThrow(/term 1 is collinear/);
  });
});

import { performance } from 'node:perf_hooks';

/** A duration as the bench prints it: whole milliseconds unless asked for more. */
export const ms = (n: number, decimals = 0) => `${n.toFixed(decimals)} ms`;

/** Runs `work` and says how long it took, in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

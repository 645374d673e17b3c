/**
 * Values made by a read or a render and kept for a few seconds by key, so that work repeated for
 * several recipients of the same thing is done once. A failure is not kept. Small and short-lived
 * by design: it is cleared whenever it would hold more than `most`.
 */
export function keptBriefly<T>(keepMs: number, most = 200): { get(key: string, make: () => Promise<T>): Promise<T> } {
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key, make) {
      const now = Date.now();
      const found = kept.get(key);
      if (found && now - found.at < keepMs) return found.value;
      if (kept.size >= most) kept.clear();
      const value = make();
      kept.set(key, { at: now, value });
      value.catch(() => {
        if (kept.get(key)?.value === value) kept.delete(key);
      });
      return value;
    },
  };
}

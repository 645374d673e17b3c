import type { TableClient } from '@azure/data-tables';
import { getOrUndefined, isConflict, isStale } from './tables.js';

/** How many numbers an instance takes from the shared counter at a time. */
export const DEFAULT_BLOCK_SIZE = 20;

type Block = { next: number; end: number };

/**
 * Sequence numbers (concern references) that stay unique across instances. One ETag-guarded row
 * per counter would make every raise wait on the same hot row under a burst, so each instance
 * reserves a block of numbers with one guarded increment and hands them out from memory.
 * Numbers left in a block when an instance stops are never used: references can have gaps,
 * never repeats. Within one instance they rise in order; across instances they interleave.
 */
export class CounterStore {
  private readonly blocks = new Map<string, Block>();
  /** One reservation at a time per counter in this process: the others wait for its block. */
  private readonly reserving = new Map<string, Promise<void>>();

  constructor(
    private readonly table: TableClient,
    private readonly blockSize = DEFAULT_BLOCK_SIZE,
  ) {}

  async next(name: string, scope: string): Promise<number> {
    const key = `${name}|${scope}`;
    for (;;) {
      const block = this.blocks.get(key);
      if (block && block.next <= block.end) return block.next++;
      const pending = this.reserving.get(key) ?? this.reserve(key, name, scope);
      await pending;
    }
  }

  private reserve(key: string, name: string, scope: string): Promise<void> {
    const reservation = this.reserveBlock(name, scope)
      .then((block) => void this.blocks.set(key, block))
      .finally(() => this.reserving.delete(key));
    this.reserving.set(key, reservation);
    return reservation;
  }

  /** Takes the next `blockSize` numbers from the shared row; only other instances can make this retry. */
  private async reserveBlock(name: string, scope: string): Promise<Block> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await getOrUndefined<{ value: number }>(this.table, name, scope);
      const start = (current?.value ?? 0) + 1;
      const end = start + this.blockSize - 1;
      try {
        if (!current) await this.table.createEntity({ partitionKey: name, rowKey: scope, value: end });
        else await this.table.updateEntity({ partitionKey: name, rowKey: scope, value: end }, 'Replace', { etag: current.etag });
        return { next: start, end };
      } catch (error) {
        if (!isStale(error) && !isConflict(error)) throw error;
      }
    }
    throw new Error(`counter ${name}/${scope} is too contended`);
  }
}

import type { TableClient } from '@azure/data-tables';
import { getOrUndefined, isConflict, isStale } from './tables.js';

/** Sequence numbers (concern references) that stay unique across instances: ETag-guarded increments. */
export class CounterStore {
  constructor(private readonly table: TableClient) {}

  async next(name: string, scope: string): Promise<number> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await getOrUndefined<{ value: number }>(this.table, name, scope);
      try {
        if (!current) {
          await this.table.createEntity({ partitionKey: name, rowKey: scope, value: 1 });
          return 1;
        }
        await this.table.updateEntity({ partitionKey: name, rowKey: scope, value: current.value + 1 }, 'Replace', { etag: current.etag });
        return current.value + 1;
      } catch (error) {
        if (!isStale(error) && !isConflict(error)) throw error;
      }
    }
    throw new Error(`counter ${name}/${scope} is too contended`);
  }
}

import { DeliveryError } from './delivery.js';

/**
 * A send's result, or a DeliveryError once it has taken longer than `timeoutMs` (it is abandoned
 * and retried), or the rejection of `abandoned` (the app is stopping), whichever comes first.
 */
export async function withinTimeout<T>(work: Promise<T>, timeoutMs: number, abandoned: Promise<never>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError('send timed out', undefined)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout, abandoned]);
  } finally {
    clearTimeout(timer);
  }
}

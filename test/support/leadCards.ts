import { randomUUID } from 'node:crypto';
import { actionsOf, findAction } from './cards.js';
import { cardOf, personalConversation, validIntake, waitFor, type Card, type TestWorld } from './harness.js';

/**
 * Raises a concern as staff (with `intake` over a valid adult intake) and returns its id and the
 * card the first Modern Slavery Lead received.
 */
export async function raiseForLead(world: TestWorld, intake: Record<string, unknown> = {}): Promise<{ id: string; card: Card }> {
  const id = randomUUID();
  await world.teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake(intake) });
  const sent = await waitFor(
    () =>
      world.connector
        .sentTo(personalConversation('lead'))
        .find((c) => actionsOf(c.body).some((a) => (a.data as { concernId?: string } | undefined)?.concernId === id)),
    'the lead card',
  );
  return { id, card: cardOf(sent.body) };
}

/** The data a button carries, found by its title as a person presses it. */
export function buttonData(card: Card, ...titles: [string, ...string[]]): Record<string, unknown> {
  return findAction(card, ...titles).data as Record<string, unknown>;
}

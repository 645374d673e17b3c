import assert from 'node:assert/strict';
import { strategyContentSchema } from '../../src/domain/templates.js';

describe('strategy limits', () => {
  it('when every section is within its limit but the whole is too big for a card in non-Latin script, then it is refused with a clear message', () => {
    const sections = Object.fromEntries(['pursue', 'prevent', 'protect', 'prepare', 'partnership'].map((id) => [id, 'あ'.repeat(1900)]));
    const parsed = strategyContentSchema.safeParse(sections);
    assert.ok(!parsed.success);
    assert.match(parsed.error.issues[0]!.message, /too long to show on one Teams card/);
    assert.ok(strategyContentSchema.safeParse({ ...sections, prevent: '', protect: '', prepare: '' }).success);
  });
});

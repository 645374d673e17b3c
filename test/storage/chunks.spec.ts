import assert from 'node:assert/strict';
import { joinFromProperties, splitIntoProperties } from '../../src/storage/chunks.js';

describe('long text in Table storage properties', () => {
  it('when text is longer than one property holds, then it is split at code point boundaries and joins back whole', () => {
    const text = `${'a'.repeat(29_999)}😀${'é'.repeat(40_000)}`;
    const properties = splitIntoProperties('content', text);
    assert.equal(properties.contentChunks, 3);
    for (let i = 0; i < 3; i++) assert.ok(String(properties[`content_${i}`]).length <= 30_000);
    assert.ok(!String(properties.content_0).endsWith('\ud83d'), 'a surrogate pair is never split');
    assert.equal(joinFromProperties('content', properties), text);
  });

  it('when a stored part is missing, then reading fails loudly instead of returning cut text', () => {
    const properties = splitIntoProperties('content', 'x'.repeat(70_000));
    delete properties.content_1;
    assert.throws(() => joinFromProperties('content', properties), /missing part 1 of 3/);
  });
});

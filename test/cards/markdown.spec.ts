import assert from 'node:assert/strict';
import { escapeMarkdown } from '../../src/cards/markdown.js';

describe('Markdown escaping of user text', () => {
  it('when text has link, emphasis or list syntax, then none of it can render as formatting', () => {
    const escaped = escapeMarkdown('[click](http://evil.example) **bold** _it_\n- item\n1. first');
    assert.ok(!/(^|[^\\])\[/.test(escaped), 'brackets escaped');
    assert.ok(!/(^|[^\\])\*/.test(escaped), 'asterisks escaped');
    assert.match(escaped, /http\u200B:/, 'bare address broken');
    assert.match(escaped, /\n\n\\- item/);
    assert.match(escaped, /\n\n1\\\./);
  });
  it('when text is ordinary, then it reads as typed', () => {
    assert.equal(escapeMarkdown("He said (twice) it's 5 o'clock."), "He said (twice) it's 5 o'clock.");
  });
});

import assert from 'node:assert/strict';
import { diffLines } from '../../src/domain/diff.js';

describe('comparing versions', () => {
  it('when one line changes, then it shows as removed and added, the rest as kept', () => {
    assert.deepEqual(diffLines('a\nb\nc', 'a\nB\nc'), [
      { change: 'same', text: 'a' },
      { change: 'removed', text: 'b' },
      { change: 'added', text: 'B' },
      { change: 'same', text: 'c' },
    ]);
    assert.deepEqual(diffLines('', 'new'), [{ change: 'added', text: 'new' }]);
  });
});

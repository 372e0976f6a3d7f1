import { pageJson, pageJsonBytes } from './upsert-statements';

describe('pageJson', () => {
  it('serialises clean rows exactly as JSON.stringify does', () => {
    const rows = [{ id: 1, body: 'héllo 😀', tags: ['a', 'b'], payload: { n: null, deep: { s: 'x' } } }];
    expect(pageJson(rows)).toBe(JSON.stringify(rows));
  });

  it('removes NUL characters from every string value a row holds (PostgreSQL text and jsonb refuse them)', () => {
    // Keys are column names or payload keys storablePayload cleaned already: only values are rewritten here.
    const rows = [
      { id: 1, body: 'a\u0000b' },
      { id: 2, payload: { k: ['\u0000', 'c', { d: 'e\u0000' }] } },
    ];
    const json = pageJson(rows);
    expect(json).not.toContain('\\u0000');
    expect(JSON.parse(json)).toEqual([
      { id: 1, body: 'ab' },
      { id: 2, payload: { k: ['', 'c', { d: 'e' }] } },
    ]);
  });

  it('keeps the six characters "\\u0000" a customer typed (only the NUL character goes)', () => {
    const rows = [{ body: 'typed \\u0000 here' }, { body: 'real \u0000 nul' }];
    expect(JSON.parse(pageJson(rows))).toEqual([{ body: 'typed \\u0000 here' }, { body: 'real  nul' }]);
  });

  it('gives the bytes of the rows without the array brackets, as UTF-8', () => {
    const rows = [{ a: 'é' }, { b: 1 }];
    expect(pageJsonBytes(rows).toString('utf8')).toBe('{"a":"é"},{"b":1}');
  });
});

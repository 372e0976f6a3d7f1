import { MAX_PAYLOAD_DEPTH, needsCut, storablePayload, storableText } from './storable-text';

describe('storableText', () => {
  it('removes NUL characters', () => {
    expect(storableText('a\u0000b\u0000')).toBe('ab');
  });

  it('replaces lone surrogates (half an emoji) and keeps whole pairs', () => {
    expect(storableText('x\udc00y')).toBe('x\uFFFDy');
    expect(storableText('x\ud83dy')).toBe('x\uFFFDy');
    expect(storableText('ok \ud83d\ude00')).toBe('ok \ud83d\ude00');
  });

  it('cuts long text without leaving half a surrogate pair', () => {
    const s = 'ab\ud83d\ude00cd';
    expect(storableText(s, 3)).toBe('ab\uFFFD');
    expect(storableText('abcdef', 4)).toBe('abcd');
    expect(needsCut('abcdef', 4)).toBe(true);
    expect(needsCut('abc', 4)).toBe(false);
    expect(needsCut(null, 4)).toBe(false);
  });

  it('yields JSON that PostgreSQL jsonb accepts (no \\u0000, no lone \\udcxx escapes)', () => {
    const json = JSON.stringify({ body: storableText('a\u0000\udc00\ud800z') });
    expect(json).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
  });
});

describe('storablePayload', () => {
  it('cleans strings at any depth, keys included, and leaves other values alone', () => {
    const out = storablePayload({ 'k\u0000': ['\udc00', { n: 1, b: true, z: null, s: 'x\u0000' }] });
    expect(out).toEqual({ k: ['\uFFFD', { n: 1, b: true, z: null, s: 'x' }] });
  });

  it('returns a clean payload as it is (no copy), and copies only what it changes', () => {
    const clean = { a: 'x', b: [1, { c: 'y' }] };
    expect(storablePayload(clean)).toBe(clean);
    const dirty = { a: 'x', b: [1, { c: 'y\u0000' }], d: { e: 'z' } };
    const out = storablePayload(dirty);
    expect(out).not.toBe(dirty);
    expect(out.d).toBe(dirty.d);
    expect(dirty.b[1]).toEqual({ c: 'y\u0000' }); // the input is left alone
  });

  it('bounds nesting depth', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_PAYLOAD_DEPTH + 5; i++) deep = { d: deep };
    const text = JSON.stringify(storablePayload(deep));
    expect(text).not.toContain('leaf');
    expect(text.split('{').length - 1).toBe(MAX_PAYLOAD_DEPTH);
  });
});

describe('storablePayload copies from the first change on', () => {
  it('keeps the keys in their order and the untouched values shared when a later key changes', () => {
    const first = { x: 1 };
    const value = { a: first, b: 'ok', c: 'bad\u0000', d: [1, 2] };
    const out = storablePayload(value);
    expect(Object.keys(out)).toEqual(['a', 'b', 'c', 'd']);
    expect(out).toEqual({ a: { x: 1 }, b: 'ok', c: 'bad', d: [1, 2] });
    expect(out.a).toBe(first);
    expect(out.d).toBe(value.d);
  });

  it('copies an array from the first item that changes, keeping the items before it', () => {
    const kept = { k: 'v' };
    const value = [kept, 'fine', '\udc00', 'after'];
    const out = storablePayload(value);
    expect(out).toEqual([{ k: 'v' }, 'fine', '\uFFFD', 'after']);
    expect(out).not.toBe(value);
    expect(out[0]).toBe(kept);
    expect(value[2]).toBe('\udc00');
  });
});

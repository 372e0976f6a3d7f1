import { parseOriginList } from '../config/origin-list';
import { OriginPolicy } from './origin-policy';

describe('OriginPolicy', () => {
  const policy = new OriginPolicy(parseOriginList(' https://Portal.Example.com:443 , http://localhost:5173'));

  it('normalises the allowlist as browsers send Origin', () => {
    expect(parseOriginList('https://Portal.Example.com:443,http://localhost:5173')).toEqual([
      'https://portal.example.com',
      'http://localhost:5173',
    ]);
    expect(parseOriginList(undefined)).toEqual([]);
  });

  it('allows listed origins and the gateway itself, refuses others', () => {
    expect(policy.allows('https://portal.example.com', 'api.example.com')).toBe(true);
    expect(policy.allows('http://localhost:5173', 'localhost:3000')).toBe(true);
    expect(policy.allows('http://localhost:3000', 'localhost:3000')).toBe(true); // the console
    expect(policy.allows('http://localhost:5174', 'localhost:3000')).toBe(false);
    expect(policy.allows('https://portal.example.com.evil.test', 'api.example.com')).toBe(false);
    expect(policy.allows('null', 'localhost:3000')).toBe(false);
  });

  it('leaves requests without Origin (servers, curl) alone', () => {
    expect(policy.allows(undefined, 'localhost:3000')).toBe(true);
  });
});

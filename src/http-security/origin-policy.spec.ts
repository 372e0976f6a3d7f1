import { ownOrigins, parseOriginList } from '../config/origin-list';
import { OriginPolicy } from './origin-policy';

describe('OriginPolicy', () => {
  const listed = parseOriginList(' https://Portal.Example.com:443 , http://localhost:5173');
  const production = new OriginPolicy({ origins: ownOrigins(listed, 'https://sync.example.com/base'), loopbackOnOwnPort: false });
  const development = new OriginPolicy({ origins: listed, loopbackOnOwnPort: true });

  it('normalises the allowlist as browsers send Origin', () => {
    expect(parseOriginList('https://Portal.Example.com:443,http://localhost:5173')).toEqual([
      'https://portal.example.com',
      'http://localhost:5173',
    ]);
    expect(parseOriginList(undefined)).toEqual([]);
  });

  it('allows listed origins and the public address (the console behind it), refuses others', () => {
    expect(production.allows('https://portal.example.com', 3000)).toBe(true);
    expect(production.allows('http://localhost:5173', 3000)).toBe(true);
    expect(production.allows('https://sync.example.com', 3000)).toBe(true);
    expect(production.allows('http://localhost:5174', 3000)).toBe(false);
    expect(production.allows('https://portal.example.com.evil.test', 3000)).toBe(false);
    expect(production.allows('null', 3000)).toBe(false);
  });

  it('never takes an origin for its own because it names the host the request was sent to (DNS rebinding)', () => {
    // The request carried Host: rebind.evil:4100 too; the policy does not even look at it.
    expect(development.allows('http://rebind.evil:4100', 4100)).toBe(false);
    expect(production.allows('http://rebind.evil:3000', 3000)).toBe(false);
  });

  it('in development, allows a loopback page on the port the request arrived on (the console of npm start)', () => {
    expect(development.allows('http://localhost:3000', 3000)).toBe(true);
    expect(development.allows('http://127.0.0.1:3000', 3000)).toBe(true);
    expect(development.allows('http://[::1]:3000', 3000)).toBe(true);
    expect(development.allows('http://localhost:3001', 3000)).toBe(false); // another local app
    expect(development.allows('https://localhost:3000', 3000)).toBe(false);
    expect(production.allows('http://localhost:3000', 3000)).toBe(false); // production: configure it
  });

  it('leaves requests without Origin (servers, curl) alone', () => {
    expect(production.allows(undefined, 3000)).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CROCKFORD, type Code } from '../../src/lib/domain/ids';
import { encodePayload, parsePayload, payloadOrigin, payloadPath, type PayloadKind } from '../../src/lib/qr/payload';

const code = (s: string) => s as Code;
const card = (c: string) => ({ kind: 'card' as const, code: code(c) });

describe('encodePayload', () => {
  it('writes the upper-case URL of each kind', () => {
    expect(encodePayload('http://kanban.local:3000', card('7K3M9Q'))).toBe('HTTP://KANBAN.LOCAL:3000/C/7K3M9Q');
    expect(encodePayload('https://example.org/', { kind: 'column', code: code('ABCDEFGH') })).toBe('HTTPS://EXAMPLE.ORG/L/ABCDEFGH');
    expect(encodePayload('https://example.org/team/kanban//', { kind: 'board', code: code('0123VX') })).toBe(
      'HTTPS://EXAMPLE.ORG/TEAM/KANBAN/B/0123VX'
    );
  });

  it('uses only QR alphanumeric-mode characters, so codes stay small', () => {
    expect(encodePayload('http://kanban.local:3000', card('7K3M9Q'))).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
  });

  it('has origin and path helpers that agree with it', () => {
    expect(payloadOrigin('http://Kanban.Local:3000///')).toBe('HTTP://KANBAN.LOCAL:3000');
    expect(payloadPath({ kind: 'column', code: code('ABCDEF') })).toBe('/L/ABCDEF');
    expect(payloadOrigin('http://h') + payloadPath(card('7K3M9Q'))).toBe(encodePayload('http://h', card('7K3M9Q')));
  });

  it('round-trips through parsePayload for every kind, code and origin', () => {
    const codeArb = fc.array(fc.constantFrom(...CROCKFORD), { minLength: 6, maxLength: 8 }).map((cs) => code(cs.join('')));
    const kindArb = fc.constantFrom<PayloadKind>('card', 'column', 'board');
    const originArb = fc.constantFrom(
      'http://kanban.local:3000',
      'https://example.org',
      'https://example.org/base/path/',
      'http://192.168.1.20:8080',
      'http://[fe80::1]:3000'
    );
    fc.assert(
      fc.property(originArb, kindArb, codeArb, (origin, kind, c) => {
        expect(parsePayload(encodePayload(origin, { kind, code: c }))).toEqual({ kind, code: c });
      })
    );
  });
});

describe('parsePayload: lenient about form', () => {
  const ok = (text: string, kind: PayloadKind = 'card', c = '7K3M9Q') => expect(parsePayload(text), text).toEqual({ kind, code: c });

  it('accepts any case', () => {
    ok('http://kanban.local:3000/c/7k3m9q');
    ok('Http://Kanban.Local:3000/C/7k3M9q');
    ok('HTTPS://KANBAN.LOCAL/L/ABCDEFGH', 'column', 'ABCDEFGH');
    ok('https://kanban.local/b/0123vx', 'board', '0123VX');
  });

  it('accepts a trailing slash and surrounding white space', () => {
    ok('HTTP://KANBAN.LOCAL:3000/C/7K3M9Q/');
    ok('  HTTP://KANBAN.LOCAL:3000/C/7K3M9Q\n');
  });

  it('accepts bare paths, and paths under a base path', () => {
    ok('/C/7K3M9Q');
    ok('/c/7k3m9q/');
    ok('/kanban/C/7K3M9Q');
    ok('https://example.org/team.a/kanban/C/7K3M9Q');
  });

  it('accepts host names, IPv4 and IPv6 addresses, with or without a port', () => {
    ok('http://localhost/C/7K3M9Q');
    ok('http://10.0.0.7:3000/C/7K3M9Q');
    ok('http://[::1]:3000/C/7K3M9Q');
    ok('https://my-board.example.co.uk/C/7K3M9Q');
  });
});

describe('parsePayload: strict about content', () => {
  const no = (text: string) => expect(parsePayload(text), JSON.stringify(text)).toBeNull();

  it('refuses queries and fragments', () => {
    no('HTTP://KANBAN.LOCAL/C/7K3M9Q?next=/admin');
    no('HTTP://KANBAN.LOCAL/C/7K3M9Q?');
    no('HTTP://KANBAN.LOCAL/C/7K3M9Q#x');
    no('/C/7K3M9Q#');
  });

  it('refuses other schemes, and scripts', () => {
    no('javascript:alert(1)//C/7K3M9Q');
    no('javascript://KANBAN.LOCAL/C/7K3M9Q');
    no('JAVASCRIPT:/C/7K3M9Q');
    no('data:text/html,/C/7K3M9Q');
    no('data://x/C/7K3M9Q');
    no('ftp://kanban.local/C/7K3M9Q');
    no('file:///C/7K3M9Q');
    no('HTTP:/C/7K3M9Q');
    no('//kanban.local/C/7K3M9Q');
  });

  it('refuses hosts with user info or stray characters', () => {
    no('http://kanban.local@evil.example/C/7K3M9Q');
    no('http://user:pass@kanban.local/C/7K3M9Q');
    no('http://kanban.local:port/C/7K3M9Q');
    no('http://<script>/C/7K3M9Q');
    no('http://kanban.local!/C/7K3M9Q');
    no('http://kanban..local/C/7K3M9Q');
  });

  it('refuses other paths and kinds', () => {
    no('HTTP://KANBAN.LOCAL/X/7K3M9Q');
    no('HTTP://KANBAN.LOCAL/C/7K3M9Q/EDIT');
    no('HTTP://KANBAN.LOCAL/C//7K3M9Q');
    no('HTTP://KANBAN.LOCAL/C/7K3M9Q//');
    no('HTTP://KANBAN.LOCAL/CARD/7K3M9Q');
    no('HTTP://KANBAN.LOCAL/');
    no('HTTP://KANBAN.LOCAL');
    no('7K3M9Q');
    no('');
  });

  it('refuses codes outside Crockford base32 or of the wrong length', () => {
    for (const letter of ['I', 'L', 'O', 'U', 'i', 'l', 'o', 'u']) no(`/C/7K3M9${letter}`);
    no('/C/7K3M9');
    no('/C/7K3M9QABC');
    no('/C/7K3-M9Q');
    no('/C/7K3M9_');
  });

  it('refuses white space inside and non-ASCII look-alikes', () => {
    no('HTTP://KANBAN.LOCAL/C/7K3 M9Q');
    no('HTTP://KANBAN.LOCAL/C/\t7K3M9Q');
    // 'ſ' upper-cases to 'S' and 'ı' to 'I': they must not pass as a code or a scheme.
    no('/C/7K3M9ſ');
    no('httpſ://kanban.local/C/7K3M9Q');
    no('HTTP://KANBAN.LOCAL/C/７K3M9Q');
    no('HTTP://KANBAN.LOCAL/C/7K3M9Q\u200b');
  });

  it('refuses oversized text, and does so quickly', () => {
    const long = 'A'.repeat(600);
    no(long);
    no(`HTTP://${'A'.repeat(580)}.LOCAL/C/7K3M9Q`);
    no(`/C/7K3M9Q${' '.repeat(600)}`);
    // Inputs that make a careless regex backtrack: many segments, long hosts, no match at the end.
    const adversarial = [`/${'A/'.repeat(250)}!`, `HTTP://${'A.'.repeat(240)}/C/7K3M9`, `HTTP://${'A-'.repeat(240)}/C/7K3M9`];
    for (const text of adversarial) no(text);
  });

  it('refuses values that are not strings', () => {
    expect(parsePayload(undefined as unknown as string)).toBeNull();
    expect(parsePayload(42 as unknown as string)).toBeNull();
  });
});

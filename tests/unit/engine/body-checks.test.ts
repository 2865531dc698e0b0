import { describe, expect, it } from 'vitest';
import { jsonObjectBody } from '../../helpers/engine/body-checks.ts';

const check = (text: string | Buffer) => jsonObjectBody(typeof text === 'string' ? Buffer.from(text) : text, 200);

describe('jsonObjectBody', () => {
  it('accepts a JSON object, empty or nested, with surrounding whitespace', () => {
    expect(check('{"status":"processed","ticket_id":"1000"}')).toBeNull();
    expect(check('{}')).toBeNull();
    expect(check(' \n{"a":{"b":[1,2]}}\n')).toBeNull();
  });

  it('names an empty body', () => {
    expect(check('')).toBe('empty body');
  });

  it('quotes the start of a body that is not JSON, whitespace collapsed, at most 60 characters', () => {
    expect(check('<html>\n  <body>It works!</body>\n</html>')).toBe('not JSON (<html> <body>It works!</body> </html>)');
    expect(check('{"status": proc')).toBe('not JSON ({"status": proc)');
    expect(check('   \n ')).toBe('not JSON (whitespace only)');
    const long = check(`<p>${'x'.repeat(500)}</p>`) as string;
    expect(long).toBe(`not JSON (<p>${'x'.repeat(57)}…)`);
  });

  it('refuses JSON that is not an object', () => {
    expect(check('null')).toBe('JSON null, not an object');
    expect(check('[]')).toBe('JSON array, not an object');
    expect(check('[{"a":1}]')).toBe('JSON array, not an object');
    expect(check('"ok"')).toBe('JSON string, not an object');
    expect(check('42')).toBe('JSON number, not an object');
    expect(check('true')).toBe('JSON boolean, not an object');
  });

  it('refuses bytes that are not UTF-8, even inside a JSON string', () => {
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(check(body)).toBe('not valid UTF-8');
  });
});

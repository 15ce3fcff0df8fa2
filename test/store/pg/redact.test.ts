/** Every form in which a database URL carries a secret, hidden by the one redaction. */
import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl, urlSecrets } from '../../../store/pg/redact.js';

describe('redactUrl', () => {
  it('hides the password of user:pass@ and keeps the rest readable', () => {
    expect(redactUrl('postgres://bot:s3cret-pw@db.example.com:5432/csp?sslmode=verify-full')).toBe(
      'postgres://bot:***@db.example.com:5432/csp?sslmode=verify-full',
    );
  });

  it('hides password, sslpassword, sslkey and sslcert given as query parameters, whatever their case', () => {
    const url = 'postgresql://bot@db.example.com/csp?password=p1-secret&sslmode=verify-full&sslpassword=p2-secret&sslkey=/etc/keys/bot.key&SSLCERT=/etc/keys/bot.crt&sslrootcert=/etc/ca.pem';
    expect(redactUrl(url)).toBe(
      'postgresql://bot@db.example.com/csp?password=***&sslmode=verify-full&sslpassword=***&sslkey=***&SSLCERT=***&sslrootcert=%2Fetc%2Fca.pem',
    );
  });

  it('hides any parameter whose name speaks of a pass, key, secret or token, and every copy of a repeated one', () => {
    const redacted = redactUrl('postgres://db/csp?db_pass=a1&api_key=a2&client_secret=a3&token=a4&password=a5&password=a6');
    for (const value of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) expect(redacted).not.toContain(value);
  });

  it('reads what pg reads: a password with a space or a stray %, and a URL with an empty host', () => {
    expect(redactUrl('postgres://bot:pa ss%word@db/csp')).toBe('postgres://bot:***@db/csp');
    expect(redactUrl('postgres://bot:hidden-pw@/csp?host=/run/postgresql')).toBe('postgres://bot:***@/csp?host=/run/postgresql');
  });

  it('names a URL it cannot read instead of showing it', () => {
    expect(redactUrl('postgres://bot:hidden-pw@db:notaport/csp')).toBe('the DATABASE_URL (not a valid URL)');
  });
});

describe('redactSecrets', () => {
  const url = 'postgres://bot:pw-in-userinfo@db/csp?password=pw%22in%20query&sslkey=/secret/bot.key';

  it('redacts every database URL in a text, and the literal secrets wherever they are quoted alone', () => {
    const text = `connect ${url}: failed: ENOENT: no such file or directory, open '/secret/bot.key'; "pw\\"in query"; pw%22in%20query`;
    const redacted = redactSecrets(text, urlSecrets(url));
    expect(redacted).toBe(
      `connect postgres://bot:***@db/csp?password=***&sslkey=***: failed: ENOENT: no such file or directory, open '***'; "***"; ***`,
    );
  });

  it('knows the secrets of a URL, decoded, and none too short to be one', () => {
    expect(urlSecrets(url).sort()).toEqual(['/secret/bot.key', 'pw"in query', 'pw-in-userinfo']);
    expect(urlSecrets('postgres://bot:pw@db/csp?password=abc')).toEqual([]);
    expect(urlSecrets('not a url')).toEqual([]);
  });
});

/**
 * The one redaction of a database URL, for everything that logs or shows one (the `listening`
 * line, start-up failures, errors that echo it, the logger). `pg` takes secrets in more places
 * than `user:pass@`: `?password=`, `sslpassword`, and the client key's and certificate's paths.
 */

/** Query parameters whose value is hidden: any name with pass, pwd, key, secret or token in it, and sslcert. */
const SECRET_PARAM = /pass|pwd|key|secret|token|sslcert/i;
const MASK = '***';
/** What `pg` parses a URL with an empty host through (`postgres://u:p@/db?host=/run/postgresql`). */
const DUMMY_HOST = '___DUMMY___';

/** The URL as `pg-connection-string` reads it: spaces and stray `%` encoded, an empty host filled in. */
function parseLikePg(url: string): { parsed: URL; dummyHost: boolean } {
  const text = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, '%$1') : url;
  try {
    return { parsed: new URL(text), dummyHost: false };
  } catch {
    return { parsed: new URL(text.replace('@/', `@${DUMMY_HOST}/`)), dummyHost: true };
  }
}

/** The URL with its password and every secret query parameter replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const { parsed, dummyHost } = parseLikePg(url);
    if (parsed.password) parsed.password = MASK;
    for (const name of new Set(parsed.searchParams.keys())) if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, MASK);
    const text = parsed.toString();
    return dummyHost ? text.replace(`@${DUMMY_HOST}/`, '@/') : text;
  } catch {
    return 'the DATABASE_URL (not a valid URL)';
  }
}

/** The secret values `url` carries (its password, secret parameters), decoded, for literal redaction. */
export function urlSecrets(url: string): string[] {
  try {
    const { parsed } = parseLikePg(url);
    const values = [...parsed.searchParams].filter(([name]) => SECRET_PARAM.test(name)).map(([, value]) => value);
    if (parsed.password) values.push(decodeURIComponent(parsed.password));
    // A value too short to be a secret would only garble unrelated text if replaced.
    return [...new Set(values)].filter((v) => v.length >= 4);
  } catch {
    // A URL that does not parse is never printed (redactUrl names it instead).
    return [];
  }
}

const DATABASE_URL_IN_TEXT = /postgres(?:ql)?:\/\/[^\s"'<>`]*/gi;

/**
 * `text` with every database URL in it redacted, and the literal `secrets` (see urlSecrets) too,
 * as written, URL-encoded or JSON-escaped: an error may quote a password or a key's path alone.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(DATABASE_URL_IN_TEXT, (found) => {
    // Punctuation after a URL in a sentence ("…/csp: it cannot be reached") is not part of it.
    const url = found.replace(/[.,;:!?)\]}]+$/, '');
    return redactUrl(url) + found.slice(url.length);
  });
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join(MASK);
  }
  return out;
}

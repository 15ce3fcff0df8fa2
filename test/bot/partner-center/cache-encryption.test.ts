/**
 * The Partner Center token cache at rest (encryptCache and decryptCache in
 * bot/partner-center/auth.ts): sealed with a fresh iv each time, opened only with its key, and
 * every malformed or altered form refused with the same sentence rather than a crypto error.
 */
import { describe, expect, it } from 'vitest';
import { CacheDecryptionError, decryptCache, EncryptionKeyError, encryptCache } from '../../../bot/partner-center/auth.js';

const KEY = Buffer.alloc(32, 7);
const FORMAT = 'The saved Partner Center sign-in is not in the expected encrypted format.';

describe('the token cache at rest', () => {
  it('seals with a fresh iv each time and opens with the same key only', () => {
    const [a, b] = [encryptCache(KEY, '{"Account":{}}'), encryptCache(KEY, '{"Account":{}}')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^aes256gcm\.v1\.[^.]+\.[^.]+\.[^.]*$/);
    expect(decryptCache(KEY, a)).toBe('{"Account":{}}');
    expect(() => decryptCache(Buffer.alloc(32, 8), a)).toThrow(
      /TOKEN_ENCRYPTION_KEY is not the key it was saved with, or the data was altered/,
    );
  });

  it('refuses, in one sentence, a cache in another format, with a part missing, or with an iv or tag of the wrong size', () => {
    const [, , iv, tag, sealed] = encryptCache(KEY, 'x').split('.');
    const malformed = [
      'plain text',
      `aes256gcm.v2.${iv}.${tag}.${sealed}`,
      `aes256gcm.v1..${tag}.${sealed}`,
      `aes256gcm.v1.${iv}.${tag}`,
      `aes256gcm.v1.${Buffer.alloc(8).toString('base64')}.${tag}.${sealed}`,
      `aes256gcm.v1.${iv}.${Buffer.alloc(4).toString('base64')}.${sealed}`,
      42 as unknown as string,
    ];
    for (const data of malformed) {
      expect(() => decryptCache(KEY, data), String(data)).toThrow(CacheDecryptionError);
      expect(() => decryptCache(KEY, data), String(data)).toThrow(FORMAT);
    }
    // Altered ciphertext: the tag does not match.
    const altered = `aes256gcm.v1.${iv}.${tag}.${Buffer.from('tampered').toString('base64')}`;
    expect(() => decryptCache(KEY, altered)).toThrow(/or the data was altered/);
  });

  it('refuses a key that is not 32 bytes, either way', () => {
    expect(() => encryptCache(Buffer.alloc(16), 'x')).toThrow(EncryptionKeyError);
    expect(() => decryptCache(Buffer.alloc(33), 'x')).toThrow(/must be 32 bytes/);
    expect(() => encryptCache('not a buffer' as unknown as Buffer, 'x')).toThrow(EncryptionKeyError);
  });
});

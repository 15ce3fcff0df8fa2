/**
 * `npm run doctor`'s answer (doctorReport in bot/deployment-checks.ts) in process: the exit code
 * and the table it prints. doctor-main.test.ts runs the real entry point as a child process
 * against the Microsoft, Slack and PostgreSQL stand-ins.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorReport } from '../../bot/deployment-checks.js';
import { tempDir } from '../helpers.js';

/** The table's line for `area` (its state word first). */
const line = (text: string, area: string) => text.split('\n').find((l) => l.slice(6).startsWith(area)) ?? `(no line for ${area})\n${text}`;

describe('doctorReport', () => {
  it('passes a deployment with nothing configured but its data file, warning of http on loopback', async () => {
    const { code, text } = await doctorReport({ DATA_FILE: join(tempDir(), 'db.json'), PORT: '3978' });
    expect(code).toBe(0);
    expect(line(text, 'Public URL')).toMatch(/^warn .*http:\/\/localhost:3978 is http on this machine/);
    for (const area of ['Teams (Bot Framework)', 'Slack', 'Partner Center ', 'Partner Center webhooks'])
      expect(line(text, area)).toMatch(/^off .*not configured$/);
    expect(text).toContain('Everything configured works; 1 warning above.');
  });

  it('exits 1 when something configured does not work', async () => {
    const { code, text } = await doctorReport({ DATA_FILE: join(tempDir(), 'db.json'), PUBLIC_URL: 'http://bot.northwind.example' });
    expect(code).toBe(1);
    expect(line(text, 'Public URL')).toMatch(/^FAIL .*is not https/);
  });

  it('exits 1 on a configuration the bot would refuse, one indented line per problem', async () => {
    const { code, text } = await doctorReport({ PORT: '8080', METRICS_PORT: '8080', LOG_LEVEL: 'loud' });
    expect(code).toBe(1);
    const lines = text.split('\n');
    expect(lines[0]).toBe('FAIL  Configuration');
    expect(lines.slice(1, -2).sort()).toEqual([
      expect.stringMatching(/^ {6}LOG_LEVEL must be one of /),
      expect.stringMatching(/^ {6}METRICS_PORT must differ from PORT/),
    ]);
    expect(lines.slice(-2)).toEqual(['', 'Fix the configuration first: the bot would not start.']);
  });
});

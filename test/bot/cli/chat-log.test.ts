import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatLogDestination } from '../../../bot/cli/chat-log.js';
import { createLogger } from '../../../bot/logger.js';
import { tempDir } from '../../helpers.js';

describe("the terminal chat's logs", () => {
  it('go to chat.log beside the data file unless LOG_LEVEL asks for them, so the conversation stays readable', async () => {
    const dir = tempDir();
    const logs = chatLogDestination(null, join(dir, 'nested', 'db.json'));
    expect(logs).toMatchObject({ level: 'warn', file: join(dir, 'nested', 'chat.log') });
    const logger = createLogger(logs.level, logs.stream);
    logger.info('not kept');
    logger.warn({ audit: 'action.refused' }, 'card action refused');
    await new Promise<void>((resolve) => logs.stream.end(resolve));
    const lines = readFileSync(logs.file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; audit?: string });
    expect(lines).toEqual([expect.objectContaining({ msg: 'card action refused', audit: 'action.refused' })]);
  });

  it('go to stderr at the level LOG_LEVEL gives', () => {
    expect(chatLogDestination('debug', join(tempDir(), 'db.json'))).toEqual({ level: 'debug', stream: process.stderr, file: null });
  });
});

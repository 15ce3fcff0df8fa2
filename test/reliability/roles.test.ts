/**
 * Role changes typed in Teams against the real server, on the data file and on PostgreSQL: an
 * Admin agent cannot demote or revoke a Global admin, a bootstrap admin's role is fixed by
 * configuration (and the bot says so instead of claiming a change), and the last Global admin
 * stays, even when two Global admins demote each other at the same moment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBot } from '../fakes/bot-server.js';
import { cardText, startConnector } from '../fakes/connector.js';
import { teamsClient, type TeamsUser } from '../fakes/teams-client.js';
import { testDatabase } from '../pg.js';

const alice: TeamsUser = { aadObjectId: 'aad-admin', name: 'Alice Admin' };
const gina: TeamsUser = { aadObjectId: 'aad-gina', name: 'Gina Global' };
const hugo: TeamsUser = { aadObjectId: 'aad-hugo', name: 'Hugo Global' };
const carla: TeamsUser = { aadObjectId: 'aad-carla', name: 'Carla Agent' };
const personal = { id: 'a:personal', conversationType: 'personal' as const };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Backend = 'file' | 'postgres';
const backends: Backend[] = ['file', 'postgres'];

async function harness(backend: Backend) {
  const connector = await startConnector();
  cleanups.push(() => connector.close());
  const env: Record<string, string> = backend === 'postgres' ? { DATABASE_URL: await testDatabase() } : {};
  let bot = await startBot(env);
  let stopped = false;
  cleanups.push(() => (stopped ? Promise.resolve() : bot.stop()));
  const client = () => teamsClient(bot.url, connector.url);
  /** What the bot answered to `text` typed by `user` in a personal chat. */
  const say = async (user: TeamsUser, text: string) => {
    const before = connector.calls.length;
    const res = await client().say(user, personal, text);
    expect(res.status).toBe(200);
    expect(connector.calls.length).toBeGreaterThan(before);
    return cardText(connector.calls.at(-1));
  };
  const roleOf = (user: TeamsUser) => bot.service.whoami({ platform: 'teams', userId: user.aadObjectId, displayName: user.name, locale: 'en' }).role;
  /** Restarts the bot on the same data with other bootstrap admins (none: the empty string). */
  const restart = async (bootstrapAdmins: string) => {
    const dataFile = bot.config.dataFile;
    await bot.stop();
    stopped = true;
    bot = await startBot({ ...env, BOOTSTRAP_ADMINS: bootstrapAdmins }, { dataFile });
    stopped = false;
  };
  return { say, roleOf, restart, get bot() { return bot; } };
}

describe.each(backends)('role changes in chat (%s store)', (backend) => {
  it('refuses an Admin agent who demotes or revokes a Global admin; the Global admin keeps the role', async () => {
    const h = await harness(backend);
    expect(await h.say(alice, 'grant global-admin teams:aad-gina')).toContain('teams:aad-gina is now Global admin');
    expect(await h.say(alice, 'grant admin-agent teams:aad-carla')).toContain('is now Admin agent');

    expect(await h.say(carla, 'grant sales-agent teams:aad-gina')).toContain('Only a Global admin can do that');
    expect(await h.say(carla, 'revoke role teams:aad-gina')).toContain('Only a Global admin can do that');
    expect(h.roleOf(gina)).toBe('global-admin');
    expect(await h.say(gina, 'whoami')).toContain('Global admin');

    // A Global admin may change another Global admin, and an Admin agent may still manage the rest.
    expect(await h.say(carla, 'grant sales-agent teams:aad-bob')).toContain('is now Sales agent');
    expect(await h.say(carla, 'revoke role teams:aad-bob')).toContain('teams:aad-bob is no longer Sales agent');
    expect(await h.say(gina, 'revoke role teams:aad-carla')).toContain('teams:aad-carla is no longer Admin agent');
    expect(h.roleOf(carla)).toBeNull();
    expect(await h.say(alice, 'grant helpdesk-agent teams:aad-gina')).toContain('is now Helpdesk agent');
    expect(h.roleOf(gina)).toBe('helpdesk-agent');
    const audit = [...h.bot.store.all('audit')].filter((e) => e.action.startsWith('role.')).map((e) => `${e.action} ${e.target}`);
    expect(audit.filter((a) => a.endsWith('teams:aad-gina'))).toHaveLength(2);
    expect(audit).toContain('role.revoked teams:aad-carla');
  });

  it("says a bootstrap admin's role is set in the configuration, in the user's language, and changes nothing", async () => {
    const h = await harness(backend);
    await h.say(alice, 'grant admin-agent teams:aad-carla');
    const auditBefore = h.bot.store.count('audit');
    expect(await h.say(carla, 'grant sales-agent teams:aad-admin')).toContain("set in the bot's configuration (BOOTSTRAP_ADMINS)");
    expect(await h.say(alice, 'revoke role teams:aad-admin')).toContain("can't be changed in chat");
    expect(await h.say({ ...carla, locale: 'it-IT' }, 'assegna sales-agent teams:aad-admin')).toContain('non si può cambiare in chat');
    expect(h.roleOf(alice)).toBe('global-admin');
    expect(h.bot.store.get('roles', 'teams:aad-admin')).toBeUndefined();
    expect(h.bot.store.count('audit')).toBe(auditBefore);
  });

  it('keeps the last Global admin, and lets one go once another exists', async () => {
    const h = await harness(backend);
    await h.say(alice, 'grant global-admin teams:aad-gina');
    // The operator removes the bootstrap admin once the team is set up: Gina is the only one.
    await h.restart('');
    expect(await h.say(gina, 'grant admin-agent teams:aad-gina')).toContain('teams:aad-gina is the last Global admin');
    expect(await h.say(gina, 'revoke role teams:aad-gina')).toContain('is the last Global admin');
    expect(h.roleOf(gina)).toBe('global-admin');

    await h.say(gina, 'grant global-admin teams:aad-hugo');
    expect(await h.say(gina, 'grant admin-agent teams:aad-gina')).toContain('teams:aad-gina is now Admin agent');
    expect(await h.say(hugo, 'revoke role teams:aad-hugo')).toContain('is the last Global admin');
  });

  it('leaves one Global admin when two demote each other at the same moment', async () => {
    const h = await harness(backend);
    await h.say(alice, 'grant global-admin teams:aad-gina');
    await h.say(alice, 'grant global-admin teams:aad-hugo');
    await h.restart('');
    const [a, b] = await Promise.all([h.say(gina, 'revoke role teams:aad-hugo'), h.say(hugo, 'grant sales-agent teams:aad-gina')]);
    const answers = [a, b].map((text) => (/is now|is no longer/.test(text) ? 'done' : 'refused'));
    expect(answers.sort()).toEqual(['done', 'refused']);
    expect([h.roleOf(gina), h.roleOf(hugo)].filter((r) => r === 'global-admin')).toHaveLength(1);
  });

  it('says how to get a role when there is none to revoke', async () => {
    const h = await harness(backend);
    expect(await h.say(alice, 'revoke role teams:aad-nobody')).toContain('teams:aad-nobody has no role granted in this bot');
    expect(await h.say(alice, 'revoke role nobody')).toContain('is not a user I know how to address');
  });
});

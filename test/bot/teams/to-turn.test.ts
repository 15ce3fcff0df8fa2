/**
 * Who acts and where, read from a Teams activity (toTurn in bot/teams/teams-bot.ts): the
 * conversation's name from the most specific place Teams gives it, the user's Entra id over their
 * channel id, and an activity that leaves things out read as blanks rather than failing.
 */
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { toTurn } from '../../../bot/teams/teams-bot.js';

const activity = (extra: Partial<Activity>): Activity =>
  ({ type: 'message', serviceUrl: 'https://smba.trafficmanager.net/emea/', channelId: 'msteams', ...extra }) as Activity;

describe('toTurn', () => {
  it("names a channel by its channel name, then the conversation's, the team's, its type, or 'chat'", () => {
    const conversation = { id: '19:c@thread.tacv2', name: 'General chat', conversationType: 'channel', isGroup: true };
    const named = (extra: Partial<Activity>) => toTurn(activity({ from: { id: '29:u', name: 'Ada' }, ...extra })).conversation.name;
    expect(named({ conversation, channelData: { channel: { name: 'Sales' }, team: { name: 'Northwind' } } })).toBe('Sales');
    expect(named({ conversation, channelData: { team: { name: 'Northwind' } } })).toBe('General chat');
    expect(
      named({ conversation: { ...conversation, name: undefined as unknown as string }, channelData: { team: { name: 'Northwind' } } }),
    ).toBe('Northwind');
    expect(named({ conversation: { ...conversation, name: undefined as unknown as string } })).toBe('channel');
    expect(named({})).toBe('chat');
  });

  it("acts as the user's Entra object id when Teams gives it, else their channel id, in the activity's language", () => {
    const entra = toTurn(
      activity({
        from: { id: '29:u', name: 'Ada', aadObjectId: 'aad-ada' },
        locale: 'it-IT',
        conversation: { id: 'a:1', conversationType: 'personal', isGroup: false, name: '' },
      }),
    );
    expect(entra.actor).toEqual({ platform: 'teams', userId: 'aad-ada', displayName: 'Ada', locale: 'it' });
    expect(entra.conversation).toMatchObject({ conversationId: 'a:1', personal: true });
    const plain = toTurn(activity({ from: { id: '29:u', name: '' }, localTimezone: 'Europe/Rome' }));
    expect(plain.actor).toMatchObject({ userId: '29:u', displayName: '29:u', locale: 'en' });
    expect(plain.timeZone).toBe('Europe/Rome');
    expect(plain.conversation).toMatchObject({ conversationId: '', personal: false });
  });

  it('reads an activity without a sender as nobody, rather than failing', () => {
    expect(toTurn(activity({})).actor).toMatchObject({ userId: '', displayName: '' });
  });
});

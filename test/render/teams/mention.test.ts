import { describe, expect, it } from 'vitest';
import { renderAdaptiveCard } from '../../../render/teams/adaptive.js';
import { toSlackMessage } from '../../../render/slack/blocks.js';
import { renderText } from '../../../render/text/render-text.js';
import { toAcceptedView } from '../../../views/index.js';
import type { InvitationAcceptedEvent } from '../../../bot/service/events.js';
import { HOSTILE, markdownTexts, ownMentionsAsText, squash, teamsRendering } from '../../reliability/hostile.js';

const accepted = (
  inviter: InvitationAcceptedEvent['inviter'],
  invitedBy = inviter?.displayName ?? 'Alice Admin',
): InvitationAcceptedEvent => ({
  type: 'invitation.accepted',
  invitationId: 'inv-1',
  customerId: 'c1',
  companyName: 'Contoso Ltd',
  domain: 'contoso.com',
  contactName: 'Anna Verdi',
  providerName: null,
  invitedBy,
  ...(inviter ? { inviter } : {}),
  acceptedAt: '2026-11-23T14:02:00.000Z',
  deliveryIds: [],
});
const teamsAlice = { platform: 'teams', userId: 'aad-admin', displayName: 'Alice Admin' } as const;
const slackAlice = { platform: 'slack', userId: 'UADMIN', displayName: 'Alice Admin' } as const;
const slackText = (view: ReturnType<typeof toAcceptedView>) => JSON.stringify(toSlackMessage(view).blocks);
const card = (view: ReturnType<typeof toAcceptedView>) =>
  renderAdaptiveCard(view) as Record<string, unknown> & { msteams?: { entities: unknown[] } };

describe('the inviter in an acceptance', () => {
  it('is @mentioned in Teams when a Teams user, with the entity in the card, and named in words in Slack and the terminal', () => {
    const view = toAcceptedView({ locale: 'it' }, accepted(teamsAlice));
    const rendered = card(view);
    expect(markdownTexts(rendered).map((t) => t.text)).toContain('Invitato da <at>Alice Admin</at>.');
    expect(rendered.msteams).toEqual({
      entities: [{ type: 'mention', text: '<at>Alice Admin</at>', mentioned: { id: 'aad-admin', name: 'Alice Admin' } }],
    });
    expect(slackText(view)).toContain('Invitato da Alice Admin.');
    expect(slackText(view)).not.toContain('<@');
    expect(renderText(view).lines).toContain('Invitato da Alice Admin.');
  });

  it('is @mentioned in Slack when a Slack user, and named in words in Teams', () => {
    const view = toAcceptedView({ locale: 'en' }, accepted(slackAlice));
    expect(slackText(view)).toContain('Invited by <@UADMIN>.');
    const rendered = card(view);
    expect(markdownTexts(rendered).map((t) => t.text)).toContain('Invited by Alice Admin.');
    expect(rendered.msteams).toBeUndefined();
  });

  it('is named in words when the acceptance was queued before the inviter was recorded, or the id is not a Slack user id', () => {
    for (const view of [
      toAcceptedView({ locale: 'en' }, accepted(undefined, 'Alice Admin')),
      toAcceptedView({ locale: 'en' }, accepted({ ...slackAlice, userId: 'U1> <!channel' })),
    ]) {
      expect(slackText(view)).toContain('Invited by Alice Admin.');
      expect(slackText(view)).not.toMatch(/<[@!]/);
      expect(card(view).msteams).toBeUndefined();
    }
  });

  for (const payload of HOSTILE) {
    it(`keeps a Teams name ${JSON.stringify(payload)} inside its mention as text: nothing closes the tag or becomes markup`, () => {
      const rendered = card(toAcceptedView({ locale: 'en' }, accepted({ ...teamsAlice, displayName: payload })));
      const [entity] = rendered.msteams!.entities as Array<{ text: string; mentioned: { name: string } }>;
      expect(entity!.text.match(/<at>/g)).toHaveLength(1);
      expect(entity!.text.match(/<\/at>/g)).toHaveLength(1);
      const byLine = markdownTexts(rendered).find((t) => t.text.includes(entity!.text))!;
      const { visible, markup } = teamsRendering(ownMentionsAsText(rendered)(byLine));
      expect(markup).toBeNull();
      expect(visible).toBe(squash(`Invited by ${payload.replace(/\s+/g, ' ')}.`));
    });
  }
});

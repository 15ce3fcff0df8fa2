/**
 * The terminal chat's own questions (bot/cli/session.ts): the draft's edits asked one at a time
 * with an empty prompt, the customer search, and numbers that are no choice.
 */
import { describe, expect, it } from 'vitest';
import { putLargeCustomers } from '../../helpers.js';
import { chat } from './session-harness.js';

/** The number of the choice labelled `label` in what the bot printed. */
const choice = (shown: string, label: string) => new RegExp(`\\[(\\d+)\\] ${label.replace(/[()']/g, '\\$&')}`).exec(shown)![1]!;

describe('terminal chat questions', () => {
  it("edits a draft's subject, company and email one question at a time, and Done sends what was edited", async () => {
    const { me, store } = await chat('admin');
    let out = await me.say('invite customer');
    expect(me.prompt).toBe('> ');
    out = await me.say(choice(out, 'Edit subject'));
    expect(out).toBe('New subject:');
    // While the bot asks, readline shows no prompt of its own.
    expect(me.prompt).toBe('');
    out = await me.say('Welcome to Northwind');
    expect(me.prompt).toBe('> ');
    expect(out).toContain('Text to copy:\n  Welcome to Northwind\n');
    out = await me.say(choice(out, "Edit the customer's company"), '  Fabrikam Ltd  ');
    expect(out).toContain("Customer's company (empty for none):");
    expect(out).toContain("Customer's company (optional): Fabrikam Ltd\n");
    out = await me.say(choice(out, "Edit the customer's email"), ' ops@fabrikam.example ');
    expect(out).toContain("Customer's email (empty for none):");
    expect(out).toContain('Customer email (optional): ops@fabrikam.example\n');
    // The subject survives the later edits, and Done sends all three.
    expect(out).toContain('Text to copy:\n  Welcome to Northwind\n');
    out = await me.say(choice(out, 'Done'));
    expect(out).toContain('Invitation sent');
    expect([...store.all('invitations')]).toEqual([
      expect.objectContaining({
        status: 'sent',
        subject: 'Welcome to Northwind',
        companyName: 'Fabrikam Ltd',
        customerEmail: 'ops@fabrikam.example',
      }),
    ]);
  });

  it("asks again for the customer's origin on an answer that is not a number", async () => {
    const { me } = await chat('admin');
    const draft = await me.say('invite customer');
    const asked = await me.say(choice(draft, 'Change how the customer came to you'), 'referral');
    expect(asked).toContain('Pick a number from 1 to 3, or type a command.');
    expect(asked.split('Pick a number:').length).toBe(3);
    const [, second] = /^ {2}2\. (.+)$/m.exec(asked)!;
    expect(await me.say('2')).toContain(`How the customer came to you: ${second}\n`);
  });

  it('searches the customer list for the text typed after the search choice', async () => {
    const { me, store } = await chat('admin');
    await putLargeCustomers(store, 12);
    const list = await me.say('list customers');
    let out = await me.say(choice(list, 'Search by name or domain'));
    expect(out).toBe('Search for:');
    expect(me.prompt).toBe('');
    out = await me.say('large-tenant-11.example.com');
    expect(out).toContain('Large Tenant 011');
    expect(out).not.toContain('Large Tenant 000');
  });

  it('ignores an empty line, reads a number as a command where nothing was offered, and names the only choice when there is one', async () => {
    const { me, session } = await chat('admin');
    expect(await me.say('   ')).toBe('');
    await me.say('whoami');
    expect(await me.say('4')).toBe('I don\'t know "4". Type `help` to see everything I can do.\n');
    await me.say('invite customer', '1');
    // One pending invitation: one choice (revoke it).
    expect(await me.say('invitations', '2')).toMatch(/\[1\] Revoke [^\n]*\n[\s\S]*Pick 1, or type a command\.$/);
    expect(await session('admin', 'it').say('inviti', '2')).toMatch(/Scegli 1, o scrivi un comando\.$/);
  });
});

/**
 * The one normaliser of text from outside (bot/service/text.ts), and the service's entry points
 * that use it: what a form, Graph, Partner Center, Slack or Teams send arrives in the store as
 * text every store keeps and no renderer can be steered by.
 */
import { describe, expect, it } from 'vitest';
import { lineOf, multiLine, optionalLine, platformData, singleLine } from '../../../bot/service/text.js';
import { unstorablePath } from '../../../store/storable.js';
import { admin, contact, testService } from '../../helpers.js';

/** Every character the normaliser must never let through, by name. */
const FORBIDDEN: Record<string, string> = {
  NUL: '\u0000',
  BEL: '\u0007',
  BS: '\u0008',
  ESC: '\u001b',
  DEL: '\u007f',
  CSI: '\u009b',
  NEL: '\u0085',
  LRE: '\u202a',
  RLE: '\u202b',
  PDF: '\u202c',
  LRO: '\u202d',
  RLO: '\u202e',
  LRI: '\u2066',
  RLI: '\u2067',
  FSI: '\u2068',
  PDI: '\u2069',
  LRM: '\u200e',
  RLM: '\u200f',
  ALM: '\u061c',
  BOM: '\ufeff',
  'line separator': '\u2028',
  'paragraph separator': '\u2029',
};
const ANY_FORBIDDEN = new RegExp(`[${Object.values(FORBIDDEN).join('')}]`);

describe('one line of text from outside', () => {
  it('removes NUL and the other C0 and C1 controls, keeping the letters around them', () => {
    expect(singleLine('Evil\u0000Corp')).toBe('EvilCorp');
    expect(singleLine('Evil\u001b]0;pwned\u0007\u001b[2J\u009b31mCorp')).toBe('Evil]0;pwned[2J31mCorp');
    expect(singleLine('\u007fA\u0080B\u009fC')).toBe('ABC');
  });

  it('removes bidi embeddings, overrides, isolates and marks, so a reversed name cannot pass for another', () => {
    // Shown right to left, "\u202Eosotnoc" reads "contoso"; without the override it reads as sent.
    expect(singleLine('\u202eosotnoC\u202c Ltd')).toBe('osotnoC Ltd');
    expect(singleLine('Contoso \u2066\u2067admin\u2069\u2068x\u2069')).toBe('Contoso adminx');
    expect(singleLine('\u200eA\u200fB\u061cC\u202aD\u202bE\u202dF')).toBe('ABCDEF');
  });

  it('keeps right-to-left letters themselves, accents, emoji and a zero-width joiner', () => {
    for (const name of ['שלום בע"מ', 'شركة النور', 'Café Müller', 'Ølstue 👩\u200d💻', 'Ťest ﬁrm'])
      expect(singleLine(name)).toBe(name);
  });

  it('folds every kind of line break, tabs and runs of spaces into one space, and trims', () => {
    expect(singleLine(' Contoso\r\nLtd\rInc\nSpa\u000bA\u000cB\u0085C\u2028D\u2029E\tF  G ')).toBe('Contoso Ltd Inc Spa A B C D E F G');
    expect(singleLine('\n\t \u0000\u202e\n')).toBe('');
  });

  it('replaces an unpaired surrogate with U+FFFD and keeps a pair', () => {
    expect(singleLine('A\ud800B\udc00C')).toBe('A\ufffdB\ufffdC');
    expect(singleLine('😀')).toBe('😀');
  });

  it('leaves nothing any store refuses or any forbidden character, whatever the input', () => {
    let all = '';
    for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
    all += '\ufeff\ud83d\ude00\ud800';
    for (const text of [all, [...all].reverse().join('')]) {
      const line = singleLine(text);
      expect(line).not.toMatch(ANY_FORBIDDEN);
      expect(line).not.toMatch(/[\t\n\r]/);
      expect(unstorablePath(line)).toBeNull();
      // Normalising twice changes nothing: the service may see a text it already normalised.
      expect(singleLine(line)).toBe(line);
    }
  });

  it('reads a value that is not text as empty, and nothing left as null where a value is optional', () => {
    expect(lineOf(42)).toBe('');
    expect(lineOf(undefined)).toBe('');
    expect(lineOf(' a\nb ')).toBe('a b');
    expect(optionalLine(' \u0000\u202e ')).toBeNull();
    expect(optionalLine(null)).toBeNull();
    expect(optionalLine(undefined)).toBeNull();
    expect(optionalLine(' Contoso\t')).toBe('Contoso');
  });
});

describe('several lines of text from outside', () => {
  it('keeps the lines of an email body as "\\n", and removes every other control and direction character', () => {
    expect(multiLine('Hello\r\n\r\nPlease accept:\rhttps://x\u2028Bye\u2029')).toBe('Hello\n\nPlease accept:\nhttps://x\nBye\n');
    expect(multiLine('A\u0000B\u001b[31mC\u0007\u202eD\u2066E\u2069\tF')).toBe('AB[31mCDE F');
  });

  it('keeps leading and trailing spaces and blank lines, as the admin typed them', () => {
    expect(multiLine('  indented\n\n\nend  ')).toBe('  indented\n\n\nend  ');
  });

  it('returns the very same string when there is nothing to change', () => {
    const text = 'Ciao Giulia,\n\nti invitiamo a 🤝 Northwind.';
    expect(multiLine(text)).toBe(text);
    for (const [name, c] of Object.entries(FORBIDDEN)) expect(multiLine(`a${c}b`), name).not.toMatch(ANY_FORBIDDEN);
  });
});

describe("a platform's own data kept for later", () => {
  it('is copied with every string and key as multiLine makes it, ids and URLs unchanged', () => {
    const reference = {
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      user: { id: '29:1a-b_c', name: '\u202eAlice\u0000 Admin\r\n', aadObjectId: 'aad-1' },
      conversation: { id: '19:abc@thread.tacv2;messageid=1', isGroup: true, 'k\u0000': ['\u2066x\u2069', 1, null, false] },
    };
    expect(platformData(reference)).toEqual({
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      user: { id: '29:1a-b_c', name: 'Alice Admin\n', aadObjectId: 'aad-1' },
      conversation: { id: '19:abc@thread.tacv2;messageid=1', isGroup: true, k: ['x', 1, null, false] },
    });
    expect(unstorablePath(platformData(reference))).toBeNull();
    expect(reference.user.name).toBe('\u202eAlice\u0000 Admin\r\n');
  });
});

describe('the service normalises text where it enters', () => {
  const hostile = (text: string) => `\u202e${text.slice(0, 2)}\u0000\u001b[31m${text.slice(2)}\u0007\u2066\r\n`;

  it('on the customer form: company, name, email and domain are one clean line each', async () => {
    const { service } = await testService();
    const invitation = await service.draftInvitation(admin, { acquisition: 'own-marketing', locale: 'en' });
    await service.markInvitationSent(admin, invitation.id, { body: `Accept: ${invitation.link}` });
    const c = contact('contoso.com');
    const { customer } = await service.acceptInvitation(invitation.token, {
      companyName: hostile(c.companyName),
      name: hostile(c.name),
      email: `\u200e${c.email}\u0000`,
      domain: `\u202e${c.domain}\n`,
    });
    expect(customer).toMatchObject({ companyName: 'Co[31mntoso Ltd', domain: 'contoso.com', contact: { name: 'An[31mna Verdi', email: c.email } });
    const audit = service.listAudit(admin, { target: invitation.id });
    expect(audit.find((e) => e.action === 'invitation.accepted')?.actor.displayName).toBe('An[31mna Verdi');
  });

  it('on a draft and its Done: company and email one line, the body keeps its lines without controls', async () => {
    const { service } = await testService();
    const invitation = await service.draftInvitation(admin, {
      acquisition: 'own-marketing',
      locale: 'en',
      companyName: 'Evil\u0000Corp\u202e\n',
      customerEmail: '\u2066anna@evil.example\u2069',
    });
    expect(invitation).toMatchObject({ companyName: 'EvilCorp', customerEmail: 'anna@evil.example' });
    const sent = await service.markInvitationSent(admin, invitation.id, {
      subject: 'Hello\r\n\u0000there',
      body: `Hi\u0000 \u202eAnna,\r\n\r\nAccept: ${invitation.link}\u0007\n`,
    });
    expect(sent.subject).toBe('Hello there');
    expect(sent.body).toBe(`Hi Anna,\n\nAccept: ${invitation.link}\n`);
  });

  it('from the chat: a provider, a subscribed conversation, the actor and search text', async () => {
    const { service } = await testService();
    const provider = await service.addProvider(admin, { name: 'Contoso\u0000 \u202eDistribution\n' });
    expect(provider.name).toBe('Contoso Distribution');
    const who = { ...admin, platform: 'teams' as const, userId: 'aad-1', displayName: 'Alice\u0000\u202e Admin\u0007\n' };
    await service.grantRole(admin, { role: 'admin-agent', principal: 'teams:aad-1' });
    const subscription = await service.subscribeToNotifications(who, { platform: 'teams', conversationId: '19:x', name: 'Sales\u001b[2J\r\nNews' });
    expect(subscription).toMatchObject({ name: 'Sales[2J News', createdBy: { displayName: 'Alice Admin' } });
    // A display name with nothing left in it is named by its user id.
    const blank = await service.subscribeToNotifications({ ...who, displayName: '\u202e\u0000' }, { platform: 'slack', conversationId: 'C1', name: '' });
    expect(blank.createdBy.displayName).toBe('aad-1');
    expect(service.listCustomers(admin, { query: ' \u202eConto\u0000so\n' }).query).toBe('Contoso');
  });

  it('from Graph and Partner Center: customer, provider and relationship names, and domains', async () => {
    const { service, store } = await testService();
    await service.recordDirectorySnapshot({
      customers: [{ tenantId: 't-1', displayName: 'Adatum\u0000\u202e Corp\r\nEvil', domain: ' \u2066ADATUM.example\u2069 ' }],
      providers: [{ tenantId: 'p-1', name: '\u202eFabrikam\u0007' }],
      relationships: [
        {
          id: 'rel-1',
          displayName: 'Northwind\u0000_Adatum\n',
          status: 'active',
          customer: { tenantId: 't-1', displayName: '\u202dAdatum\u2069' },
          roleDefinitionIds: [],
          autoExtendDuration: 'P180D',
          endDateTime: null,
        },
      ],
    });
    const customer = [...store.all('customers')][0]!;
    expect(customer).toMatchObject({ companyName: 'Adatum Corp Evil', domain: 'adatum.example' });
    expect([...store.all('providers')][0]!.name).toBe('Fabrikam');
    expect(store.get('gdap', 'rel-1')).toMatchObject({ displayName: 'Northwind_Adatum', customerName: 'Adatum' });
  });
});

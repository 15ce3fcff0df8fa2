import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, MAX_COMMAND_LENGTH, commands, parseCommand } from '../../../bot/commands/parse.js';

describe('command parser', () => {
  it.each([
    ['invite customer', 'invite', ''],
    ['Invite   Customer ', 'invite', ''],
    ['<at>CSP Bot</at> invite customer', 'invite', ''],
    ['<@U0BOT> list customers', 'listCustomers', ''],
    ['@cspbot list customers contoso', 'listCustomers', 'contoso'],
    ['invite customer with provider Contoso Distribution', 'inviteWithProvider', 'Contoso Distribution'],
    ['customer Adatum Corporation', 'customer', 'Adatum Corporation'],
    ['customers', 'listCustomers', ''],
    ['remove relationship wingtiptoys.com', 'removeRelationship', 'wingtiptoys.com'],
    ['add provider Fabrikam', 'addProvider', 'Fabrikam'],
    ['grant sales-agent slack:U123', 'grant', 'sales-agent slack:U123'],
    ['/csp notify here', 'notifyHere', ''],
    ['providers', 'providers', ''],
  ])('reads the English command %j', (text, name, args) => {
    expect(parseCommand(text)).toEqual({ kind: 'command', name, args, language: 'en' });
  });

  it.each([
    ['invita cliente', 'invite', ''],
    ['INVITA CLIENTE CON PROVIDER', 'inviteWithProvider', ''],
    ['elenca clienti rossi', 'listCustomers', 'rossi'],
    ['cliente Adatum', 'customer', 'Adatum'],
    ['rimuovi relazione Wingtip Toys', 'removeRelationship', 'Wingtip Toys'],
    ['aiuto', 'help', ''],
    ['provider', 'providers', ''],
    ['aggiungi provider Contoso', 'addProvider', 'Contoso'],
    ['inviti', 'invitations', ''],
    ['notifica qui', 'notifyHere', ''],
    ['chi sono', 'whoami', ''],
    ['assegna admin-agent teams:abc', 'grant', 'admin-agent teams:abc'],
  ])('reads the Italian command %j', (text, name, args) => {
    expect(parseCommand(text)).toEqual({ kind: 'command', name, args, language: 'it' });
  });

  it('suggests the closest command for a typo', () => {
    expect(parseCommand('invte customer')).toMatchObject({ kind: 'unknown', suggestion: 'invite customer' });
    expect(parseCommand('elenca clienty')).toMatchObject({ kind: 'unknown', suggestion: 'elenca clienti' });
    expect(parseCommand('what is the weather')).toMatchObject({ kind: 'unknown', suggestion: null });
  });

  it('asks for the missing part of a command that needs one', () => {
    expect(parseCommand('remove relationship')).toEqual({ kind: 'missingArgs', name: 'removeRelationship', language: 'en' });
    expect(parseCommand('cliente')).toEqual({ kind: 'missingArgs', name: 'customer', language: 'it' });
  });

  it('does not take extra words after a command that has no argument', () => {
    expect(parseCommand('help me please').kind).toBe('unknown');
  });

  it('answers text past the command limit as too long, at once, without looking for the closest command', () => {
    expect(parseCommand(`list customers ${'a'.repeat(MAX_COMMAND_LENGTH - 15)}`).kind).toBe('command');
    // A suggestion would mean the quadratic matcher ran over the text; its speed is a bench figure.
    expect(parseCommand('x'.repeat(500_000))).toEqual({ kind: 'tooLong', max: MAX_COMMAND_LENGTH });
    expect(parseCommand('y'.repeat(MAX_COMMAND_LENGTH + 1))).toEqual({ kind: 'tooLong', max: MAX_COMMAND_LENGTH });
  });

  it('has exactly one spec for every command name', () => {
    expect(commands.map((c) => c.name).sort()).toEqual([...COMMAND_NAMES].sort());
  });
});

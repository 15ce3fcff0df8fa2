/**
 * View models: what each card shows, already in the user's language, plain data built before
 * rendering. Teams (Adaptive Card templates), Slack (Block Kit builders) and the terminal all
 * render these same objects. One module per domain under views/; this one names them all.
 */
import type { AttestationView } from './removals.js';
import type { CustomerDetailsView, CustomerListView } from './customers.js';
import type { AcceptedView, DraftView, ProviderPickerView, SentView } from './invitations.js';
import type { ListView, MessageView, OutcomeView } from './common.js';
import type { HelpView } from './help.js';
import type { BulkFormView } from './bulk.js';
import type { DigestView } from './digest.js';

export * from './common.js';
export * from './help.js';
export * from './invitations.js';
export * from './customers.js';
export * from './removals.js';
export * from './home.js';
export * from './microsoft.js';
export * from './access.js';
export * from './notifications.js';
export * from './onboarding.js';
export * from './reminders.js';
export * from './exports.js';
export * from './auto-extend.js';
export * from './bulk.js';
export * from './digest.js';

export type View =
  | HelpView
  | MessageView
  | DraftView
  | SentView
  | ProviderPickerView
  | CustomerListView
  | CustomerDetailsView
  | AttestationView
  | OutcomeView
  | ListView
  | AcceptedView
  | BulkFormView
  | DigestView;
export * from './gaps.js';

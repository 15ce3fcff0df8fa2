/**
 * View models: what each card shows, already in the user's language, plain data built before
 * rendering. Teams (Adaptive Card templates), Slack (Block Kit builders) and the terminal all
 * render these same objects. One module per domain under views/; this one names them all.
 */
import type { AttestationView } from './views/removals.js';
import type { CustomerDetailsView, CustomerListView } from './views/customers.js';
import type { AcceptedView, DraftView, ProviderPickerView, SentView } from './views/invitations.js';
import type { HelpView, ListView, MessageView, OutcomeView } from './views/common.js';

export * from './views/common.js';
export * from './views/invitations.js';
export * from './views/customers.js';
export * from './views/removals.js';
export * from './views/home.js';
export * from './views/microsoft.js';

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
  | AcceptedView;

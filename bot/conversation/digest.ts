/** `digest here`, `stop digest` and `digest`, typed or from a button: the terminal has no conversation to post in later, but may look. */
import type { Service } from '../service/index.js';
import { formatDate, toDigestView, toMessageView, type View, type Viewer } from '../../views/index.js';
import type { Turn } from './turn.js';

export async function digestCommand(
  service: Service,
  turn: Turn,
  viewer: Viewer,
  name: 'digestHere' | 'digestOff' | 'digest',
): Promise<View[]> {
  const { actor } = turn;
  const { platform, conversationId, name: convName, reference } = turn.conversation;
  const place = platform === 'cli' ? null : { platform, conversationId, name: convName, reference: reference ?? null };
  if (name === 'digest') {
    const shown = service.digestNow(actor, place);
    return [toDigestView(viewer, shown.report, shown)];
  }
  if (!place) return [toMessageView(viewer, 'info', 'digest.noConversation')];
  if (name === 'digestOff') {
    const { removed } = await service.unsubscribeFromDigest(actor, place);
    return [toMessageView(viewer, 'success', removed ? 'ui.digest.off' : 'ui.digest.wasOff')];
  }
  const { nextAt, timeZone } = await service.subscribeToDigest(actor, place);
  return [toMessageView(viewer, 'success', 'ui.digest.on', { date: formatDate({ ...viewer, timeZone }, nextAt) })];
}

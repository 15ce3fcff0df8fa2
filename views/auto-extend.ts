/** Auto-extend on a GDAP relationship: the button the notices and `gaps` carry, and its outcome card. */
import { t } from '../i18n/catalogue.js';
import type { AutoExtended } from '../bot/service/auto-extend.js';
import { formatDate, outcomeView, type ActionModel, type OutcomeView, type Viewer } from './common.js';

/** "Turn on auto-extend" for one relationship; the service checks the id, the role and the relationship again. */
export function autoExtendAction(viewer: Viewer, relationshipId: string, style: ActionModel['style'] = 'positive'): ActionModel {
  return { verb: 'gdap.autoExtend', title: t(viewer.locale, 'ui.autoExtend.button'), style, data: { relationshipId } };
}

/** The card the button becomes: the relationship now extends by 180 days at its end date (or already did). */
export function toAutoExtendedView(viewer: Viewer, r: AutoExtended): OutcomeView {
  const l = viewer.locale;
  const title = t(l, r.alreadyOn ? 'ui.autoExtend.alreadyTitle' : 'ui.autoExtend.title', { company: r.companyName });
  const dated = r.endsAt !== null;
  const key = r.alreadyOn
    ? dated
      ? 'ui.autoExtend.already'
      : 'ui.autoExtend.alreadyUndated'
    : dated
      ? 'ui.autoExtend.done'
      : 'ui.autoExtend.doneUndated';
  const text = t(l, key, { name: r.relationshipName, ends: r.endsAt ? formatDate(viewer, r.endsAt, false) : '' });
  return outcomeView(l, title, text, {
    actions: [{ verb: 'customer.show', title: t(l, 'ui.accepted.show'), data: { customerId: r.customerId } }],
  });
}

/** The buttons of an Adaptive Card as a test reads them: each `Action.Execute`, and one found by its title. */

export interface CardAction {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** Each `Action.Execute` on a card (the Action.Submit fallbacks repeat them), in order. */
export function actions(card: unknown): CardAction[] {
  const found: CardAction[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.Execute')
        found.push({ title: o.title as string, verb: o.verb as string, data: o.data as Record<string, unknown> });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The first button whose title is `title` and whose data includes `data`'s strings. */
export const button = (card: unknown, title: string, data: Record<string, string> = {}): CardAction | undefined =>
  actions(card).find((a) => a.title === title && Object.entries(data).every(([k, v]) => String(a.data[k] ?? '').includes(v)));

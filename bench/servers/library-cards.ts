/**
 * The bot exactly as `npm start` runs it (the compiled dist/), except that its Adaptive Cards are
 * expanded by adaptivecards-templating itself instead of the compiled expander: the bench's
 * comparison rows. ES modules are loaded once, so the switch holds for the bot started next.
 */
const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const adaptive: typeof import('../../render/teams/adaptive.js') = await import(dist('render/teams/adaptive.js'));

adaptive.useReferenceExpanders();
await import(dist('bot/start.js'));
